using System.CommandLine;
using QuantaDiscovery.Pipeline;
using Spectre.Console;

namespace QuantaDiscovery.Cli.Commands;

internal static class RunCommand
{
    public static Command Create()
    {
        var pipeline = new Argument<string>("pipeline") { Description = "pipeline YAML file (e.g. pipelines/demo.yaml)" };
        var work = SettingOptions.From<string?>(RunSettings.Work);
        var force = SettingOptions.From<string[]>(RunSettings.Force);
        var shard = SettingOptions.From<string?>(RunSettings.Shard);
        var model = SettingOptions.From<string?>(RunSettings.Model);
        var root = SettingOptions.From<string?>(RunSettings.Root);
        var set = SettingOptions.From<string[]>(RunSettings.Set);
        var command = new Command("run", "Run a declarative pipeline: cached by fingerprint, resumable, shardable") { pipeline };
        command.With(work, force, shard, model, root, set);
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
            var options = new PipelineRunOptions
            {
                WorkFolder = parse.GetValue(work), Force = parse.GetValue(force) ?? [], Shard = selected,
            };

            var reporter = ProgressReporter.For(parse, parse.Err(), parse.Out(), ReferenceEquals(parse.Err(), Console.Error) && !Console.IsErrorRedirected);
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
                AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(parse.Out()) }).Write(table);
                parse.Out().WriteLine($"log: {result.LogPath}");
                foreach (var report in reports) parse.Out().WriteLine($"report: {report}");
            });
            if (result.Succeeded) return 0;
            var failed = result.Stages.FirstOrDefault(s => s.Status == StageStatus.Failed);
            if (failed is null) return 1;
            if (result.FailedOnBadInputOnly)
                throw new Common.InputException($"stage '{failed.Name}' ({failed.Kind}): {failed.Error} (details: {result.LogPath})");
            parse.Err().WriteLine($"error: stage '{failed.Name}' ({failed.Kind}) failed on a bug; its stack trace is in {result.LogPath}");
            return 1;
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
