using System.CommandLine;
using QuantaDiscovery.Fit;

namespace QuantaDiscovery.Cli.Commands;

internal static class FitCommand
{
    public static Command Create()
    {
        var input = new Option<FileInfo>("--input") { Description = "table to fit: .csv (header row) or .parquet", Required = true };
        var x = new Option<string?>("--x") { Description = "x column (power forms)" };
        var y = new Option<string>("--y") { Description = "y column; for zipf, the column of counts or sizes", Required = true };
        var form = new Option<string>("--form")
        {
            Description = "power: y = a·x^-α (log-log least squares); power-offset: y = a·x^-α + c (Levenberg–Marquardt); " +
                          "zipf: rank-frequency slope and discrete power-law MLE",
            DefaultValueFactory = _ => "power",
        };
        form.AcceptOnlyFromAmong("power", "power-offset", "zipf");
        var range = new Option<string?>("--range") { Description = "lo:hi, inclusive: x range (power forms) or rank range (zipf, e.g. 100:1000)" };
        var bootstrap = new Option<int>("--bootstrap") { Description = "percentile-bootstrap replicates resampling points (0: none)", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "bootstrap seed", DefaultValueFactory = _ => 0 };
        var level = new Option<double>("--level") { Description = "confidence level of the bootstrap interval", DefaultValueFactory = _ => 0.95 };
        var xMin = new Option<long?>("--xmin") { Description = "zipf: fix x_min of the discrete MLE (default: minimise the KS distance)" };
        var output = new Option<FileInfo>("--output") { Description = "fit.json to write", Required = true };

        var command = new Command("fit", "Fit a power law (optionally with offset) or a Zipf law to columns of a table")
        {
            input, x, y, form, range, bootstrap, seed, level, xMin, output,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var options = new FitOptions(TableFit.ParseForm(parse.GetValue(form)!), parse.GetValue(x), parse.GetValue(y)!,
                parse.GetValue(range) is { } r ? FitRange.Parse(r) : null, parse.GetValue(bootstrap), parse.GetValue(seed),
                parse.GetValue(level), parse.GetValue(xMin));
            var outputPath = parse.GetValue(output)!.FullName;
            var report = await TableFit.RunAsync(parse.GetValue(input)!.FullName, options, outputPath, cancellation);
            parse.Out().WriteLine($"{TableFit.FormName(report.Form)}: α = {report.Alpha:G6} ± {report.AlphaSe:G3} " +
                              $"over {report.Points} points (R² = {report.RSquared:F4}) → {outputPath}");
            return 0;
        });
        return command;
    }
}
