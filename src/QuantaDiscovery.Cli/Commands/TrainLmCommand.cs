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
        var corpus = new Option<string>("--corpus") { Description = "training corpus (.jsonl, .jsonl.zst, .jsonl.gz or .parquet)", Required = true };
        var tokenizer = new Option<string>("--tokenizer") { Description = "byte-level BPE tokenizer.json (copied into every checkpoint)", Required = true };
        var output = new Option<string>("--output") { Description = "output folder: <name>/step<N>/ checkpoints, tokens.npy, models.csv", Required = true };
        var suite = new Option<string?>("--suite") { Description = "suite.json listing sizes and the shared schedule; replaces the size and schedule options" };
        var family = new Option<string>("--family")
        {
            Description = $"model family (HF model_type: {string.Join(", ", ModelFamilies.All.Select(f => f.ModelType))}) of the size given by --layers/--d-model/--heads; a suite.json names it in \"family\"",
            DefaultValueFactory = _ => ModelFamilies.Default.ModelType,
        };
        var layers = new Option<int?>("--layers") { Description = "transformer layers" };
        var dModel = new Option<int?>("--d-model") { Description = "hidden size (GPT-NeoX: MLP 4×; Llama: SwiGLU 8/3×)" };
        var heads = new Option<int?>("--heads") { Description = "attention heads" };
        var context = new Option<int>("--context") { Description = "tokens per training sequence", DefaultValueFactory = _ => 256 };
        var batchSize = new Option<int>("--batch-size") { Description = "sequences per update", DefaultValueFactory = _ => 16 };
        var steps = new Option<int>("--steps") { Description = "optimizer updates", DefaultValueFactory = _ => 1000 };
        var lr = new Option<double>("--lr") { Description = "peak learning rate (cosine decay to 0.1×)", DefaultValueFactory = _ => 1e-3 };
        var warmup = new Option<int?>("--warmup") { Description = "linear warmup updates (default 1% of --steps)" };
        var checkpoints = new Option<string>("--checkpoints") { Description = "'pythia' (0, powers of two, then 10 evenly spaced) or a list like 0,100,200", DefaultValueFactory = _ => "pythia" };
        var seed = new Option<int>("--seed") { Description = "seed of the initial weights and of the sequence order", DefaultValueFactory = _ => 0 };
        var threads = new Option<int>("--threads") { Description = "torch intra-op threads (0: libtorch's default)", DefaultValueFactory = _ => 0 };
        var dtype = new Option<string>("--dtype-save") { Description = "checkpoint weights: f32 or f16 (the resume state is always f32)", DefaultValueFactory = _ => "f32" };
        dtype.AcceptOnlyFromAmong("f16", "f32");
        var only = new Option<string[]>("--only") { Description = "with --suite: train only these sizes (names such as pico-3k), e.g. to train sizes in parallel processes", AllowMultipleArgumentsPerToken = true };
        var command = new Command("train-lm",
            "Train GPT-NeoX or Llama language models from scratch (Pythia's recipe: AdamW, warmup + cosine, one shared token order), " +
            "saving Hugging Face checkpoint folders at Pythia-like steps")
        {
            corpus, tokenizer, output, suite, family, layers, dModel, heads, context, batchSize, steps, lr, warmup, checkpoints, seed, threads, dtype, only,
        };
        ProgressReporter.AddOptions(command);
        command.SetAction(parse =>
        {
            ModelSuiteDefinition definition;
            if (parse.GetValue(suite) is { } suitePath)
                definition = ModelSuiteDefinition.Load(suitePath);
            else
            {
                if (parse.GetValue(layers) is not int l || parse.GetValue(dModel) is not int d || parse.GetValue(heads) is not int h)
                {
                    Console.Error.WriteLine("error: give --layers, --d-model and --heads, or --suite");
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
            if (threadCount > 0) TorchSharp.torch.set_num_threads(threadCount);

            var reporter = ProgressReporter.For(parse, Console.Error, Console.Out, !Console.IsErrorRedirected);
            var progress = reporter.For<TrainingProgress>(p => new(p.Run, p.TotalSteps > 0 ? (double)p.Step / p.TotalSteps : null,
                $"step {p.Step:N0}/{p.TotalSteps:N0}, loss {p.Loss:F3}, lr {p.LearningRate:G3}, {p.TokensPerSecond:N0} tokens/s"));
            var members = SuiteTrainer.Run(definition, parse.GetValue(corpus)!, parse.GetValue(tokenizer)!, parse.GetValue(output)!,
                threadCount > 0 ? threadCount : -1, progress,
                onlySizes: parse.GetValue(only) is { Length: > 0 } names ? names : null);
            var finals = members.Select(member => member.Result.Checkpoints[member.Result.Checkpoints.Keys.Max()]).ToArray();
            reporter.Result(new { Command = "train-lm", FinalCheckpoints = finals }, () =>
            {
                foreach (var final in finals) Console.WriteLine(final);
            });
            return 0;
        });
        return command;
    }
}
