using QuantaDiscovery.Toys.Grokking;

namespace QuantaDiscovery.Pipeline.Stages;

/// <summary><c>grok</c>: one grokking run (<see cref="GrokkingTrainer"/>) with its metrics, summary and charts.</summary>
public sealed class GrokStage : PipelineStage
{
    public override string Kind => "grok";
    public override string Description => "a modular-arithmetic grokking run (Power et al. 2022; Omnigrok)";

    public override IReadOnlyList<StageSetting> Settings { get; } =
    [
        new("task", SettingKind.Text, "binary operation, e.g. x+y, x/y, s5", Default: "x+y"),
        new("p", SettingKind.Integer, "prime modulus", Default: "59"),
        new("train-frac", SettingKind.Number, "fraction of the table used for training", Default: "0.5"),
        new("steps", SettingKind.Integer, "full-batch optimiser steps", Default: "3000"),
        new("weight-decay", SettingKind.Number, "AdamW weight decay γ", Default: "1"),
        new("seed", SettingKind.Integer, "seed of the split and the initialisation", Default: "0"),
        new("threads", SettingKind.Integer, "libtorch CPU threads (default: libtorch's choice)"),
    ];

    public override Task RunAsync(StageContext context, CancellationToken cancellationToken)
    {
        var options = new GrokkingOptions
        {
            Operation = BinaryOperations.Parse(context.Text("task")),
            Modulus = context.Integer("p"),
            TrainFraction = context.Number("train-frac"),
            Steps = context.Integer("steps"),
            WeightDecay = context.Number("weight-decay"),
            Seed = context.Integer("seed"),
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
