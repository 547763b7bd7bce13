using Microsoft.ML;
using QuantaDiscovery.Report;
using QuantaDiscovery.Scaling;
using QuantaDiscovery.Select;

namespace QuantaDiscovery.Tables;

/// <summary>
/// The study's tables as ML.NET <see cref="IDataView"/>s, one call each, so that .NET users can filter, join and train
/// on them with ML.NET (<c>await mlContext.Data.LoadTokenLossesAsync("losses/pico-3k.parquet")</c>). Column names and types are
/// the files' own (int32 → Int32, int64 → Int64, float32 → Single, strings → Text); each view holds its table in memory.
/// </summary>
public static class TableDataViews
{
    /// <summary>
    /// A per-token table (<c>losses/&lt;model&gt;.parquet</c>, <c>loss_matrix.parquet</c>, <c>samples.parquet</c>'s token
    /// columns): <c>doc</c> Int64, <c>pos</c> Int32, <c>token</c> Int32, one Single column per loss column, and <c>set</c>
    /// Text when the file has it.
    /// </summary>
    public static async Task<IDataView> LoadTokenLossesAsync(this DataOperationsCatalog catalog, string path, CancellationToken cancellationToken = default)
    {
        var table = await TokenTable.ReadAsync(path, cancellationToken);
        List<DataViewColumn> columns =
        [
            new(TokenTableSchema.DocColumn, table.Doc),
            new(TokenTableSchema.PosColumn, table.Pos),
            new(TokenTableSchema.TokenColumn, table.Token),
        ];
        for (int i = 0; i < table.LossColumns.Count; i++)
            columns.Add(new(table.LossColumns[i], table.Losses[i]));
        if (table.Set is { } set) columns.Add(new(TokenTableSchema.SetColumn, set));
        return new ColumnarDataView(columns);
    }

    /// <summary>
    /// <c>samples.parquet</c> (the tokens QDG clusters): <c>sample</c> Int32, <c>doc</c> Int64, <c>pos</c> Int32,
    /// <c>token</c> Int32, <c>loss</c> Single, <c>set</c> Text when present, <c>context</c> Text, <c>target</c> Text.
    /// </summary>
    public static async Task<IDataView> LoadSamplesAsync(this DataOperationsCatalog catalog, string path, CancellationToken cancellationToken = default)
    {
        var samples = await SampleTable.ReadAsync(path, cancellationToken);
        T[] Column<T>(Func<TokenSample, T> value) => samples.Select(value).ToArray();
        List<DataViewColumn> columns =
        [
            new("sample", Column(s => s.Sample)),
            new(TokenTableSchema.DocColumn, Column(s => s.Doc)),
            new(TokenTableSchema.PosColumn, Column(s => s.Pos)),
            new(TokenTableSchema.TokenColumn, Column(s => s.Token)),
            new(TokenTableSchema.SingleLossColumn, Column(s => s.Loss)),
        ];
        if (samples.Count > 0 && samples[0].Set is not null) columns.Add(new(TokenTableSchema.SetColumn, Column(s => s.Set)));
        columns.Add(new("context", Column(s => s.Context)));
        columns.Add(new("target", Column(s => s.Target)));
        return new ColumnarDataView(columns);
    }

    /// <summary><c>clusters.parquet</c> in its long format: <c>sample</c>, <c>n_clusters</c>, <c>cluster</c>, all Int32, row for row.</summary>
    public static async Task<IDataView> LoadClustersAsync(this DataOperationsCatalog catalog, string path, CancellationToken cancellationToken = default)
    {
        var (sample, nClusters, cluster) = await ClusterSweep.ReadColumnsAsync(path, cancellationToken);
        return new ColumnarDataView([new("sample", sample), new("n_clusters", nClusters), new("cluster", cluster)]);
    }

    /// <summary>
    /// The per-model rows of a scaling <c>summary.json</c> (the folder or the file): <c>model</c> Text, <c>params</c>
    /// Double, <c>step</c> Int64 (−1 where the model has none), <c>mean_loss_nats</c>, <c>mean_loss_bits</c>,
    /// <c>near_zero_fraction</c> Double, <c>in_size_fit</c> Boolean.
    /// </summary>
    public static IDataView LoadScalingModels(this DataOperationsCatalog catalog, string path)
    {
        var models = ScalingReport.Read(path).Models;
        T[] Column<T>(Func<ModelSummary, T> value) => models.Select(value).ToArray();
        return new ColumnarDataView(
        [
            new("model", Column(m => m.Name)),
            new("params", Column(m => m.Params)),
            new("step", Column(m => m.Step ?? -1)),
            new("mean_loss_nats", Column(m => m.MeanLossNats)),
            new("mean_loss_bits", Column(m => m.MeanLossBits)),
            new("near_zero_fraction", Column(m => m.NearZeroFraction)),
            new("in_size_fit", Column(m => m.InSizeFit)),
        ]);
    }
}
