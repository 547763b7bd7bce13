using System.CommandLine;
using System.Text.Json;
using QuantaDiscovery.Common;
using QuantaDiscovery.Corpus;

namespace QuantaDiscovery.Cli.Commands;

/// <summary>`quanta math-questions`: DM-Mathematics-style question–answer documents for the mini-Pile.</summary>
internal static class MathQuestionsCommand
{
    public static Command Create()
    {
        var documents = SettingOptions.From<int>(MathQuestionsSettings.Documents);
        var pairs = SettingOptions.From<int>(MathQuestionsSettings.Pairs);
        var seed = SettingOptions.From<int>(MathQuestionsSettings.Seed);
        var output = SettingOptions.From<string>(MathQuestionsSettings.Output);
        var command = new Command("math-questions",
            "Write DM-Mathematics-style documents (Saxton et al. 2019): runs of generated questions and exact answers").With(documents, pairs, seed, output);
        command.SetAction(parse =>
        {
            var count = parse.GetValue(documents);
            var perDocument = parse.GetValue(pairs);
            if (count < 1) throw new InputException($"--documents must be at least 1 (got {count})");
            if (perDocument < 1) throw new InputException($"--pairs must be at least 1 (got {perDocument})");
            var path = parse.GetValue(output)!;
            var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
            if (!Directory.Exists(folder)) throw new InputException("the output folder does not exist", folder);
            var generator = new MathQuestions(parse.GetValue(seed));
            var partial = path + ".partial";
            using (var writer = new StreamWriter(partial))
            {
                for (var i = 0; i < count; i++)
                    writer.Write(JsonSerializer.Serialize(new { text = generator.Document(perDocument) }) + "\n");
            }
            File.Move(partial, path, overwrite: true);
            parse.Out().WriteLine($"{path}: {count} documents of {perDocument} question-answer pairs");
            return 0;
        });
        return command;
    }
}
