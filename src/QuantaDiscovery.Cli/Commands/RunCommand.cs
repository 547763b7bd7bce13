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
        var command = new Command("run", "Run a declarative pipeline: cached by fingerprint, resumable, shardable") { pipeline, work, force, shard, model };
        command.SetAction(async (parse, cancellation) =>
        {
            var definition = PipelineYaml.Load(parse.GetValue(pipeline)!);
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
                WorkFolder = parse.GetValue(work), Force = parse.GetValue(force) ?? [], Shard = selected, SetTorchThreads = threads => TorchThreadCount.Set(threads),
            };

            var display = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(parse.Err()) });
            PipelineRunResult result = null!;
            await display.Progress()
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async context =>
                {
                    var tasks = PipelineRunner.TopologicalOrder(definition).ToDictionary(s => s.Name, s => context.AddTask(Markup.Escape(s.Name), autoStart: false));
                    var progress = new StageDisplay(tasks);
                    result = await PipelineRunner.RunAsync(definition, options, progress, cancellation);
                });

            var table = new Table().AddColumns("stage", "kind", "status", "seconds", "output");
            foreach (var stage in result.Stages)
                table.AddRow(Markup.Escape(stage.Name), Markup.Escape(stage.Kind), StatusMarkup(stage.Status),
                    stage.Elapsed.TotalSeconds.ToString("F1"), Markup.Escape(stage.Error ?? stage.Output ?? ""));
            AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(parse.Out()) }).Write(table);
            parse.Out().WriteLine($"log: {result.LogPath}");
            foreach (var stage in result.Stages.Where(s => s.Kind == "report" && s.Output is not null))
                parse.Out().WriteLine($"report: {Path.Combine(stage.Output!, ReportIndex.FileName)}");
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

    /// <summary>One progress bar per stage, fed by the runner's reports.</summary>
    private sealed class StageDisplay(Dictionary<string, ProgressTask> tasks) : IProgress<StageProgress>
    {
        public void Report(StageProgress value)
        {
            if (!tasks.TryGetValue(value.Stage, out var task)) return;
            if (!task.IsStarted) task.StartTask();
            task.Description = Markup.Escape($"{value.Stage}: {value.Detail}");
            if (value.Fraction is { } fraction) task.Value = 100 * fraction;
            if (value.Finished is not null)
            {
                task.Value = 100;
                task.StopTask();
            }
        }
    }
}
