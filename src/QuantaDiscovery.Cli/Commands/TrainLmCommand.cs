using System.CommandLine;
using QuantaDiscovery.Models;
using QuantaDiscovery.Train;

namespace QuantaDiscovery.Cli.Commands;

/// <summary>
/// `quanta train-lm`: trains one size (--layers/--d-model/--heads) of a model family (--family, default gpt_neox) or every size of a suite.json (--suite)
/// into &lt;output&gt;/&lt;name&gt;/step&lt;N&gt;/, resuming an interrupted run found there.
/// </summary>
internal static class TrainLmCommand
{
    public static Command Create()
    {
        var corpus = SettingOptions.From<string>(TrainLmSettings.Corpus);
        var tokenizer = SettingOptions.From<string>(TrainLmSettings.Tokenizer);
        var output = SettingOptions.From<string>(TrainLmSettings.Output);
        var suite = SettingOptions.From<string?>(TrainLmSettings.Suite);
        var family = SettingOptions.From<string>(TrainLmSettings.Family);
        var layers = SettingOptions.From<int?>(TrainLmSettings.Layers);
        var dModel = SettingOptions.From<int?>(TrainLmSettings.DModel);
        var heads = SettingOptions.From<int?>(TrainLmSettings.Heads);
        var context = SettingOptions.From<int>(TrainLmSettings.Context);
        var batchSize = SettingOptions.From<int>(TrainLmSettings.BatchSize);
        var steps = SettingOptions.From<int>(TrainLmSettings.Steps);
        var lr = SettingOptions.From<double>(TrainLmSettings.LearningRate);
        var warmup = SettingOptions.From<int?>(TrainLmSettings.Warmup);
        var checkpoints = SettingOptions.From<string>(TrainLmSettings.Checkpoints);
        var seed = SettingOptions.From<int>(TrainLmSettings.Seed);
        var threads = SettingOptions.From<int>(TrainLmSettings.Threads);
        var dtype = SettingOptions.From<string>(TrainLmSettings.SaveDType);
        var only = SettingOptions.From<string[]>(TrainLmSettings.Only);
        only.AllowMultipleArgumentsPerToken = true;
        var command = new Command("train-lm",
            "Train GPT-NeoX or Llama language models from scratch (Pythia's recipe: AdamW, warmup + cosine, one shared token order), " +
            "saving Hugging Face checkpoint folders at Pythia-like steps")
            .With(corpus, tokenizer, output, suite, family, layers, dModel, heads, context, batchSize, steps, lr, warmup, checkpoints, seed, threads, dtype, only);
        ProgressReporter.AddOptions(command);
        command.SetAction(async (parse, cancellation) =>
        {
            ModelSuiteDefinition definition;
            if (parse.GetValue(suite) is { } suitePath)
                definition = ModelSuiteDefinition.Load(suitePath);
            else
            {
                if (parse.GetValue(layers) is not int l || parse.GetValue(dModel) is not int d || parse.GetValue(heads) is not int h)
                {
                    parse.Err().WriteLine("error: give --layers, --d-model and --heads, or --suite");
                    return 2;
                }
                definition = new ModelSuiteDefinition
                {
                    Family = ModelFamilies.Get(parse.GetValue(family)!) is var chosen && chosen != ModelFamilies.Default ? chosen.ModelType : null,
                    Context = parse.GetValue(context),
                    BatchSize = parse.GetValue(batchSize),
                    Steps = parse.GetValue(steps),
                    Warmup = parse.GetValue(warmup),
                    Seed = parse.GetValue(seed),
                    Checkpoints = parse.GetValue(checkpoints)!,
                    SaveDType = parse.GetValue(dtype)!,
                    Sizes = [new SuiteSize { Layers = l, DModel = d, Heads = h, LearningRate = parse.GetValue(lr) }],
                };
            }
            int threadCount = parse.GetValue(threads);
            TorchThreadCount.Set(threadCount);

            var reporter = ProgressReporter.For(parse, parse.Err(), parse.Out(), ReferenceEquals(parse.Err(), Console.Error) && !Console.IsErrorRedirected);
            var progress = reporter.For<TrainingProgress>(p => new(p.Run, p.TotalSteps > 0 ? (double)p.Step / p.TotalSteps : null,
                $"step {p.Step:N0}/{p.TotalSteps:N0}, loss {p.Loss:F3}, lr {p.LearningRate:G3}, {p.TokensPerSecond:N0} tokens/s"));
            var members = await SuiteTrainer.RunAsync(definition, parse.GetValue(corpus)!, parse.GetValue(tokenizer)!, parse.GetValue(output)!,
                threadCount > 0 ? threadCount : -1, progress, cancellation,
                onlySizes: parse.GetValue(only) is { Length: > 0 } names ? names : null);
            var finals = members.Select(member => member.Result.Checkpoints[member.Result.Checkpoints.Keys.Max()]).ToArray();
            reporter.Result(new { Command = "train-lm", FinalCheckpoints = finals }, () =>
            {
                foreach (var final in finals) parse.Out().WriteLine(final);
            });
            return 0;
        });
        return command;
    }
}
