namespace QuantaDiscovery.Select;

/// <summary>
/// "Induction" tokens in the sense of Michaud et al. (2023, §5): x_j is predictable by copying when the trigram
/// (x_{j−2}, x_{j−1}, x_j) already occurred earlier in the same document (Olsson et al. 2022, "In-context learning
/// and induction heads"). The paper leaves these out before clustering because one induction cluster would
/// otherwise absorb a large share of the low-loss tokens.
/// </summary>
public static class InductionFilter
{
    /// <summary>
    /// For each position j of <paramref name="tokens"/>, whether the trigram ending at j also ends at some earlier
    /// position k &lt; j (overlaps allowed). Positions 0 and 1 have no trigram and are never induction tokens.
    /// </summary>
    public static bool[] InductionPositions(ReadOnlySpan<int> tokens)
    {
        var isInduction = new bool[tokens.Length];
        var seen = new HashSet<(int, int, int)>();
        for (int j = 2; j < tokens.Length; j++)
            isInduction[j] = !seen.Add((tokens[j - 2], tokens[j - 1], tokens[j]));
        return isInduction;
    }
}
