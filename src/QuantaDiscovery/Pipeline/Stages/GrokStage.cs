using QuantaDiscovery.Toys.Grokking;

namespace QuantaDiscovery.Pipeline.Stages;

/// <summary><c>grok</c>: one grokking run (<see cref="GrokkingTrainer"/>) with its metrics, summary and charts.</summary>
public sealed class GrokStage : PipelineStage
{
    public override string Kind => "grok";
    public override string Description => "a modular-arithmetic grokking run (Power et al. 2022; Omnigrok)";

    public override IReadOnlyList<StageSetting> Settings { get; } =
    [
        new("preset", SettingKind.Text, "light (the fast CPU setting: MLP, p 59, train-frac 0.5, 3000 steps, seed 0) or omnigrok (Omnigrok's transformer run: p 113, train-frac 0.3, float64, 15,000 steps, seed 42)", Default: "light"),
        new("task", SettingKind.Text, "binary operation, e.g. x+y, x/y, s5 (unset: the preset's, x+y)"),
        new("p", SettingKind.Integer, "prime modulus (unset: the preset's)"),
        new("train-frac", SettingKind.Number, "fraction of the table used for training (unset: the preset's)"),
        new("steps", SettingKind.Integer, "full-batch optimiser steps (unset: the preset's)"),
        new("weight-decay", SettingKind.Number, "AdamW weight decay γ (unset: the preset's, 1)"),
        new("seed", SettingKind.Integer, "seed of the split and the initialisation (unset: the preset's)"),
        new("threads", SettingKind.Integer, "libtorch CPU threads (default: libtorch's choice)"),
    ];

    public override Task RunAsync(StageContext context, CancellationToken cancellationToken)
    {
        GrokkingOptions preset;
        try
        {
            preset = GrokkingOptions.Preset(context.Text("preset"));
        }
        catch (Common.InputException)
        {
            throw context.Error("preset", $"'{context.Text("preset")}' is not light or omnigrok");
        }
        var options = preset with
        {
            Operation = context.Has("task") ? BinaryOperations.Parse(context.Text("task")) : preset.Operation,
            Modulus = context.Has("p") ? context.Integer("p") : preset.Modulus,
            TrainFraction = context.Has("train-frac") ? context.Number("train-frac") : preset.TrainFraction,
            Steps = context.Has("steps") ? context.Integer("steps") : preset.Steps,
            WeightDecay = context.Has("weight-decay") ? context.Number("weight-decay") : preset.WeightDecay,
            Seed = context.Has("seed") ? context.Integer("seed") : preset.Seed,
        };
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
