using System.CommandLine;
using QuantaDiscovery.Gradients;

namespace QuantaDiscovery.Cli.Commands;

internal static class GradientsCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "model folder (config.json, model.safetensors, tokenizer.json)", Required = true };
        var input = new Option<string>("--input") { Description = "the corpus the samples come from", Required = true };
        var samples = new Option<string>("--samples") { Description = "samples.parquet from `quanta select`", Required = true };
        var output = new Option<string>("--output") { Description = "output folder: gradients.npy, gradients.json", Required = true };
        var parameters = new Option<string>("--params") { Description = "paper (no layer norms, no embeddings) or all", DefaultValueFactory = _ => "paper" };
        parameters.AcceptOnlyFromAmong("paper", "all");
        var projection = new Option<string>("--projection")
        {
            Description = "none (exact gradients); k or sparse:k, a sparse random projection to k dimensions; factored:B, a LoGra-style " +
                          "projection of each linear layer's inputs and output gradients apart, B columns in all",
            DefaultValueFactory = _ => "none",
        };
        var density = new Option<double?>("--density") { Description = "nonzero fraction of the projection (default 1/√d; Li et al. 2006)" };
        var seed = new Option<int>("--seed") { Description = "seed of the projection", DefaultValueFactory = _ => 0 };
        var context = new Option<int?>("--context") { Description = "the context the table was made with (default: as quanta losses, 1024 or the model's positions if fewer)" };
        var threads = new Option<int>("--threads") { Description = "TorchSharp threads (0: libtorch's default)", DefaultValueFactory = _ => 0 };
        var command = new Command("gradients", "Per-token loss gradients of the selected samples, each computed once (exact or projected)")
        {
            model, input, samples, output, parameters, projection, density, seed, context, threads,
        };
        ProgressReporter.AddOptions(command);
        command.SetAction(parse =>
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
            var result = GradientComputation.Run(parse.GetValue(model)!, parse.GetValue(input)!, parse.GetValue(samples)!, parse.GetValue(output)!,
                options, reporter.For<GradientProgress>(GradientUpdate));
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
