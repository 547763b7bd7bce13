using System.CommandLine;
using QuantaDiscovery.Models;

namespace QuantaDiscovery.Cli.Commands;

/// <summary>`quanta standins`: a stand-in tree for pipelines/pythia.yaml (the real suite's names and layout, tiny random models).</summary>
internal static class StandInsCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--output") { Description = "root of the stand-in tree (then: quanta run pipelines/pythia.yaml --root <it>)", Required = true };
        var suite = new Option<string>("--suite") { Description = "v0 (the paper's), current, deduped or deduped-v0", DefaultValueFactory = _ => "v0" };
        var steps = new Option<string>("--steps") { Description = "first..last..every checkpoint steps", DefaultValueFactory = _ => "1000..143000..1000" };
        var documents = new Option<int>("--documents") { Description = "documents copied from --corpus", DefaultValueFactory = _ => 24 };
        var tokenizer = new Option<string>("--tokenizer") { Description = "a small tokenizer.json for the tiny models", DefaultValueFactory = _ => "models/pico/tokenizer.json" };
        var corpus = new Option<string>("--corpus") { Description = "Pile-format corpus to copy documents from", DefaultValueFactory = _ => "data/mini-pile/test.jsonl.zst" };
        var hub = new Option<bool>("--hub") { Description = "write a Hugging Face hub cache (models/hub/models--EleutherAI--…) instead of plain folders" };
        var command = new Command("standins",
            "Build a stand-in Pythia tree (real names, layout and step folders; tiny random GPT-NeoX models) and a small Pile-format corpus")
        { output, suite, steps, documents, tokenizer, corpus, hub };
        command.SetAction(parse =>
        {
            var suffix = parse.GetValue(suite) switch
            {
                "v0" => "-v0", "current" => "", "deduped" => "-deduped", "deduped-v0" => "-deduped-v0",
                var other => throw new Common.InputException($"--suite {other}: expected v0, current, deduped or deduped-v0"),
            };
            var options = new StandInOptions
            {
                Suffix = suffix, Steps = ParseSteps(parse.GetValue(steps)!), Documents = parse.GetValue(documents),
                Layout = parse.GetValue(hub) ? StandInLayout.Hub : StandInLayout.Plain,
            };
            var written = StandInSuite.Create(parse.GetValue(output)!, parse.GetValue(tokenizer)!, parse.GetValue(corpus)!, options);
            Console.WriteLine($"{written.Count} stand-in checkpoints and {StandInSuite.CorpusPath} under {parse.GetValue(output)}");
            return 0;
        });
        return command;
    }

    private static long[] ParseSteps(string text) => Common.NumericRange.TryParse(text, out var steps)
        ? steps
        : throw new Common.InputException($"--steps {text}: expected first..last[..every] with first ≤ last (e.g. 1000..143000..1000)");
}
