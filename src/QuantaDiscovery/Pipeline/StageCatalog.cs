using QuantaDiscovery.Pipeline.Stages;

namespace QuantaDiscovery.Pipeline;

/// <summary>The stage kinds a pipeline may name. <see cref="Default"/> holds every built-in kind.</summary>
public sealed class StageCatalog
{
    private readonly Dictionary<string, PipelineStage> _stages = new(StringComparer.Ordinal);

    public StageCatalog(IEnumerable<PipelineStage> stages)
    {
        foreach (var stage in stages)
            if (!_stages.TryAdd(stage.Kind, stage))
                throw new ArgumentException($"stage kind '{stage.Kind}' is registered twice", nameof(stages));
    }

    public static StageCatalog Default { get; } = new(
    [
        new TokenizeStage(),
        new TrainLmStage(),
        new ExportOnnxStage(),
        new LossesStage(),
        new ScalingStage(),
        new FitStage(),
        new QdgStage(),
        new GrokStage(),
        new SparseParityStage(),
        new ReportStage(),
    ]);

    public IEnumerable<string> Kinds => _stages.Keys.Order(StringComparer.Ordinal);

    public bool TryGet(string kind, out PipelineStage stage) => _stages.TryGetValue(kind, out stage!);

    public PipelineStage Get(string kind) =>
        _stages.TryGetValue(kind, out var stage) ? stage : throw new ArgumentException($"unknown stage kind '{kind}'", nameof(kind));

    /// <summary>A catalog with these kinds added (e.g. a test's own stage).</summary>
    public StageCatalog With(params PipelineStage[] stages) => new(_stages.Values.Concat(stages));
}
