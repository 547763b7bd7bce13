using System.Text.Json;
using QuantaDiscovery.Cli;
using QuantaDiscovery.Common;
using QuantaDiscovery.Models;
using QuantaDiscovery.Models.Onnx;
using QuantaDiscovery.Qdg;
using QuantaDiscovery.Tests.Common;
using QuantaDiscovery.Tokenize;

namespace QuantaDiscovery.Tests.Qdg;

/// <summary>`quanta losses` then `quanta qdg` on a random model: every stage's file is there and consistent.</summary>
public class QdgCommandTests
{
    [Fact]
    public async Task LossesThenQdgWritesEveryStageAndTheirFilesAgree()
    {
        var folder = TestPaths.NewTempFolder();
        var model = TinyModels.Create(Path.Combine(folder, "model"), seed: 5, exportOnnx: true);
        var corpus = Path.Combine(folder, "corpus.jsonl");
        File.WriteAllLines(corpus, new[]
        {
            "The quick brown fox jumps over the lazy dog.",
            "def add(x, y):\n    return x + y\n",
            "Hello world, hello there, hello again.",
        }.Select(t => JsonSerializer.Serialize(new { text = t })));

        var scored = Path.Combine(folder, "scored");
        Assert.Equal(0, await CliRun.Quiet(["losses", "--model", model.Directory, "--input", corpus, "--output", scored, "--context", "32"]));
        var qdg = Path.Combine(folder, "qdg");
        Assert.Equal(0, await CliRun.Quiet(["qdg", "--model", model.Directory, "--input", corpus, "--losses",
            Path.Combine(scored, "losses", "model.parquet"), "--output", qdg, "--context", "32", "--max-loss", "100", "--stride", "2",
            "--clusters", "2,3", "--n-init", "3"]));

        var gradients = Npy.Read<float>(Path.Combine(qdg, "gradients.npy"));
        var similarity = Npy.Read<float>(Path.Combine(qdg, "similarity.npy"));
        int n = gradients.Rows, d = gradients.Columns;
        Assert.True(n >= 8, $"{n} samples");
        Assert.Equal([n, n], similarity.Shape);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double dot = 0, ni = 0, nj = 0;
                for (int c = 0; c < d; c++)
                {
                    double a = gradients.Data[i * d + c], b = gradients.Data[j * d + c];
                    dot += a * b; ni += a * a; nj += b * b;
                }
                double affinity = 1 - Math.Acos(Math.Clamp(dot / Math.Sqrt(ni * nj), -1, 1)) / Math.PI;
                Assert.True(Math.Abs(affinity - similarity.Data[i * n + j]) < 2e-3, $"A[{i},{j}]");
            }

        var clusters = Npy.Read<int>(Path.Combine(qdg, "clusters.npy"));
        Assert.Equal([2, n], clusters.Shape);
        Assert.All(clusters.Data[..n], label => Assert.InRange(label, 0, 1));
        Assert.All(clusters.Data[n..], label => Assert.InRange(label, 0, 2));
        var html = File.ReadAllText(Path.Combine(qdg, "report.html"));
        Assert.Contains("<mark>", html);
        Assert.True(File.Exists(Path.Combine(qdg, "rank_frequency.json")));
        Assert.True(File.Exists(Path.Combine(qdg, "selection.json")));

        // --knn: the same tokens clustered through the sparse nearest-neighbour graph, whose entries are the dense ones.
        var sparse = Path.Combine(folder, "qdg-knn");
        Assert.Equal(0, await CliRun.Quiet(["qdg", "--model", model.Directory, "--input", corpus, "--losses",
            Path.Combine(scored, "losses", "model.parquet"), "--output", sparse, "--context", "32", "--max-loss", "100", "--stride", "2",
            "--clusters", "2,3", "--n-init", "3", "--knn", "4"]));
        Assert.False(File.Exists(Path.Combine(sparse, "similarity.npy")));
        var graph = QuantaDiscovery.Cluster.SparseAffinity.Load(Path.Combine(sparse, "similarity.npz"));
        Assert.Equal(n, graph.Size);
        for (int i = 0; i < n; i++)
        {
            Assert.True(graph.RowStarts[i + 1] - graph.RowStarts[i] >= 4, $"row {i}");
            for (int p = graph.RowStarts[i]; p < graph.RowStarts[i + 1]; p++)
                Assert.True(Math.Abs(graph.Values[p] - similarity.Data[i * n + graph.Columns[p]]) < 2e-3, $"graph ({i}, {graph.Columns[p]})");
        }
        Assert.Equal([2, n], Npy.Read<int>(Path.Combine(sparse, "clusters.npy")).Shape);
        Assert.Contains("sparse nearest-neighbour graph", File.ReadAllText(Path.Combine(sparse, "report.html")));
    }

    [Theory]
    [InlineData(10_000, new[] { 100, 200, 300, 400 })]
    [InlineData(200, new[] { 2, 4, 6, 8 })]
    [InlineData(20, new[] { 2 })]
    public void DefaultSweepKeepsThePapersSamplesPerCluster(int samples, int[] expected) =>
        Assert.Equal(expected, QdgRun.ClusterCounts(null, samples));
}
