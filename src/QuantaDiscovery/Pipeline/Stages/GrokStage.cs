using QuantaDiscovery.Common;
using QuantaDiscovery.Toys.Grokking;

namespace QuantaDiscovery.Pipeline.Stages;

/// <summary><c>grok</c>: one grokking run (<see cref="GrokkingTrainer"/>) with its metrics, summary and charts.</summary>
public sealed class GrokStage : PipelineStage
{
    public override string Kind => "grok";
    public override string Description => "a modular-arithmetic grokking run (Power et al. 2022; Omnigrok)";

    public override IReadOnlyList<StageSetting> Settings => GrokSettings.Stage;

    public override Task RunAsync(StageContext context, CancellationToken cancellationToken)
    {
        var preset = GrokkingOptions.Preset(context.Text("preset"));
        var options = preset with
        {
            Operation = context.Has("task") ? BinaryOperations.Parse(context.Text("task")) : preset.Operation,
            Modulus = context.Has("p") ? context.Integer("p") : preset.Modulus,
            TrainFraction = context.Has("train-frac") ? context.Number("train-frac") : preset.TrainFraction,
            Steps = context.Has("steps") ? context.Integer("steps") : preset.Steps,
            WeightDecay = context.Has("weight-decay") ? context.Number("weight-decay") : preset.WeightDecay,
            Seed = context.Has("seed") ? context.Integer("seed") : preset.Seed,
        };
        using var threads = TorchThreads.OnThisThread(context.Has("threads") ? context.Integer("threads") : 0);
        var run = GrokkingTrainer.Train(options, step =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (step.Step % 100 == 0)
                context.Report($"step {step.Step}: train acc {step.TrainAccuracy:0.000}, val acc {step.ValidationAccuracy:0.000}", (double)step.Step / options.Steps);
        });
        var summary = GrokkingReport.Write(run, context.OutputFolder);
        context.Log($"memorised at step {summary.MemorisedStep?.ToString() ?? "never"}, generalised at step {summary.GeneralisedStep?.ToString() ?? "never"}");
        return Task.CompletedTask;
    }
}
