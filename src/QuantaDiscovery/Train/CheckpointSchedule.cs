using System.Globalization;
using QuantaDiscovery.Common;

namespace QuantaDiscovery.Train;

/// <summary>
/// The steps at which a run saves checkpoints. Pythia saves step 0, the powers of two 1 … 512, then every
/// 1,000 of its 143,000 steps; <see cref="Pythia"/> scales that to a run of any length.
/// </summary>
public static class CheckpointSchedule
{
    /// <summary>
    /// 0, then the powers of two below the first evenly spaced step, then <paramref name="evenlySpaced"/>
    /// steps spaced by ⌈N / evenlySpaced⌉ ending at N (the final step is always included).
    /// </summary>
    public static IReadOnlyList<int> Pythia(int totalSteps, int evenlySpaced = 10)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(totalSteps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(evenlySpaced, 1);
        int spacing = (totalSteps + evenlySpaced - 1) / evenlySpaced;
        var steps = new SortedSet<int> { 0, totalSteps };
        for (int power = 1; power < spacing; power *= 2) steps.Add(power);
        for (int step = spacing; step < totalSteps; step += spacing) steps.Add(step);
        return [.. steps];
    }

    /// <summary>
    /// "pythia" (<see cref="Pythia"/>) or a comma-separated list of steps in [0, N]; the final step N is added when
    /// the list lacks it.
    /// </summary>
    public static IReadOnlyList<int> Parse(string specification, int totalSteps)
    {
        if (string.Equals(specification.Trim(), "pythia", StringComparison.OrdinalIgnoreCase))
            return Pythia(totalSteps);
        var steps = new SortedSet<int> { totalSteps };
        foreach (var part in specification.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var step) || step < 0 || step > totalSteps)
                throw new InputException($"checkpoint step '{part}' is not an integer in [0, {totalSteps}] (or use 'pythia')");
            steps.Add(step);
        }
        return [.. steps];
    }
}
