namespace QuantaDiscovery.Gradients;

/// <summary>
/// A seeded sparse random projection R ∈ ℝ^{k×d}, y = R·g, with i.i.d. entries
/// R_ij = +1/√(k·s) with probability s/2, −1/√(k·s) with probability s/2, 0 otherwise, so that E‖R·g‖² = ‖g‖² and
/// inner products are preserved in expectation. Density s = 1/3 is Achlioptas's database-friendly projection
/// (Achlioptas 2003, "Database-friendly random projections: Johnson–Lindenstrauss with binary coins"); the default
/// s = 1/√d is the "very sparse random projection" of Li, Hastie &amp; Church (2006, KDD), whose error is close to a
/// dense Gaussian projection's for vectors without extreme kurtosis while costing about k·√d nonzeros.
/// </summary>
/// <remarks>
/// The d×k matrix is never materialised: only its nonzeros are drawn, block by block (one block per parameter
/// tensor, so a gradient is projected as its blocks arrive), by skipping geometric gaps through the block's
/// column-major positions with a SplitMix64 stream seeded by (seed, block). The same (seed, block sizes, k, s)
/// always give the same matrix, on any machine.
/// </remarks>
public sealed class SparseRandomProjection
{
    private readonly int[][] _columns;
    private readonly int[][] _rows;
    private readonly float[][] _values;

    public int OutputDimension { get; }
    public long InputDimension { get; }
    public double Density { get; }
    public ulong Seed { get; }
    public IReadOnlyList<long> BlockSizes { get; }
    public long NonZeros => _columns.Sum(c => (long)c.Length);

    /// <summary>The value of a nonzero entry, 1/√(k·s).</summary>
    public float Scale { get; }

    /// <param name="blockSizes">sizes of the consecutive blocks of the input (parameter tensors); d is their sum</param>
    /// <param name="outputDimension">k</param>
    /// <param name="density">s, the probability that an entry is nonzero; null: 1/√d</param>
    public SparseRandomProjection(IReadOnlyList<long> blockSizes, int outputDimension, ulong seed, double? density = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(outputDimension, 1);
        if (blockSizes.Count == 0 || blockSizes.Any(b => b < 1 || b > int.MaxValue))
            throw new ArgumentException("every block must hold between 1 and 2³¹−1 values", nameof(blockSizes));
        InputDimension = blockSizes.Sum();
        double s = density ?? 1 / Math.Sqrt(InputDimension);
        if (!(s > 0 && s <= 1)) throw new ArgumentOutOfRangeException(nameof(density), density, "must be in (0, 1]");
        (OutputDimension, Density, Seed, BlockSizes, Scale) = (outputDimension, s, seed, blockSizes.ToArray(), (float)(1 / Math.Sqrt(outputDimension * s)));
        _columns = new int[blockSizes.Count][];
        _rows = new int[blockSizes.Count][];
        _values = new float[blockSizes.Count][];
        for (int b = 0; b < blockSizes.Count; b++)
            (_columns[b], _rows[b], _values[b]) = DrawBlock(blockSizes[b], outputDimension, s, Scale, SplitMix64.Mix(seed ^ SplitMix64.Mix((ulong)b + 1)));
    }

    /// <summary>Adds R_block · values to <paramref name="output"/> (length k), for block <paramref name="block"/> of the input.</summary>
    public void Accumulate(int block, ReadOnlySpan<float> values, Span<float> output)
    {
        if (values.Length != BlockSizes[block])
            throw new ArgumentException($"block {block} holds {BlockSizes[block]} values, {values.Length} given", nameof(values));
        if (output.Length != OutputDimension) throw new ArgumentException($"output must hold k = {OutputDimension} values", nameof(output));
        // The signed entry is stored rather than a sign to branch on: random signs would mispredict every other branch.
        var columns = _columns[block];
        var rows = _rows[block];
        var entries = _values[block];
        for (int e = 0; e < columns.Length; e++)
            output[rows[e]] += entries[e] * values[columns[e]];
    }

    /// <summary>R · x for a whole input vector of length d.</summary>
    public float[] Project(ReadOnlySpan<float> input)
    {
        if (input.Length != InputDimension) throw new ArgumentException($"input must hold d = {InputDimension} values", nameof(input));
        var output = new float[OutputDimension];
        long offset = 0;
        for (int b = 0; b < BlockSizes.Count; b++)
        {
            Accumulate(b, input.Slice((int)offset, (int)BlockSizes[b]), output);
            offset += BlockSizes[b];
        }
        return output;
    }

    /// <summary>
    /// The nonzeros of a block's columns (a column is an input coordinate): positions p = column·k + row visited with
    /// gaps ~ Geometric(s), so each entry is nonzero independently with probability s, and equal to ±scale with
    /// equal probability.
    /// </summary>
    private static (int[] Columns, int[] Rows, float[] Values) DrawBlock(long columns, int k, double s, float scale, ulong seed)
    {
        var random = new SplitMix64(seed);
        var columnList = new List<int>((int)Math.Min(int.MaxValue / 2, columns * k * s * 1.1 + 16));
        var rowList = new List<int>(columnList.Capacity);
        var valueList = new List<float>(columnList.Capacity);
        long total = columns * k;
        double logKeep = Math.Log(1 - s);
        for (long p = s >= 1 ? 0 : Gap(); p < total; p += 1 + (s >= 1 ? 0 : Gap()))
        {
            columnList.Add((int)(p / k));
            rowList.Add((int)(p % k));
            valueList.Add(random.NextBit() ? scale : -scale);
        }
        return ([.. columnList], [.. rowList], [.. valueList]);

        // Failures before the next success of a Bernoulli(s) sequence: ⌊ln U / ln(1−s)⌋, U ~ Uniform(0, 1].
        long Gap() => (long)Math.Min(total, Math.Floor(Math.Log(1 - random.NextDouble()) / logKeep));
    }
}

/// <summary>SplitMix64 (Steele, Lea &amp; Flood 2014, "Fast splittable pseudorandom number generators"): a small, fixed stream.</summary>
internal struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong Next() => Mix(_state += 0x9E3779B97F4A7C15UL);

    /// <summary>Uniform on [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    public bool NextBit() => (Next() >> 63) != 0;
}
