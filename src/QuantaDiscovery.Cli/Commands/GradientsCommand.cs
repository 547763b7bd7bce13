using System.CommandLine;
using QuantaDiscovery.Gradients;
using QuantaDiscovery.Qdg;

namespace QuantaDiscovery.Cli.Commands;

internal static class GradientsCommand
{
    public static Command Create()
    {
        var model = SettingOptions.From<string>(GradientSettings.Model);
        var input = SettingOptions.From<string>(GradientSettings.Corpus, "--input");
        var samples = SettingOptions.From<string>(GradientSettings.Samples);
        var output = SettingOptions.From<string>(GradientSettings.Output);
        var parameters = SettingOptions.From<string>(GradientSettings.Params);
        var projection = SettingOptions.From<string>(QdgSettings.Projection);
        var density = SettingOptions.From<double?>(GradientSettings.Density);
        var seed = SettingOptions.From<int>(GradientSettings.Seed);
        var context = SettingOptions.From<int?>(GradientSettings.Context);
        var threads = SettingOptions.From<int>(GradientSettings.Threads);
        var command = new Command("gradients", "Per-token loss gradients of the selected samples, each computed once (exact or projected)")
            .With(model, input, samples, output, parameters, projection, density, seed, context, threads);
        ProgressReporter.AddOptions(command);
        command.SetAction(async (parse, cancellation) =>
        {
            var (k, method) = GradientOptions.ParseProjection(parse.GetValue(projection)!);
            var options = new GradientOptions
            {
                Parameters = parse.GetValue(parameters)!,
                Projection = k,
                Method = method,
                Density = parse.GetValue(density),
                Seed = parse.GetValue(seed),
                Context = parse.GetValue(context),
            };
            TorchThreadCount.Set(parse.GetValue(threads));
            var reporter = ProgressReporter.For(parse, parse.Err(), parse.Out(), ReferenceEquals(parse.Err(), Console.Error) && !Console.IsErrorRedirected);
            var result = await GradientComputation.RunAsync(parse.GetValue(model)!, parse.GetValue(input)!, parse.GetValue(samples)!, parse.GetValue(output)!,
                options, reporter.For<GradientProgress>(GradientUpdate), cancellation);
            reporter.Note($"{result.Samples:N0} gradients of dimension d = {result.Dimension:N0} written with {result.Columns:N0} columns; " +
                $"{result.ForwardPasses:N0} forward and {result.BackwardPasses:N0} backward passes in {result.Seconds:N1} s");
            reporter.Result(new { Command = "gradients", result.Samples, result.Dimension, result.Columns, result.ForwardPasses,
                result.BackwardPasses, result.Seconds, result.GradientsPath, result.SettingsPath }, () =>
            {
                parse.Out().WriteLine(result.GradientsPath);
                parse.Out().WriteLine(result.SettingsPath);
            });
            return 0;
        });
        return command;
    }

    /// <summary>The progress of per-token gradients (also the gradients stage of `quanta qdg`).</summary>
    public static ProgressUpdate GradientUpdate(GradientProgress p) =>
        new("gradients", p.TotalTokens > 0 ? (double)p.Tokens / p.TotalTokens : null, $"{p.Tokens:N0}/{p.TotalTokens:N0} tokens", p.Tokens, "tokens");
}
