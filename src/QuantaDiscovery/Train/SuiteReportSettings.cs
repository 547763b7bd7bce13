using QuantaDiscovery.Pipeline;

namespace QuantaDiscovery.Train;

/// <summary>The options of a trained suite's loss report (the <c>suite-report</c> command, <see cref="SuiteReport"/>).</summary>
public static class SuiteReportSettings
{
    public static readonly StageSetting Suite = new("suite", SettingKind.InputPath, "suite.json the models were trained with", Required: true);
    public static readonly StageSetting Losses = new("losses", SettingKind.InputPath, "output folder of `quanta losses` over the suite's checkpoints", Required: true);
    public static readonly StageSetting Output = new("output", SettingKind.Text, "folder for test_losses.csv, loss_vs_size.png and loss_vs_step.png", Required: true);

    /// <summary>The <c>suite-report</c> command's flags.</summary>
    public static IReadOnlyList<StageSetting> Command { get; } = [Suite, Losses, Output];
}
