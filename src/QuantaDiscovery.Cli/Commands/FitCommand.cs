using System.CommandLine;
using QuantaDiscovery.Fit;

namespace QuantaDiscovery.Cli.Commands;

internal static class FitCommand
{
    public static Command Create()
    {
        var input = SettingOptions.From<FileInfo>(FitSettings.Input);
        var x = SettingOptions.From<string?>(FitSettings.X);
        var y = SettingOptions.From<string>(FitSettings.Y);
        var form = SettingOptions.From<string>(FitSettings.Form);
        var range = SettingOptions.From<string?>(FitSettings.Range);
        var bootstrap = SettingOptions.From<int>(FitSettings.Bootstrap);
        var seed = SettingOptions.From<int>(FitSettings.Seed);
        var level = SettingOptions.From<double>(FitSettings.Level);
        var xMin = SettingOptions.From<long?>(FitSettings.XMin);
        var output = SettingOptions.From<FileInfo>(FitSettings.Output);

        var command = new Command("fit", "Fit a power law (optionally with offset) or a Zipf law to columns of a table")
            .With(input, x, y, form, range, bootstrap, seed, level, xMin, output);
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
