using System.Globalization;
using QuantaDiscovery.Common;
using QuantaDiscovery.Pipeline;

namespace QuantaDiscovery.Scaling;

/// <summary>The options of the scaling analysis (the <c>scaling</c> stage and command), with the paper's values (Michaud et al. 2023, §4).</summary>
public static class ScalingSettings
{
    public static readonly StageSetting Losses = new("losses", SettingKind.InputPath,
        "per-token loss matrix in nats: Parquet (doc, pos, token, [set], one float column per model) or float32 .npy [tokens, models] (e.g. ${losses.output}/loss_matrix.parquet)", Required: true);
    public static readonly StageSetting Params = new("params", SettingKind.InputPath,
        "models.csv: name,params[,step] (params = non-embedding parameters; e.g. ${losses.output}/models.csv)", Required: true);
    public static readonly StageSetting Exclude = new("exclude", SettingKind.Text, "models left out of the L(N) fit, comma-separated (the flag may be repeated)");
    public static readonly StageSetting ExcludeLargest = new("exclude-largest", SettingKind.Flag,
        "leave the largest size out of the L(N) fit (as the paper's notebooks/ten-million-scaling-curves.ipynb; pythia.yaml sets it)", Default: "false", Paper: "true");
    public static readonly StageSetting FitTokens = new("fit-tokens", SettingKind.Integer,
        "fit L(N) on the mean over the first N tokens (0: all), the all-token fit reported beside", Default: "0", Paper: "10000000");
    public static readonly StageSetting StepFitRange = new("step-fit-range", SettingKind.Text, "first:last step of the L(S) fit (default: every step > 0)", Paper: "11000:100000");
    public static readonly StageSetting TrainingCurveRange = new("training-curve-range", SettingKind.Text,
        "first:last step over which each token's loss over training is classified as a sharp drop or a gradual decline (default: step-fit-range, else from a tenth of the last step)");
    public static readonly StageSetting Threshold = new("threshold", SettingKind.Number, "near-zero / learned loss threshold in nats", Default: "0.1", Paper: "0.1");
    public static readonly StageSetting Bootstrap = new("bootstrap", SettingKind.Integer, "token-resampling bootstrap replicates for the CI on α_N (0: none)", Default: "0");
    public static readonly StageSetting Seed = new("seed", SettingKind.Integer, "bootstrap seed", Default: "0");
    public static readonly StageSetting Output = new("output", SettingKind.Text, "folder for summary.json, models.csv and the plots", Required: true);

    /// <summary>The <c>scaling</c> stage's settings, in the order pipelines/README.md lists them.</summary>
    public static IReadOnlyList<StageSetting> Stage { get; } =
        [Losses, Params, Exclude, ExcludeLargest, FitTokens, StepFitRange, TrainingCurveRange, Threshold, Bootstrap, Seed];

    /// <summary>The <c>scaling</c> command's flags.</summary>
    public static IReadOnlyList<StageSetting> Command { get; } = [.. Stage, Output];

    /// <summary>Parses a step range <c>first:last</c> (1 ≤ first ≤ last) given for <paramref name="setting"/>.</summary>
    public static (long First, long Last) ParseStepRange(string text, StageSetting setting)
    {
        var parts = text.Split(':');
        if (parts.Length != 2 || !long.TryParse(parts[0], CultureInfo.InvariantCulture, out long first) ||
            !long.TryParse(parts[1], CultureInfo.InvariantCulture, out long last) || first < 1 || last < first)
            throw new InputException($"{setting.Name} '{text}': expected first:last steps with 1 ≤ first ≤ last (e.g. the paper's L(S) range 11000:100000)");
        return (first, last);
    }

    /// <summary>The models named by <see cref="Exclude"/>: each value a comma-separated list.</summary>
    public static string[] ParseExclude(IEnumerable<string> values) =>
        values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
}
