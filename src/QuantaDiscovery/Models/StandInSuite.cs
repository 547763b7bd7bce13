using System.Globalization;
using System.Text.Json;
using QuantaDiscovery.Common;
using QuantaDiscovery.Corpus;
using QuantaDiscovery.Models.GptNeoX;

namespace QuantaDiscovery.Models;

/// <summary>Where the stand-in checkpoints go: plain folders (models/pythia/&lt;name&gt;/step&lt;N&gt;) or a hub cache.</summary>
public enum StandInLayout { Plain, Hub }

/// <param name="Suffix">the suite: "-v0" (the paper's), "" (current), "-deduped", "-deduped-v0"</param>
/// <param name="Steps">checkpoint steps written for every size (the real suites: 1000, 2000, …, 143000)</param>
/// <param name="Documents">documents copied from the source corpus into data/pile/test.jsonl.zst</param>
public sealed record StandInOptions
{
    public string Suffix { get; init; } = "-v0";
    public IReadOnlyList<long> Steps { get; init; } = [.. Enumerable.Range(1, 143).Select(i => 1000L * i)];
    public int Documents { get; init; } = 24;
    public StandInLayout Layout { get; init; } = StandInLayout.Plain;
    public int Seed { get; init; }
}

/// <summary>
/// A stand-in for the Pythia suite, to rehearse <c>pipelines/pythia.yaml</c> without the real checkpoints: the real
/// suite's names and layout (<c>models/pythia/pythia-70m-v0/step143000/</c>, or a hub cache
/// <c>models/hub/models--EleutherAI--pythia-70m-v0/{refs,snapshots,blobs}</c>) and step folders, each holding a tiny random
/// GPT-NeoX model (<see cref="RandomModel"/>; sizes grow in MLP width so that non-embedding parameters increase in the
/// suite's order) with a small tokenizer, and <c>data/pile/test.jsonl.zst</c>: the first documents of a Pile-format corpus.
/// </summary>
public static class StandInSuite
{
    /// <summary>The sizes of the suite in the current naming (the paper's pre-rename names: 19m, 125m, 350m, 800m, 1.3b, 2.7b, 6.7b).</summary>
    public static IReadOnlyList<string> Sizes { get; } = ["70m", "160m", "410m", "1b", "1.4b", "2.8b", "6.9b"];

    public const string ModelsFolder = "models/pythia", HubFolder = "models/hub", CorpusPath = "data/pile/test.jsonl.zst";

    public static async Task<IReadOnlyList<string>> CreateAsync(string root, string tokenizerPath, string sourceCorpus, StandInOptions options)
    {
        if (!File.Exists(tokenizerPath)) throw new InputException("tokenizer not found", tokenizerPath);
        if (options.Steps.Count == 0) throw new InputException("no checkpoint steps given");
        int vocabulary = Tokenize.ByteLevelBpeTokenizer.Load(tokenizerPath).VocabularySize;
        var written = new List<string>();
        for (int s = 0; s < Sizes.Count; s++)
        {
            var config = new GptNeoXConfig
            {
                HiddenSize = 16, NumHiddenLayers = 1, NumAttentionHeads = 2, IntermediateSize = 8 * (s + 1),
                VocabSize = vocabulary, MaxPositionEmbeddings = 1024,
            };
            var name = $"pythia-{Sizes[s]}{options.Suffix}";
            foreach (var step in options.Steps)
            {
                var revision = string.Create(CultureInfo.InvariantCulture, $"step{step}");
                var seed = HashCode.Combine(options.Seed, s, step);
                written.Add(options.Layout == StandInLayout.Plain
                    ? WritePlain(Path.Combine(root, ModelsFolder, name, revision), config, tokenizerPath, seed)
                    : WriteHub(Path.Combine(root, HubFolder, $"models--EleutherAI--{name}"), revision, config, tokenizerPath, seed));
            }
        }
        await WriteCorpusAsync(sourceCorpus, Path.Combine(root, CorpusPath), options.Documents);
        return written;
    }

    private static string WritePlain(string folder, GptNeoXConfig config, string tokenizerPath, int seed)
    {
        RandomModel.Create(folder, config, seed);
        File.Copy(tokenizerPath, Path.Combine(folder, ModelFolder.TokenizerFileName), overwrite: true);
        return folder;
    }

    /// <summary>One revision of a hub cache: files written as blobs named by their sha256 (every file here, as if all were LFS), linked from the snapshot.</summary>
    private static string WriteHub(string repository, string revision, GptNeoXConfig config, string tokenizerPath, int seed)
    {
        var staging = Path.Combine(repository, ".staging-" + revision);
        RandomModel.Create(staging, config, seed);
        File.Copy(tokenizerPath, Path.Combine(staging, ModelFolder.TokenizerFileName), overwrite: true);
        var commit = Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(repository + revision)));
        var snapshot = Path.Combine(repository, "snapshots", commit);
        Directory.CreateDirectory(snapshot);
        Directory.CreateDirectory(Path.Combine(repository, "blobs"));
        foreach (var file in Directory.GetFiles(staging))
        {
            var sha = WeightChecksums.Hash(file);
            var blob = Path.Combine(repository, "blobs", sha);
            if (!File.Exists(blob)) File.Move(file, blob);
            var link = Path.Combine(snapshot, Path.GetFileName(file));
            if (File.Exists(link)) File.Delete(link);
            File.CreateSymbolicLink(link, Path.Combine("..", "..", "blobs", sha));
        }
        Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(Path.Combine(repository, "refs"));
        var reference = Path.Combine(repository, "refs", revision);
        File.WriteAllText(reference, commit);
        return reference;
    }

    private static async Task WriteCorpusAsync(string source, string target, int documents)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        using var output = File.Create(target);
        using var zstd = new ZstdSharp.CompressionStream(output, level: 3);
        using var writer = new StreamWriter(zstd, new System.Text.UTF8Encoding(false));
        int count = 0;
        await foreach (var document in CorpusReader.ReadAsync(source, new CorpusReadOptions { MaxDocuments = documents }))
        {
            writer.Write(JsonSerializer.Serialize(new { text = document.Text, meta = new { pile_set_name = document.SetName ?? "unknown" } }));
            writer.Write('\n');
            count++;
        }
        if (count == 0) throw new InputException("the source corpus holds no documents", source);
    }
}
