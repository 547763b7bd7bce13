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
        var documents = new Option<int>("--documents") { Description = "documents to write", DefaultValueFactory = _ => 20_000 };
        var pairs = new Option<int>("--pairs") { Description = "question–answer pairs per document", DefaultValueFactory = _ => 40 };
        var seed = new Option<int>("--seed") { Description = "random seed (the output is the same for a seed)", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--output") { Description = "JSON lines file to write ({\"text\": ...} per line)", Required = true };
        var command = new Command("math-questions",
            "Write DM-Mathematics-style documents (Saxton et al. 2019): runs of generated questions and exact answers")
        { documents, pairs, seed, output };
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
            Console.WriteLine($"{path}: {count} documents of {perDocument} question-answer pairs");
            return 0;
        });
        return command;
    }
}
