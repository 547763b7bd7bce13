using System.Globalization;
using QuantaDiscovery.Common;
using QuantaDiscovery.Models;
using QuantaDiscovery.Tokenize;

namespace QuantaDiscovery.Train;

/// <summary>One trained size of a suite.</summary>
public sealed record SuiteMember(string Name, IModelConfig Config, TrainingResult Result);

/// <summary>
/// Trains every size of a <see cref="ModelSuiteDefinition"/> in turn on one token stream and one sequence order,
/// into <c>&lt;output&gt;/&lt;name&gt;/step&lt;N&gt;/</c>; writes <c>&lt;output&gt;/suite.json</c> and <c>&lt;output&gt;/models.csv</c>
/// (name,params,step for every checkpoint, as <c>quanta scaling</c> reads it, names as <c>quanta losses</c> gives them).
/// </summary>
public static class SuiteTrainer
{
    /// <param name="threads">threads to encode the corpus with and libtorch's count for the training (0 or less: all cores to encode, the calling thread's libtorch count to train)</param>
    public static async Task<IReadOnlyList<SuiteMember>> RunAsync(ModelSuiteDefinition suite, string corpusPath, string tokenizerPath, string outputDirectory,
        int threads, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default,
        IReadOnlyCollection<string>? onlySizes = null)
    {
        Directory.CreateDirectory(outputDirectory);
        suite.Save(Path.Combine(outputDirectory, "suite.json"));
        var stream = await TokenStream.LoadOrBuildAsync(corpusPath, tokenizerPath, outputDirectory, threads);
        var batches = new SequenceBatches(stream, suite.Context, suite.BatchSize, suite.Seed);
        int vocabulary = ByteLevelBpeTokenizer.Load(tokenizerPath).VocabularySize;
        var members = new List<SuiteMember>();
        var unknown = onlySizes?.Except(suite.Sizes.Select(suite.Name)).ToList();
        if (unknown is { Count: > 0 })
            throw new InputException($"the suite has no size named {string.Join(", ", unknown)} (it has {string.Join(", ", suite.Sizes.Select(suite.Name))})");
        using var libtorchThreads = TorchThreads.OnThisThread(threads); // the training below runs on this thread
        foreach (var size in suite.Sizes)
        {
            var name = suite.Name(size);
            if (onlySizes is not null && !onlySizes.Contains(name)) continue;
            var config = suite.Config(size, vocabulary);
            var result = LanguageModelTrainer.Train(config, batches, Path.Combine(outputDirectory, name), tokenizerPath,
                suite.Options(size), progress, cancellationToken);
            members.Add(new SuiteMember(name, config, result));
        }
        WriteModelTable(members, Path.Combine(outputDirectory, "models.csv"));
        return members;
    }

    /// <summary>
    /// models.csv: one row per checkpoint folder present, named "&lt;size&gt;/step&lt;N&gt;". Rows of sizes trained by
    /// other processes (<c>--only</c>) that the file already lists are kept, so the file covers the whole suite.
    /// </summary>
    public static void WriteModelTable(IReadOnlyCollection<SuiteMember> members, string path)
    {
        var trained = members.Select(m => m.Name + "/").ToArray();
        var others = File.Exists(path)
            ? File.ReadLines(path).Skip(1).Where(line => line.Length > 0 && !trained.Any(prefix => line.StartsWith(prefix, StringComparison.Ordinal)))
            : [];
        var rows = members.SelectMany(m => m.Result.Checkpoints.Keys.Order()
            .Select(step => string.Create(CultureInfo.InvariantCulture, $"{m.Name}/step{step},{m.Config.NonEmbeddingParameters},{step}")));
        File.WriteAllLines(path, ["name,params,step", .. others, .. rows]);
    }
}
