using System.CommandLine;
using QuantaDiscovery.Pipeline;
using Spectre.Console;

namespace QuantaDiscovery.Cli.Commands;

internal static class RunCommand
{
    public static Command Create()
    {
        var pipeline = new Argument<string>("pipeline") { Description = "pipeline YAML file (e.g. pipelines/demo.yaml)" };
        var work = new Option<string?>("--work") { Description = "work folder for stage outputs, manifest.json and run.log (default: the pipeline's work:)" };
        var force = new Option<string[]>("--force") { Description = "redo this stage and its dependents even if cached (repeatable)" };
        var shard = new Option<string?>("--shard") { Description = "i/N: run only shard i of N of the data-parallel stages; a later run without --shard merges" };
        var model = new Option<string?>("--model")
        {
            Description = "m/M: with models split over M shards, score only model m (one model/checkpoint folder of the M the losses stage lists)",
        };
        var root = new Option<string?>("--root")
        {
            Description = "folder that the pipeline's relative inputs start from, instead of its root: (e.g. a stand-in tree from `quanta standins`)",
        };
        var set = new Option<string[]>("--set") { Description = "name=value: override one of the pipeline's variables: (repeatable)" };
        var command = new Command("run", "Run a declarative pipeline: cached by fingerprint, resumable, shardable") { pipeline, work, force, shard, model, root, set };
        ProgressReporter.AddOptions(command);
        command.SetAction(async (parse, cancellation) =>
        {
            var variables = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var assignment in parse.GetValue(set) ?? [])
            {
                int equals = assignment.IndexOf('=');
                if (equals <= 0) throw new Common.InputException($"--set {assignment}: expected name=value");
                variables[assignment[..equals]] = assignment[(equals + 1)..];
            }
            var rootFolder = parse.GetValue(root);
            if (rootFolder is not null && !Directory.Exists(rootFolder)) throw new Common.InputException("--root: folder not found", rootFolder);
            var definition = PipelineYaml.Load(parse.GetValue(pipeline)!, overrides: new PipelineOverrides(rootFolder, variables));
            Shard? selected = null;
            try
            {
                if (parse.GetValue(shard) is { } text) selected = Shard.Parse(text);
                if (parse.GetValue(model) is { } models) selected = (selected ?? new Shard(0, 1)).WithModel(models);
            }
            catch (FormatException e)
            {
                throw new Common.InputException($"--shard/--model: {e.Message}");
            }
            var options = new PipelineRunOptions { WorkFolder = parse.GetValue(work), Force = parse.GetValue(force) ?? [], Shard = selected };

            var reporter = ProgressReporter.For(parse, Console.Error, Console.Out, !Console.IsErrorRedirected);
            var result = await PipelineRunner.RunAsync(definition, options, reporter.For<StageProgress>(p => new(p.Stage, p.Fraction, p.Detail)), cancellation);
            var reports = result.Stages.Where(s => s.Kind == "report" && s.Output is not null).Select(s => Path.Combine(s.Output!, ReportIndex.FileName)).ToArray();
            reporter.Result(new
            {
                Command = "run", result.Succeeded, Log = result.LogPath, Reports = reports,
                Stages = result.Stages.Select(s => new { s.Name, s.Kind, Status = s.Status.ToString(), Seconds = s.Elapsed.TotalSeconds, s.Output, s.Error }),
            }, () =>
            {
                var table = new Table().AddColumns("stage", "kind", "status", "seconds", "output");
                foreach (var stage in result.Stages)
                    table.AddRow(Markup.Escape(stage.Name), Markup.Escape(stage.Kind), StatusMarkup(stage.Status),
                        stage.Elapsed.TotalSeconds.ToString("F1"), Markup.Escape(stage.Error ?? stage.Output ?? ""));
                AnsiConsole.Write(table);
                Console.WriteLine($"log: {result.LogPath}");
                foreach (var report in reports) Console.WriteLine($"report: {report}");
            });
            return result.Succeeded ? 0 : 1;
        });
        return command;
    }

    private static string StatusMarkup(StageStatus status) => status switch
    {
        StageStatus.Done => "[green]done[/]",
        StageStatus.Cached => "[blue]skipped (cached)[/]",
        StageStatus.Merged => "[green]merged shards[/]",
        StageStatus.WaitingForMerge => "[yellow]waits for merge[/]",
        StageStatus.Failed => "[red]failed[/]",
        _ => "[grey]not run[/]",
    };
}
