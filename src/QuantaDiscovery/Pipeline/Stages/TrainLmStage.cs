using System.Globalization;
using QuantaDiscovery.Train;

namespace QuantaDiscovery.Pipeline.Stages;

/// <summary>
/// <c>train-lm</c>: every size of a suite.json trained from scratch on one token order (<see cref="SuiteTrainer.RunAsync"/>,
/// Pythia's recipe) into &lt;name&gt;/step&lt;N&gt;/ checkpoint folders, with models.csv (name, params, step), suite.json
/// and tokens.npy. Later stages read <c>${train.output}/*/step&lt;N&gt;</c>.
/// </summary>
public sealed class TrainLmStage : PipelineStage
{
    public override string Kind => "train-lm";
    public override string Description => "a suite of GPT-NeoX or Llama models trained from scratch, with Pythia-like checkpoints";

    public override IReadOnlyList<StageSetting> Settings => TrainLmSettings.Stage;

    public override async Task RunAsync(StageContext context, CancellationToken cancellationToken)
    {
        var suite = ModelSuiteDefinition.Load(context.Path("suite"));
        int threads = context.Integer("threads");
        var progress = new Progress<TrainingProgress>(p => context.Report(
            string.Create(CultureInfo.InvariantCulture, $"{p.Run}: step {p.Step}/{p.TotalSteps}, loss {p.Loss:F3}"), (double)p.Step / p.TotalSteps));
        var members = await SuiteTrainer.RunAsync(suite, context.Path("corpus"), context.Path("tokenizer"), context.OutputFolder,
            threads > 0 ? threads : -1, progress, cancellationToken);
        foreach (var member in members)
            context.Log(string.Create(CultureInfo.InvariantCulture,
                $"{member.Name}: {member.Config.NonEmbeddingParameters:N0} non-embedding parameters, checkpoints at {string.Join(", ", member.Result.Checkpoints.Keys.Order())}"));
    }
}
