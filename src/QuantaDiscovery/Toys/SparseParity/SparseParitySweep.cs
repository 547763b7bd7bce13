using QuantaDiscovery.Common;
using System.Globalization;
using System.Text;
using QuantaDiscovery.Fit;

namespace QuantaDiscovery.Toys.SparseParity;

/// <summary>One width of a sweep.</summary>
public sealed record SparseParitySweepPoint(int Width, long Parameters, double FinalTestLoss, int TasksConverged, double? ConvergenceSlope, double WallSeconds);

/// <summary>fit.json of a width sweep: final test loss L = a·N^(−α_N) over parameter counts N, beside the theory's α_N = α.</summary>
public sealed record SparseParitySweepFit(double Exponent, double ExponentStandardError, double Amplitude, double RSquared, double TheoryExponent, int Points);

/// <summary>
/// Parameter scaling on multitask sparse parity (Michaud et al. 2023, Fig. 3): with task frequencies
/// p_i ∝ i^−(α+1), a network that has room for n quanta learns the n most frequent, leaving loss
/// ∝ Σ_{i&gt;n} p_i ∝ n^−α, so L(N) ∝ N^−α if quanta cost a fixed number of parameters each.
/// </summary>
public static class SparseParitySweep
{
    public static SparseParitySweepFit Run(SparseParityOptions template, IReadOnlyList<int> widths, string outputDirectory,
        Action<SparseParitySweepPoint>? progress = null)
    {
        if (widths.Distinct().Count() < 2)
            throw new InputException("a width sweep needs at least two distinct widths");
        Directory.CreateDirectory(outputDirectory);
        var points = new List<SparseParitySweepPoint>();
        foreach (int width in widths)
        {
            var run = SparseParityTrainer.Train(template with { Width = width });
            var summary = SparseParityReport.Write(run, Path.Combine(outputDirectory, "runs", $"width_{width}"));
            var point = new SparseParitySweepPoint(width, run.Parameters, run.FinalTestLoss, summary.TasksConverged, summary.ConvergenceSlope, run.WallSeconds);
            points.Add(point);
            progress?.Invoke(point);
        }

        var csv = new StringBuilder("width,parameters,final_test_loss,tasks_converged,convergence_slope,wall_seconds\n");
        foreach (var p in points)
            csv.Append(CultureInfo.InvariantCulture, $"{p.Width},{p.Parameters},{p.FinalTestLoss:R},{p.TasksConverged},{p.ConvergenceSlope:R},{p.WallSeconds:0.###}\n");
        File.WriteAllText(Path.Combine(outputDirectory, "sweep.csv"), csv.ToString());

        var n = points.Select(p => (double)p.Parameters).ToArray();
        var loss = points.Select(p => p.FinalTestLoss).ToArray();
        var fitted = PowerLawFit.LogLog(n, loss);
        var fit = new SparseParitySweepFit(fitted.Alpha, fitted.AlphaStandardError, fitted.Amplitude, fitted.RSquared, template.Alpha, fitted.Points);
        ToyJson.Write(Path.Combine(outputDirectory, "fit.json"), fit);
        ToyPlots.PowerLaw(Path.Combine(outputDirectory, "scaling.png"),
            $"final test loss vs parameters (n_tasks {template.Tasks}, n {template.Bits}, k {template.SubsetSize}, {template.Steps} steps)",
            "parameters N", "test loss Σ p_i L_i", n, loss, fitted, $"theory: slope −α = {-template.Alpha}", template.Alpha);
        return fit;
    }
}
