using System.Text.Json;
using QuantaDiscovery.Fit;
using QuantaDiscovery.Report;

namespace QuantaDiscovery.Scaling;

/// <param name="Dominance">a curve is monogenic when its largest adjacent-size drop is more than this share of its total decrease ("most": 0.5)</param>
/// <param name="MinDecreaseNats">curves whose loss falls by less than this from the smallest to the largest size are "unchanged", neither kind</param>
public sealed record MonogenicPolygenicOptions(double Dominance = 0.5, double MinDecreaseNats = 1.0);

/// <param name="Classes">per token: <see cref="MonogenicPolygenic.Unchanged"/>, <see cref="MonogenicPolygenic.Polygenic"/> or <see cref="MonogenicPolygenic.Monogenic"/></param>
/// <param name="DominantDrop">per token: index i of the largest drop, from size i to size i + 1 (−1 when unchanged)</param>
/// <param name="DominantShare">per token: that drop's share of the total decrease (NaN when unchanged)</param>
public sealed record MonogenicPolygenicResult(sbyte[] Classes, int[] DominantDrop, double[] DominantShare);

/// <summary>What <c>genes.json</c> holds: counts per class and, for monogenic tokens, at which size step the drop falls.</summary>
public sealed record MonogenicPolygenicSummary(double Dominance, double MinDecreaseNats, string[] Sizes, double[] Params, int Tokens,
    long Monogenic, long Polygenic, long Unchanged, double MonogenicShareOfChanged, long[] MonogenicDropAt);

/// <summary>
/// Monogenic versus polygenic per-token scaling (Michaud et al. 2023, §5): a token's loss-against-size curve, over the
/// final checkpoints by increasing N, is monogenic when one adjacent-size drop carries most of its total decrease (one
/// quantum learned at one scale), polygenic when the decrease is spread over several steps. Our minimal criterion, not
/// the authors' plateau search (experiments/pythia-2/find_monogenics.py, plateaus 0.7 nats wide).
/// </summary>
public static class MonogenicPolygenic
{
    public const sbyte Unchanged = -1, Polygenic = 0, Monogenic = 1;
    public const string SummaryFile = "genes.json", ClassesFile = "genes.npy", PlotFile = "dominant_drop_share";

    /// <summary>Classifies one curve (losses in nats by increasing size); returns the class, the dominant drop's index and its share.</summary>
    public static (sbyte Class, int Drop, double Share) Classify(ReadOnlySpan<float> curve, MonogenicPolygenicOptions options)
    {
        if (curve.Length < 2) throw new ArgumentException("a curve needs at least two sizes", nameof(curve));
        double total = curve[0] - curve[^1];
        if (!(total >= options.MinDecreaseNats)) return (Unchanged, -1, double.NaN);
        int drop = 0;
        double largest = double.NegativeInfinity;
        for (int i = 0; i + 1 < curve.Length; i++)
        {
            double d = curve[i] - curve[i + 1];
            if (d > largest) (largest, drop) = (d, i);
        }
        double share = largest / total;
        return (share > options.Dominance ? Monogenic : Polygenic, drop, share);
    }

    public static MonogenicPolygenicResult Run(LossMatrix matrix, MonogenicPolygenicOptions options)
    {
        if (!(options.Dominance > 0 && options.Dominance < 1))
            throw new ArgumentOutOfRangeException(nameof(options), options.Dominance, "the dominance share must lie in (0, 1)");
        var sizes = matrix.Suite.FinalCheckpoints();
        if (sizes.Length < 2) throw new ArgumentException("monogenic/polygenic curves need at least two sizes", nameof(matrix));
        int tokens = matrix.Tokens;
        var classes = new sbyte[tokens];
        var drops = new int[tokens];
        var shares = new double[tokens];
        Parallel.For(0, tokens, () => new float[sizes.Length], (t, _, curve) =>
        {
            for (int s = 0; s < sizes.Length; s++) curve[s] = matrix.Losses[sizes[s]][t];
            (classes[t], drops[t], shares[t]) = Classify(curve, options);
            return curve;
        }, _ => { });
        return new MonogenicPolygenicResult(classes, drops, shares);
    }

    public static MonogenicPolygenicSummary Summarise(LossMatrix matrix, MonogenicPolygenicResult result, MonogenicPolygenicOptions options)
    {
        var sizes = matrix.Suite.FinalCheckpoints();
        var dropAt = new long[sizes.Length - 1];
        long mono = 0, poly = 0, unchanged = 0;
        for (int t = 0; t < result.Classes.Length; t++)
        {
            switch (result.Classes[t])
            {
                case Monogenic: mono++; dropAt[result.DominantDrop[t]]++; break;
                case Polygenic: poly++; break;
                default: unchanged++; break;
            }
        }
        return new MonogenicPolygenicSummary(options.Dominance, options.MinDecreaseNats,
            sizes.Select(i => matrix.Suite.Models[i].Name).ToArray(), sizes.Select(i => matrix.Suite.Models[i].Parameters).ToArray(),
            matrix.Tokens, mono, poly, unchanged, mono + poly == 0 ? 0 : mono / (double)(mono + poly), dropAt);
    }

    /// <summary>Classifies every token and writes genes.json, genes.npy (int8 class per token) and the share histogram.</summary>
    public static async Task<MonogenicPolygenicSummary> RunAsync(string lossesPath, string modelsPath, string outputFolder,
        MonogenicPolygenicOptions options, CancellationToken cancellation = default)
    {
        var suite = await ModelSuite.ReadAsync(modelsPath, cancellation);
        var matrix = await LossMatrix.ReadAsync(lossesPath, suite, cancellation);
        var result = Run(matrix, options);
        var summary = Summarise(matrix, result, options);
        Directory.CreateDirectory(outputFolder);
        File.WriteAllText(Path.Combine(outputFolder, SummaryFile), JsonSerializer.Serialize(summary, TableFit.JsonOptions));
        Common.Npy.Write<sbyte>(Path.Combine(outputFolder, ClassesFile), result.Classes, result.Classes.Length);
        var changed = result.DominantShare.Where(double.IsFinite).ToArray();
        Charts.Histogram(Path.Combine(outputFolder, PlotFile), "Share of each token's decrease carried by its largest size step",
            new AxisSpec("largest drop / total decrease"), new AxisSpec("tokens", "count"),
            [($"{changed.Length:N0} tokens whose loss falls ≥ {options.MinDecreaseNats:G3} nats", changed)], new HistogramBins(0, 1, 20), density: false);
        return summary;
    }
}
