using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using QuantaDiscovery.Cluster;
using QuantaDiscovery.Common;
using QuantaDiscovery.Fit;
using QuantaDiscovery.Scaling;
using QuantaDiscovery.Select;
using QuantaDiscovery.Tables;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Tables;

/// <summary>Each table written by the library, loaded as an ML.NET IDataView: row count, column names and types, values.</summary>
public class TableDataViewsTests
{
    private static readonly MLContext Ml = new(seed: 1);

    private static void AssertSchema(IDataView view, params (string Name, DataViewType Type)[] expected)
    {
        Assert.Equal(expected.Select(e => e.Name), view.Schema.Select(c => c.Name));
        Assert.Equal(expected.Select(e => e.Type), view.Schema.Select(c => c.Type));
    }

    [Fact]
    public async Task LossMatrixWithSetRoundTrips()
    {
        var random = new Random(5);
        int rows = 1_000;
        long[] doc = [.. Enumerable.Range(0, rows).Select(i => (long)(i / 37) + (1L << 33))];
        int[] pos = [.. Enumerable.Range(0, rows).Select(i => i % 37)];
        int[] token = [.. Enumerable.Range(0, rows).Select(_ => random.Next(50_304))];
        float[] small = [.. Enumerable.Range(0, rows).Select(_ => random.NextSingle() * 8)];
        float[] large = [.. Enumerable.Range(0, rows).Select(_ => random.NextSingle() * 2)];
        string?[] set = [.. Enumerable.Range(0, rows).Select(i => i % 3 == 0 ? "Github" : i % 3 == 1 ? "ArXiv" : null)];
        var path = Path.Combine(TestPaths.NewTempFolder(), "loss_matrix.parquet");
        await using (var writer = await TokenTableWriter.CreateAsync(path, TokenTableSchema.LossMatrix(["pico-3k", "pico-336k"], hasSet: true), rowGroupSize: 300))
        {
            for (int i = 0; i < rows; i++) writer.Append(doc[i], pos[i], token[i], [small[i], large[i]], set[i]);
            await writer.CompleteAsync();
        }

        var view = await Ml.Data.LoadTokenLossesAsync(path);

        Assert.Equal(rows, view.GetRowCount());
        AssertSchema(view, ("doc", NumberDataViewType.Int64), ("pos", NumberDataViewType.Int32), ("token", NumberDataViewType.Int32),
            ("pico-3k", NumberDataViewType.Single), ("pico-336k", NumberDataViewType.Single), ("set", TextDataViewType.Instance));
        Assert.Equal(doc, view.GetColumn<long>("doc"));
        Assert.Equal(pos, view.GetColumn<int>("pos"));
        Assert.Equal(token, view.GetColumn<int>("token"));
        Assert.Equal(small, view.GetColumn<float>("pico-3k"));
        Assert.Equal(large, view.GetColumn<float>("pico-336k"));
        Assert.Equal(set.Select(s => s ?? ""), view.GetColumn<string>("set"));

        // The view works inside ML.NET: a filter by a loss column keeps exactly the rows below the bound.
        var learned = Ml.Data.FilterRowsByColumn(view, "pico-336k", upperBound: 0.5);
        Assert.Equal(large.Where(l => l < 0.5f).ToArray(), learned.GetColumn<float>("pico-336k"));
    }

    [Fact]
    public async Task SingleModelTableWithoutSetHasNoSetColumn()
    {
        var path = Path.Combine(TestPaths.NewTempFolder(), "losses.parquet");
        await using (var writer = await TokenTableWriter.CreateAsync(path, TokenTableSchema.SingleModel()))
        {
            writer.Append(7, 1, 42, 2.5f);
            writer.Append(7, 2, 43, 0.25f);
            await writer.CompleteAsync();
        }

        var view = await Ml.Data.LoadTokenLossesAsync(path);

        AssertSchema(view, ("doc", NumberDataViewType.Int64), ("pos", NumberDataViewType.Int32), ("token", NumberDataViewType.Int32),
            ("loss", NumberDataViewType.Single));
        Assert.Equal([2.5f, 0.25f], view.GetColumn<float>("loss"));
    }

    [Fact]
    public async Task SamplesRoundTrip()
    {
        TokenSample[] samples =
        [
            new(0, 12, 5, 300, 0.125f, "Github", "def f(x):\n    return", " x"),
            new(1, 40, 99, 17, 0.5f, "ArXiv", "", "\n"),
            new(2, 41, 3, 50_000, 0.0f, "Github", "naïve “quotes”", "é"),
        ];
        var path = Path.Combine(TestPaths.NewTempFolder(), SampleTable.FileName);
        await SampleTable.WriteAsync(path, samples, hasSet: true);

        var view = await Ml.Data.LoadSamplesAsync(path);

        Assert.Equal(samples.Length, view.GetRowCount());
        AssertSchema(view, ("sample", NumberDataViewType.Int32), ("doc", NumberDataViewType.Int64), ("pos", NumberDataViewType.Int32),
            ("token", NumberDataViewType.Int32), ("loss", NumberDataViewType.Single), ("set", TextDataViewType.Instance),
            ("context", TextDataViewType.Instance), ("target", TextDataViewType.Instance));
        Assert.Equal(samples.Select(s => s.Sample), view.GetColumn<int>("sample"));
        Assert.Equal(samples.Select(s => s.Doc), view.GetColumn<long>("doc"));
        Assert.Equal(samples.Select(s => s.Pos), view.GetColumn<int>("pos"));
        Assert.Equal(samples.Select(s => s.Token), view.GetColumn<int>("token"));
        Assert.Equal(samples.Select(s => s.Loss), view.GetColumn<float>("loss"));
        Assert.Equal(samples.Select(s => s.Set), view.GetColumn<string>("set"));
        Assert.Equal(samples.Select(s => s.Context), view.GetColumn<string>("context"));
        Assert.Equal(samples.Select(s => s.Target), view.GetColumn<string>("target"));
    }

    [Fact]
    public async Task ClustersRoundTripInLongFormat()
    {
        int[] k2 = [0, 1, 1, 0, 1];
        int[] k3 = [2, 0, 1, 1, 0];
        var path = Path.Combine(TestPaths.NewTempFolder(), "clusters.parquet");
        await ClusterTable.WriteAsync(path, [3, 2], [k3, k2]);

        var view = await Ml.Data.LoadClustersAsync(path);

        Assert.Equal(10, view.GetRowCount());
        AssertSchema(view, ("sample", NumberDataViewType.Int32), ("n_clusters", NumberDataViewType.Int32), ("cluster", NumberDataViewType.Int32));
        Assert.Equal([0, 1, 2, 3, 4, 0, 1, 2, 3, 4], view.GetColumn<int>("sample"));
        Assert.Equal([2, 2, 2, 2, 2, 3, 3, 3, 3, 3], view.GetColumn<int>("n_clusters"));
        Assert.Equal(k2.Concat(k3), view.GetColumn<int>("cluster"));
    }

    [Fact]
    public void ScalingModelsRoundTripFromTheSummaryFolder()
    {
        ModelSummary[] models =
        [
            new("pico-3k", 3_072, 240, 4.5, 4.5 / Math.Log(2), 0.01, true, null),
            new("pico-336k", 336_000, null, 3.25, 3.25 / Math.Log(2), 0.125, false, null),
        ];
        var summary = new ScalingSummary(1_000, 0.1, models, null, null, null, new LossHistograms(0, 10, 1, 10, [5], []),
            new EmergenceSummary(0.1, [], [], [], [], [], 0));
        var folder = TestPaths.NewTempFolder();
        File.WriteAllText(Path.Combine(folder, "summary.json"), JsonSerializer.Serialize(summary, TableFit.JsonOptions));

        var view = Ml.Data.LoadScalingModels(folder);

        Assert.Equal(2, view.GetRowCount());
        AssertSchema(view, ("model", TextDataViewType.Instance), ("params", NumberDataViewType.Double), ("step", NumberDataViewType.Int64),
            ("mean_loss_nats", NumberDataViewType.Double), ("mean_loss_bits", NumberDataViewType.Double),
            ("near_zero_fraction", NumberDataViewType.Double), ("in_size_fit", BooleanDataViewType.Instance));
        Assert.Equal(["pico-3k", "pico-336k"], view.GetColumn<string>("model"));
        Assert.Equal([3_072.0, 336_000.0], view.GetColumn<double>("params"));
        Assert.Equal([240L, -1L], view.GetColumn<long>("step"));
        Assert.Equal([4.5, 3.25], view.GetColumn<double>("mean_loss_nats"));
        Assert.Equal(models.Select(m => m.MeanLossBits), view.GetColumn<double>("mean_loss_bits"));
        Assert.Equal([0.01, 0.125], view.GetColumn<double>("near_zero_fraction"));
        Assert.Equal([true, false], view.GetColumn<bool>("in_size_fit"));
    }

    [Fact]
    public void AMissingSummaryIsAnInputErrorNamingTheFile()
    {
        var folder = TestPaths.NewTempFolder();
        var error = Assert.Throws<InputException>(() => Ml.Data.LoadScalingModels(folder));
        Assert.Contains("summary.json", error.Message);
    }

    [Fact]
    public async Task AGetterOfTheWrongTypeIsRefused()
    {
        var path = Path.Combine(TestPaths.NewTempFolder(), "clusters.parquet");
        await ClusterTable.WriteAsync(path, [1], [[0, 0]]);
        var view = await Ml.Data.LoadClustersAsync(path);
        using var cursor = view.GetRowCursor(view.Schema);
        Assert.True(cursor.MoveNext());
        Assert.Throws<InvalidOperationException>(() => cursor.GetGetter<float>(view.Schema["cluster"]));
    }
}
