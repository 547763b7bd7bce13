using System.CommandLine;
using QuantaDiscovery.Models;

namespace QuantaDiscovery.Cli.Commands;

/// <summary>`quanta standins`: a stand-in tree for pipelines/pythia.yaml (the real suite's names and layout, tiny random models).</summary>
internal static class StandInsCommand
{
    public static Command Create()
    {
        var output = SettingOptions.From<string>(StandInSettings.Output);
        var suite = SettingOptions.From<string>(StandInSettings.Suite);
        var steps = SettingOptions.From<string>(StandInSettings.Steps);
        var documents = SettingOptions.From<int>(StandInSettings.Documents);
        var tokenizer = SettingOptions.From<string>(StandInSettings.Tokenizer);
        var corpus = SettingOptions.From<string>(StandInSettings.Corpus);
        var hub = SettingOptions.From<bool>(StandInSettings.Hub);
        var command = new Command("standins",
            "Build a stand-in Pythia tree (real names, layout and step folders; tiny random GPT-NeoX models) and a small Pile-format corpus")
            .With(output, suite, steps, documents, tokenizer, corpus, hub);
        command.SetAction(async (parse, cancellation) =>
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
            var written = await StandInSuite.CreateAsync(parse.GetValue(output)!, parse.GetValue(tokenizer)!, parse.GetValue(corpus)!, options);
            Console.WriteLine($"{written.Count} stand-in checkpoints and {StandInSuite.CorpusPath} under {parse.GetValue(output)}");
            return 0;
        });
        return command;
    }

    private static long[] ParseSteps(string text) => Common.NumericRange.TryParse(text, out var steps)
        ? steps
        : throw new Common.InputException($"--steps {text}: expected first..last[..every] with first ≤ last (e.g. 1000..143000..1000)");
}
