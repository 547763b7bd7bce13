using QuantaDiscovery.Common;
using System.Globalization;
using System.Text;
using QuantaDiscovery.Fit;

namespace QuantaDiscovery.Toys.Grokking;

/// <summary>The hyperparameter a grokking sweep varies.</summary>
public enum GrokkingSweepParameter { WeightDecay, TrainFraction, InitScale }

/// <summary>One run of a sweep.</summary>
public sealed record GrokkingSweepPoint(double Value, int Seed, int? MemorisedStep, int? GeneralisedStep, int StepsRun, double WallSeconds);

/// <summary>fit.json of a sweep: generalisation step t = a·value^(−α) over the runs that generalised.</summary>
public sealed record GrokkingSweepFit(
    GrokkingSweepParameter Parameter,
    double? Exponent,
    double? ExponentStandardError,
    double? Amplitude,
    double? RSquared,
    int RunsFitted,
    int RunsNotGeneralised,
    string Expectation);

/// <summary>
/// Steps to generalise as a function of one hyperparameter, every run stopped at generalisation. Weight
/// decay: the claim under test is t ∝ 1/γ (exponent α = 1; Omnigrok / Liu et al. 2022). Training fraction:
/// Power et al. (2022, Fig. 1) find that more data generalises faster (a positive exponent here).
/// </summary>
public static class GrokkingSweep
{
    public static GrokkingSweepFit Run(GrokkingOptions template, GrokkingSweepParameter parameter, IReadOnlyList<double> values, int seeds,
        string outputDirectory, Action<GrokkingSweepPoint>? progress = null)
    {
        if (values.Count < 2)
            throw new InputException("a sweep needs at least two values");
        if (seeds < 1)
            throw InputException.Invalid(nameof(seeds), seeds, "need at least one seed");
        Directory.CreateDirectory(outputDirectory);
        var points = new List<GrokkingSweepPoint>();
        foreach (double value in values)
        for (int seed = template.Seed; seed < template.Seed + seeds; seed++)
        {
            var options = With(template, parameter, value) with { Seed = seed, StopWhenGeneralised = true };
            var run = GrokkingTrainer.Train(options);
            GrokkingReport.Write(run, Path.Combine(outputDirectory, "runs", string.Create(CultureInfo.InvariantCulture, $"{Name(parameter)}_{value}_seed{seed}")));
            var point = new GrokkingSweepPoint(value, seed, run.MemorisedStep, run.GeneralisedStep, run.Metrics.Count, run.WallSeconds);
            points.Add(point);
            progress?.Invoke(point);
        }

        var csv = new StringBuilder($"{Name(parameter)},seed,memorised_step,generalised_step,steps_run,wall_seconds\n");
        foreach (var p in points)
            csv.Append(CultureInfo.InvariantCulture, $"{p.Value:R},{p.Seed},{p.MemorisedStep},{p.GeneralisedStep},{p.StepsRun},{p.WallSeconds:0.###}\n");
        File.WriteAllText(Path.Combine(outputDirectory, "sweep.csv"), csv.ToString());

        var generalised = points.Where(p => p.GeneralisedStep > 0).ToList();
        var fitted = generalised.Select(p => p.Value).Distinct().Count() >= 2
            ? PowerLawFit.LogLog(generalised.Select(p => p.Value).ToArray(), generalised.Select(p => (double)p.GeneralisedStep!.Value).ToArray())
            : null;
        string expectation = parameter switch
        {
            GrokkingSweepParameter.WeightDecay => "t ∝ γ^-1: exponent 1",
            GrokkingSweepParameter.TrainFraction => "more data generalises faster (Power et al. 2022): exponent > 0",
            _ => "larger initialisation delays generalisation (Omnigrok): exponent < 0",
        };
        var fit = new GrokkingSweepFit(parameter, fitted?.Alpha, fitted?.AlphaStandardError, fitted?.Amplitude, fitted?.RSquared,
            generalised.Count, points.Count - generalised.Count, expectation);
        ToyJson.Write(Path.Combine(outputDirectory, "fit.json"), fit);
        if (fitted is not null)
            ToyPlots.PowerLaw(Path.Combine(outputDirectory, "sweep.png"),
                $"steps to generalise vs {Label(parameter)} ({BinaryOperations.Name(template.Operation)} mod {template.ResolvedModulus})",
                Label(parameter), "first step with validation accuracy ≥ 0.99",
                generalised.Select(p => p.Value).ToArray(), generalised.Select(p => (double)p.GeneralisedStep!.Value).ToArray(), fitted,
                parameter == GrokkingSweepParameter.WeightDecay ? "claim: t ∝ 1/γ" : null,
                parameter == GrokkingSweepParameter.WeightDecay ? 1 : null);
        return fit;
    }

    public static GrokkingOptions With(GrokkingOptions options, GrokkingSweepParameter parameter, double value) => parameter switch
    {
        GrokkingSweepParameter.WeightDecay => options with { WeightDecay = value },
        GrokkingSweepParameter.TrainFraction => options with { TrainFraction = value },
        GrokkingSweepParameter.InitScale => options with { InitScale = value },
        _ => throw new ArgumentOutOfRangeException(nameof(parameter)),
    };

    private static string Name(GrokkingSweepParameter parameter) => parameter switch
    {
        GrokkingSweepParameter.WeightDecay => "weight_decay",
        GrokkingSweepParameter.TrainFraction => "train_fraction",
        _ => "init_scale",
    };

    private static string Label(GrokkingSweepParameter parameter) => parameter switch
    {
        GrokkingSweepParameter.WeightDecay => "weight decay γ",
        GrokkingSweepParameter.TrainFraction => "training fraction",
        _ => "initialisation scale α",
    };
}
