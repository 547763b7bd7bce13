using QuantaDiscovery.Pipeline;

namespace QuantaDiscovery.Fit;

/// <summary>The options of a table fit (the <c>fit</c> stage and command).</summary>
public static class FitSettings
{
    public static readonly StageSetting Input = new("input", SettingKind.InputPath, "table to fit: .csv (header row) or .parquet", Required: true);
    public static readonly StageSetting Form = new("form", SettingKind.Text,
        "power: y = a·x^-α (log-log least squares); power-offset: y = a·x^-α + c (Levenberg–Marquardt); zipf: rank-frequency slope and discrete power-law MLE",
        Default: "power", Choices: ["power", "power-offset", "zipf"]);
    public static readonly StageSetting X = new("x", SettingKind.Text, "x column (power forms)");
    public static readonly StageSetting Y = new("y", SettingKind.Text, "y column; for zipf, the column of counts or sizes", Required: true);
    public static readonly StageSetting Range = new("range", SettingKind.Text, "lo:hi, inclusive: x range (power forms) or rank range (zipf, e.g. 100:1000); either side may be empty");
    public static readonly StageSetting Bootstrap = new("bootstrap", SettingKind.Integer, "percentile-bootstrap replicates resampling points (0: none)", Default: "0");
    public static readonly StageSetting Seed = new("seed", SettingKind.Integer, "bootstrap seed", Default: "0");
    public static readonly StageSetting Level = new("level", SettingKind.Number, "confidence level of the bootstrap interval", Default: "0.95");
    public static readonly StageSetting XMin = new("xmin", SettingKind.Integer, "zipf: fix x_min of the discrete MLE (default: minimise the KS distance)");
    public static readonly StageSetting Output = new("output", SettingKind.Text, "fit.json to write", Required: true);

    /// <summary>The <c>fit</c> stage's settings, in the order pipelines/README.md lists them.</summary>
    public static IReadOnlyList<StageSetting> Stage { get; } = [Input, Form, X, Y, Range, Bootstrap, Seed, Level, XMin];

    /// <summary>The <c>fit</c> command's flags.</summary>
    public static IReadOnlyList<StageSetting> Command { get; } = [.. Stage, Output];
}
