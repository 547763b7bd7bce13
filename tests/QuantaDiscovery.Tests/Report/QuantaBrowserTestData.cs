using Parquet;
using Parquet.Schema;
using QuantaDiscovery.Common;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Report;

/// <summary>
/// Small hand-made inputs for the browser: <see cref="Groups"/> planted groups of samples (each group predicts one token), an
/// affinity of 0.9 within a group and 0.3 across, and a sweep K = 2..6 in which K = 4 recovers the groups.
/// </summary>
internal sealed class QuantaBrowserTestData
{
    public static readonly int[] Groups = [20, 14, 9, 5];
    public static readonly string[] GroupTargets = [" the", "\n", "&", "\""];
    public const string Hostile = "<script>alert(1)</script> & \"quoted\" 'single'\nsecond line\u0001";

    public string Folder { get; } = TestPaths.NewTempFolder();
    public string Samples => Path.Combine(Folder, "samples.parquet");
    public string Similarity => Path.Combine(Folder, "similarity.npy");
    public string Clusters => Path.Combine(Folder, "clusters.parquet");
    public string Html => Path.Combine(Folder, "report", "report.html");
    public int Count => Groups.Sum();

    /// <summary>The planted group of each sample.</summary>
    public int[] GroupOf { get; }

    public QuantaBrowserTestData()
    {
        GroupOf = Groups.SelectMany((size, g) => Enumerable.Repeat(g, size)).ToArray();
    }

    public static async Task<QuantaBrowserTestData> CreateAsync()
    {
        var data = new QuantaBrowserTestData();
        int n = data.Count;
        // Samples stored in reverse id order, to check that rows are matched by the sample column and not by position.
        var ids = Enumerable.Range(0, n).Reverse().ToArray();
        await WriteSamplesAsync(data.Samples, ids, ids.Select(i => (long)(i / 3)).ToArray(), ids.Select(i => i % 7).ToArray(),
            ids.Select(i => 100 + data.GroupOf[i]).ToArray(), ids.Select(i => (float)(0.1 * data.GroupOf[i] + 0.01 * i)).ToArray(),
            ids.Select(i => i == 0 ? Hostile : $"context of sample {i} in group {data.GroupOf[i]}").ToArray(),
            ids.Select(i => GroupTargets[data.GroupOf[i]]).ToArray());
        var affinity = new float[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                affinity[i * n + j] = i == j ? 1f : data.GroupOf[i] == data.GroupOf[j] ? 0.9f - 0.001f * ((i + j) % 5) : 0.3f;
        Npy.Write<float>(data.Similarity, affinity, n, n);
        var sweep = Enumerable.Range(2, 5).Select(k => (k, labels: Enumerable.Range(0, n).Select(i => k == 4 ? data.GroupOf[i] : i % k).ToArray()));
        await WriteClustersAsync(data.Clusters, sweep.ToArray());
        return data;
    }

    public static async Task WriteSamplesAsync(string path, int[] sample, long[] doc, int[] pos, int[] token, float[] loss, string[] context,
        string[] target)
    {
        var fields = new
        {
            Sample = new DataField<int>("sample"), Doc = new DataField<long>("doc"), Pos = new DataField<int>("pos"),
            Token = new DataField<int>("token"), Loss = new DataField<float>("loss"), Context = new DataField<string>("context"),
            Target = new DataField<string>("target"),
        };
        var schema = new ParquetSchema(fields.Sample, fields.Doc, fields.Pos, fields.Token, fields.Loss, fields.Context, fields.Target);
        await using var file = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(schema, file);
        using var rowGroup = writer.CreateRowGroup();
        await rowGroup.WriteAsync(fields.Sample, new ReadOnlyMemory<int>(sample));
        await rowGroup.WriteAsync(fields.Doc, new ReadOnlyMemory<long>(doc));
        await rowGroup.WriteAsync(fields.Pos, new ReadOnlyMemory<int>(pos));
        await rowGroup.WriteAsync(fields.Token, new ReadOnlyMemory<int>(token));
        await rowGroup.WriteAsync(fields.Loss, new ReadOnlyMemory<float>(loss));
        await rowGroup.WriteAsync(fields.Context, context);
        await rowGroup.WriteAsync(fields.Target, target);
    }

    /// <param name="sample">the sample column of every block (default 0..n−1)</param>
    public static async Task WriteClustersAsync(string path, (int K, int[] Labels)[] sweep, int[]? sample = null)
    {
        var sampleField = new DataField<int>("sample");
        var k = new DataField<int>("n_clusters");
        var cluster = new DataField<int>("cluster");
        await using var file = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(sampleField, k, cluster), file);
        using var rowGroup = writer.CreateRowGroup();
        await rowGroup.WriteAsync(sampleField, new ReadOnlyMemory<int>(sweep.SelectMany(s => sample ?? Enumerable.Range(0, s.Labels.Length)).ToArray()));
        await rowGroup.WriteAsync(k, new ReadOnlyMemory<int>(sweep.SelectMany(s => Enumerable.Repeat(s.K, s.Labels.Length)).ToArray()));
        await rowGroup.WriteAsync(cluster, new ReadOnlyMemory<int>(sweep.SelectMany(s => s.Labels).ToArray()));
    }
}
