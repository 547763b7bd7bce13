using System.CommandLine;
using System.Globalization;
using QuantaDiscovery.Toys.SparseParity;

namespace QuantaDiscovery.Cli.Commands;

/// <summary>`quanta sparse-parity-sweep`: final loss against parameter count over hidden widths.</summary>
internal static class SparseParitySweepCommand
{
    public static Command Create()
    {
        var options = new SparseParityOptionSet();
        var widths = SettingOptions.From<string>(SparseParitySettings.Widths);
        var output = SettingOptions.From<string>(SparseParitySettings.SweepOutput);
        var command = new Command("sparse-parity-sweep", "Width sweep on multitask sparse parity: final loss vs parameters, fitted exponent beside the theory's α");
        options.AddTo(command);
        command.Options.Add(widths);
        command.Options.Add(output);
        command.SetAction(parse =>
        {
            var settings = options.Read(parse);
            options.SetThreads(parse);
            var list = ToyCommand.ParseList(parse.GetValue(widths)!, "--widths", s => int.Parse(s, CultureInfo.InvariantCulture));
            var fit = SparseParitySweep.Run(settings, list, parse.GetValue(output)!, point =>
                parse.Out().WriteLine($"width {point.Width,5} ({point.Parameters} parameters): final test loss {point.FinalTestLoss:0.0000}, " +
                    $"{point.TasksConverged}/{settings.Tasks} tasks converged, convergence slope {point.ConvergenceSlope?.ToString("0.00") ?? "n/a"} ({point.WallSeconds:0.0} s)"));
            parse.Out().WriteLine($"L ∝ N^(−α_N): fitted α_N = {fit.Exponent:0.000} ± {fit.ExponentStandardError:0.000} (R² {fit.RSquared:0.000}); theory α_N = α = {fit.TheoryExponent}");
            return 0;
        });
        return command;
    }
}
