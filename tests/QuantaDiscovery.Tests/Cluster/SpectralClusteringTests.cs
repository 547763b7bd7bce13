using MathNet.Numerics.LinearAlgebra;
using QuantaDiscovery.Cli;
using QuantaDiscovery.Cluster;
using QuantaDiscovery.Common;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Cluster;

public class SpectralClusteringTests
{
    [Theory]
    [MemberData(nameof(ClusterFixtures.CaseNames), MemberType = typeof(ClusterFixtures))]
    public void AdjustedRandIndex_IsAtLeastSklearns(string name)
    {
        var c = ClusterFixtures.Get(name);
        var labels = SpectralClustering.Fit(ClusterFixtures.Affinity(c), c.Clusters);
        double ari = AdjustedRandIndex.Compute(c.Truth, labels);
        Assert.True(ari >= c.SklearnAri - 0.01, $"{name}: ARI {ari:F4}, scikit-learn {c.SklearnAri:F4}");
    }

    [Fact]
    public void Embedding_SpansSklearnsSpectralEmbedding()
    {
        var c = ClusterFixtures.Get("sbm_easy");
        var sklearn = Npy.Read<double>(Path.Combine(ClusterFixtures.Data, "embedding_case.npy"));
        var ours = SpectralEmbedding.Compute(ClusterFixtures.Affinity(c), c.Clusters);
        Assert.Equal(EigenSolver.Dense, ours.Solver);
        Assert.True(SmallestPrincipalCosine(ours.Maps(c.Clusters), Array.ConvertAll(sklearn.Data, x => (float)x), ours.Samples, c.Clusters) > 0.9999);
        Assert.Equal(0.0, ours.LaplacianEigenvalues[0], 6);
    }

    [Fact]
    public void SubspaceSolver_AgreesWithDense()
    {
        var c = ClusterFixtures.Get("gradients_medium");
        var affinity = ClusterFixtures.Affinity(c);
        var dense = SpectralEmbedding.Compute(affinity, c.Clusters, new SpectralEmbeddingOptions { Solver = EigenSolver.Dense });
        var subspace = SpectralEmbedding.Compute(affinity, c.Clusters, new SpectralEmbeddingOptions { Solver = EigenSolver.Subspace });
        Assert.Equal(EigenSolver.Subspace, subspace.Solver);
        Assert.True(subspace.Converged, $"residual {subspace.MaxResidual} after {subspace.Iterations} sweeps");
        for (int i = 0; i < c.Clusters; i++)
            Assert.Equal(dense.LaplacianEigenvalues[i], subspace.LaplacianEigenvalues[i], 4);
        Assert.True(SmallestPrincipalCosine(dense.Maps(c.Clusters), subspace.Maps(c.Clusters), dense.Samples, c.Clusters) > 0.999);
    }

    [Fact]
    public void SameSeed_GivesSameLabels()
    {
        var c = ClusterFixtures.Get("sbm_hard");
        var affinity = ClusterFixtures.Affinity(c);
        var options = new ClusteringOptions { Restarts = 5, Seed = 3 };
        Assert.Equal(SpectralClustering.Fit(affinity, c.Clusters, options), SpectralClustering.Fit(affinity, c.Clusters, options));
    }

    [Fact]
    public void Sweep_ReusesOneEmbeddingAndEqualsSingleRuns()
    {
        var c = ClusterFixtures.Get("gradients_hard");
        var affinity = ClusterFixtures.Affinity(c);
        var options = new ClusteringOptions { Restarts = 5 };
        int[] ks = [4, 8, 12];
        var sweep = SpectralClustering.Sweep(affinity, ks, options);
        var embedding = SpectralEmbedding.Compute(affinity, 12);
        for (int i = 0; i < ks.Length; i++)
        {
            Assert.Equal(SpectralClustering.Fit(embedding, ks[i], options), sweep[i]);
            Assert.Equal(SpectralClustering.Fit(affinity, ks[i], options), sweep[i]);
            Assert.Equal(ks[i], sweep[i].Distinct().Count());
        }
    }

    [Theory]
    [InlineData("non-square", "square")]
    [InlineData("nan", "finite")]
    [InlineData("negative", "non-negative")]
    [InlineData("asymmetric", "not symmetric")]
    public void BadAffinity_IsAnInputExceptionNamingTheFile(string defect, string expectedText)
    {
        int n = 5;
        var values = new float[n * n];
        Array.Fill(values, 0.5f);
        int rows = n, columns = n;
        switch (defect)
        {
            case "non-square": columns = n - 1; values = values[..(n * columns)]; break;
            case "nan": values[2 * n + 3] = values[3 * n + 2] = float.NaN; break;
            case "negative": values[1 * n + 4] = values[4 * n + 1] = -0.1f; break;
            case "asymmetric": values[0 * n + 1] = 0.9f; break;
        }
        var path = Path.Combine(TestPaths.NewTempFolder(), $"{defect}.npy");
        Npy.Write<float>(path, values, rows, columns);
        var error = Assert.Throws<InputException>(() => AffinityMatrix.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Contains(expectedText, error.Message);
    }

    [Fact]
    public async Task Cli_WritesLabelsForOneKAndForASweep()
    {
        var c = ClusterFixtures.Get("sbm_easy");
        var folder = TestPaths.NewTempFolder();
        var affinity = Path.Combine(ClusterFixtures.Data, c.File);
        var single = Path.Combine(folder, "labels.npy");
        Assert.Equal(0, await CliRun.Quiet(["cluster", "--affinity", affinity, "--clusters", "4", "--output", single, "--n-init", "5"]));
        var labels = Npy.Read<int>(single);
        Assert.Equal([c.Truth.Length], labels.Shape);
        Assert.Equal(1.0, AdjustedRandIndex.Compute(c.Truth, labels.Data), 6);

        var swept = Path.Combine(folder, "sweep.npy");
        Assert.Equal(0, await CliRun.Quiet(["cluster", "--affinity", affinity, "--clusters", "2:4:1,6", "--output", swept, "--n-init", "5"]));
        var sweep = Npy.Read<int>(swept);
        Assert.Equal([4, c.Truth.Length], sweep.Shape);
        Assert.Contains("\"clusters\": [\n    2,\n    3,\n    4,\n    6\n  ]", File.ReadAllText(Path.Combine(folder, "sweep.json")).ReplaceLineEndings("\n"));

        // The long-format table beside it (sample, n_clusters, cluster) holds the same labels, block per K.
        var table = await QuantaDiscovery.Fit.ColumnTable.ReadAsync(Path.Combine(folder, "sweep.parquet"));
        int n = c.Truth.Length;
        Assert.Equal(4 * n, table.Numbers("sample").Length);
        int[] ks = [2, 3, 4, 6];
        for (int i = 0; i < ks.Length; i++)
            for (int s = 0; s < n; s++)
            {
                Assert.Equal(s, table.Numbers("sample")[i * n + s]);
                Assert.Equal(ks[i], table.Numbers("n_clusters")[i * n + s]);
                Assert.Equal(sweep.Data[i * n + s], table.Numbers("cluster")[i * n + s]);
            }

        Assert.Equal(2, await CliRun.Quiet(["cluster", "--affinity", affinity, "--clusters", "500", "--output", single]));
    }

    /// <summary>cos of the largest principal angle between the column spans of two n × k row-major matrices.</summary>
    internal static double SmallestPrincipalCosine(float[] a, float[] b, int n, int k)
    {
        Matrix<double> Basis(float[] m) => Matrix<double>.Build.Dense(n, k, (i, j) => m[i * k + j]).QR().Q.SubMatrix(0, n, 0, k);
        return Basis(a).TransposeThisAndMultiply(Basis(b)).Svd().S.Minimum();
    }
}
