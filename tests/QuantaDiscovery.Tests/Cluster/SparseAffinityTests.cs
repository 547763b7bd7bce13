using System.Diagnostics;
using QuantaDiscovery.Cli;
using QuantaDiscovery.Cluster;
using QuantaDiscovery.Common;
using QuantaDiscovery.Similarity;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Cluster;

public class SparseAffinityTests
{
    private static SparseAffinity Graph(string caseName, int neighbours) =>
        GradientSimilarity.NearestNeighbourAffinity(Path.Combine(ClusterFixtures.Data, ClusterFixtures.Get(caseName).File), neighbours);

    [Theory]
    [InlineData("gradients_easy")]
    [InlineData("gradients_hard")]
    public void NearestNeighbourGraph_RecoversPlantedClusters(string name)
    {
        var c = ClusterFixtures.Get(name);
        var labels = SpectralClustering.Fit(Graph(name, 10), c.Clusters, new ClusteringOptions { Restarts = 10 });
        double ari = AdjustedRandIndex.Compute(c.Truth, labels);
        // scikit-learn's dense-affinity ARI on these: 1.0 and 0.958.
        Assert.True(ari >= Math.Min(0.9, c.SklearnAri - 0.02), $"{name}: ARI {ari:F4} (scikit-learn, dense: {c.SklearnAri:F4})");
    }

    [Theory]
    [InlineData(EigenSolver.Subspace)]
    [InlineData(EigenSolver.Block)]
    public void SparseOperator_GivesTheDenseEmbedding_OfTheSameMatrix(EigenSolver solver)
    {
        // Every entry of a dense affinity stored sparsely: both paths must compute the same Laplacian eigenvectors.
        var c = ClusterFixtures.Get("gradients_medium");
        var dense = ClusterFixtures.Affinity(c);
        int n = dense.Size;
        var rowStarts = Enumerable.Range(0, n + 1).Select(i => i * n).ToArray();
        var columns = Enumerable.Range(0, n * n).Select(p => p % n).ToArray();
        var sparse = SparseAffinity.Create(n, rowStarts, columns, (float[])dense.Values.Clone());
        var options = new SpectralEmbeddingOptions { Solver = solver };
        var fromDense = SpectralEmbedding.Compute(dense, c.Clusters, options);
        var fromSparse = SpectralEmbedding.Compute(sparse, c.Clusters, options);
        for (int i = 0; i < c.Clusters; i++)
            Assert.Equal(fromDense.LaplacianEigenvalues[i], fromSparse.LaplacianEigenvalues[i], 5);
        Assert.True(SpectralClusteringTests.SmallestPrincipalCosine(fromDense.Maps(c.Clusters), fromSparse.Maps(c.Clusters), n, c.Clusters) > 0.999);
    }

    [Fact]
    public void SubspaceSolver_AgreesWithDense_OnAGraph()
    {
        var graph = Graph("gradients_hard", 10);
        int k = 12;
        var dense = SpectralEmbedding.Compute(graph, k, new SpectralEmbeddingOptions { Solver = EigenSolver.Dense });
        var subspace = SpectralEmbedding.Compute(graph, k, new SpectralEmbeddingOptions { Solver = EigenSolver.Subspace });
        Assert.True(subspace.Converged, $"residual {subspace.MaxResidual} after {subspace.Iterations} sweeps");
        for (int i = 0; i < k; i++)
            Assert.Equal(dense.LaplacianEigenvalues[i], subspace.LaplacianEigenvalues[i], 4);
        Assert.True(SpectralClusteringTests.SmallestPrincipalCosine(dense.Maps(k), subspace.Maps(k), graph.Size, k) > 0.999);
    }

    [Theory]
    [InlineData(12)]
    [InlineData(30)]
    public void BlockSolver_AgreesWithDense_OnAGraph(int k)
    {
        var graph = Graph("gradients_hard", 10);
        var dense = SpectralEmbedding.Compute(graph, k, new SpectralEmbeddingOptions { Solver = EigenSolver.Dense });
        var block = SpectralEmbedding.Compute(graph, k, new SpectralEmbeddingOptions { Solver = EigenSolver.Block });
        Assert.Equal(EigenSolver.Block, block.Solver);
        Assert.True(block.Converged, $"residual {block.MaxResidual} after {block.Iterations} iterations");
        for (int i = 0; i < k; i++)
            Assert.Equal(dense.LaplacianEigenvalues[i], block.LaplacianEigenvalues[i], 4);
        Assert.True(SpectralClusteringTests.SmallestPrincipalCosine(dense.Maps(k), block.Maps(k), graph.Size, k) > 0.999);
    }

    [Fact]
    public void BlockSolver_BelowFloat32sFloor_StopsSoonAndSaysUnconverged()
    {
        // A residual of 1e-12 is out of float32's reach: the count of converged pairs stops rising, and the solver must stop
        // within its stall limit (not the 200 iterations of MaxIterations), flag the result, and still hand back good vectors.
        const int k = 12;
        var graph = Graph("gradients_hard", 10);
        var dense = SpectralEmbedding.Compute(graph, k, new SpectralEmbeddingOptions { Solver = EigenSolver.Dense });
        var block = SpectralEmbedding.Compute(graph, k, new SpectralEmbeddingOptions { Solver = EigenSolver.Block, Tolerance = 1e-12 });
        Assert.False(block.Converged);
        Assert.InRange(block.Iterations, 8, 40);
        Assert.True(SpectralClusteringTests.SmallestPrincipalCosine(dense.Maps(k), block.Maps(k), graph.Size, k) > 0.999);
    }

    [Fact]
    public void BlockSolver_EigenvalueOneOfManyComponents_ConvergesInAFewIterations()
    {
        // 300 components: the eigenvalue 1 of M, 300 times over, far above the rest (the planted benchmark's graphs are like
        // this). The filter leaves the guard columns tiny beside the wanted ones; the block must stay orthonormal through
        // QR and the projection of the known top vector, else Rayleigh–Ritz reads Ritz values above 1 and the residuals of
        // exact eigenvectors as |1 − θ|, and the count of converged pairs stalls (it did at n = 300,000 and 1,000,000).
        const int n = 60_000, clusters = 300;
        var (graph, truth) = ClusterEstimateTests.PlantedGraph(n, clusters, 10, seed: 3, intra: 1);
        var embedding = SpectralEmbedding.Compute(graph, clusters, new SpectralEmbeddingOptions { Solver = EigenSolver.Block });
        Assert.True(embedding.Converged, $"residual {embedding.MaxResidual} after {embedding.Iterations} iterations");
        Assert.InRange(embedding.Iterations, 1, 4);
        Assert.All(embedding.LaplacianEigenvalues, value => Assert.InRange(value, -1e-6, 1e-6));
        var labels = SpectralClustering.Fit(embedding, clusters, new ClusteringOptions { AssignLabels = LabelAssignment.ClusterQrLabels });
        Assert.True(AdjustedRandIndex.Compute(truth, labels) > 0.999);
    }

    [Theory]
    [InlineData(LabelAssignment.KMeansLabels)]
    [InlineData(LabelAssignment.ClusterQrLabels)]
    public void BlockSolver_RecoversManySmallPlantedClusters(string assignLabels)
    {
        // K large relative to n (400 clusters of 10 samples), as K = 1,000 at 100,000 tokens is at scale; Auto picks the block solver.
        const int n = 4000, clusters = 400;
        var (graph, truth) = ClusterEstimateTests.PlantedGraph(n, clusters, 12, seed: 5);
        var options = new ClusteringOptions { Restarts = 2, AssignLabels = assignLabels };
        var embedding = SpectralClustering.Embed(graph, clusters, options);
        Assert.Equal(EigenSolver.Block, embedding.Solver);
        Assert.True(embedding.Converged, $"residual {embedding.MaxResidual} after {embedding.Iterations} iterations");
        double ari = AdjustedRandIndex.Compute(truth, SpectralClustering.Fit(embedding, clusters, options));
        // cluster_qr recovers every cluster; k-means (2 restarts of k-means++ with 400 centres) may merge a pair and split another.
        Assert.True(ari > (assignLabels == LabelAssignment.ClusterQrLabels ? 0.999 : 0.99), $"ARI {ari:F4} against {clusters} planted clusters");
    }

    [Fact]
    public void SubspaceSolver_SlidingWindow_AgreesWithDense()
    {
        // 30 eigenpairs through a window of 8 wanted columns: the window slides three times, as it does past 256 at scale.
        var graph = Graph("gradients_hard", 10);
        int k = 30;
        var dense = SpectralEmbedding.Compute(graph, k, new SpectralEmbeddingOptions { Solver = EigenSolver.Dense });
        var windowed = SpectralEmbedding.Compute(graph, k, new SpectralEmbeddingOptions { Solver = EigenSolver.Subspace, WindowColumns = 8 });
        Assert.True(windowed.Converged, $"residual {windowed.MaxResidual} after {windowed.Iterations} sweeps");
        for (int i = 0; i < k; i++)
            Assert.Equal(dense.LaplacianEigenvalues[i], windowed.LaplacianEigenvalues[i], 4);
        Assert.True(SpectralClusteringTests.SmallestPrincipalCosine(dense.Maps(12), windowed.Maps(12), graph.Size, 12) > 0.999);
    }

    [Fact]
    public void SaveLoad_RoundTrips()
    {
        var graph = Graph("gradients_easy", 6);
        var path = Path.Combine(TestPaths.NewTempFolder(), "graph.npz");
        graph.Save(path);
        var loaded = SparseAffinity.Load(path);
        Assert.Equal(graph.Size, loaded.Size);
        Assert.Equal(graph.RowStarts, loaded.RowStarts);
        Assert.Equal(graph.Columns, loaded.Columns);
        Assert.Equal(graph.Values, loaded.Values);
    }

    [Fact]
    public void ScipyLoadNpz_ReadsOurFile()
    {
        const string python = "/usr/bin/python3";
        var graph = Graph("gradients_easy", 6);
        var path = Path.Combine(TestPaths.NewTempFolder(), "graph.npz");
        graph.Save(path);
        var script = "import sys, numpy as np, scipy.sparse as s; m = s.load_npz(sys.argv[1]); "
                     + "print(m.format, m.shape[0], m.shape[1], m.nnz, abs(m - m.T).max(), repr(float(m.sum())))";
        if (!File.Exists(python)) return; // scipy is the reference here; without it SaveLoad_RoundTrips still runs
        using var process = Process.Start(new ProcessStartInfo(python, ["-c", script, path]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (error.Contains("No module named")) return;
        Assert.True(process.ExitCode == 0, error);
        var fields = output.Split(' ');
        Assert.Equal(["csr", graph.Size.ToString(), graph.Size.ToString(), graph.Entries.ToString(), "0.0"], fields[..5]);
        Assert.Equal(graph.Values.Sum(v => (double)v), double.Parse(fields[5], System.Globalization.CultureInfo.InvariantCulture), 3);
    }

    [Theory]
    [InlineData("asymmetric", "not symmetric")]
    [InlineData("one-sided", "absent")]
    [InlineData("negative", "non-negative")]
    [InlineData("column", "outside")]
    public void BadGraph_IsAnInputExceptionNamingTheFile(string defect, string expectedText)
    {
        // A 3-sample path graph 0 - 1 - 2, then one defect.
        int[] rowStarts = [0, 1, 3, 4], columns = [1, 0, 2, 1];
        float[] values = [0.5f, 0.5f, 0.25f, 0.25f];
        switch (defect)
        {
            case "asymmetric": values[0] = 0.9f; break;
            case "one-sided": rowStarts = [0, 2, 4, 5]; columns = [1, 2, 0, 2, 1]; values = [0.5f, 0.3f, 0.5f, 0.25f, 0.25f]; break;
            case "negative": values[2] = values[3] = -0.1f; break;
            case "column": columns[3] = 7; break;
        }
        var error = Assert.Throws<InputException>(() => SparseAffinity.Create(3, rowStarts, columns, values, "graph.npz"));
        Assert.Contains("graph.npz", error.Message);
        Assert.Contains(expectedText, error.Message);
    }

    [Fact]
    public async Task Cli_ClustersASparseGraph()
    {
        var c = ClusterFixtures.Get("gradients_easy");
        var folder = TestPaths.NewTempFolder();
        var graph = Path.Combine(folder, "graph.npz");
        var labels = Path.Combine(folder, "labels.npy");
        Assert.Equal(0, await CliRun.Quiet(["similarity", "--gradients", Path.Combine(ClusterFixtures.Data, c.File), "--knn", "10", "--output", graph]));
        Assert.Equal(0, await CliRun.Quiet(["cluster", "--affinity", graph, "--clusters", c.Clusters.ToString(), "--output", labels, "--n-init", "5"]));
        Assert.True(AdjustedRandIndex.Compute(c.Truth, Npy.Read<int>(labels).Data) >= 0.9);
        var summary = File.ReadAllText(Path.ChangeExtension(labels, ".json"));
        Assert.Contains("\"affinity_format\": \"csr\"", summary);
        Assert.Contains("\"n_init\": 5", summary);

        // cluster_qr has no restarts, so its summary has no n_init.
        Assert.Equal(0, await CliRun.Quiet(["cluster", "--affinity", graph, "--clusters", c.Clusters.ToString(), "--output", labels,
            "--assign-labels", "cluster_qr"]));
        summary = File.ReadAllText(Path.ChangeExtension(labels, ".json"));
        Assert.Contains("\"assign_labels\": \"cluster_qr\"", summary);
        Assert.DoesNotContain("n_init", summary);
    }
}
