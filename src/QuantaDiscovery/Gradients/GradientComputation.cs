using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using QuantaDiscovery.Common;
using QuantaDiscovery.Models;
using QuantaDiscovery.Select;
using QuantaDiscovery.Tokenize;
using TorchSharp;

namespace QuantaDiscovery.Gradients;

/// <summary>Settings of <see cref="GradientComputation.RunAsync"/>.</summary>
public sealed record GradientOptions
{
    /// <summary>"paper" (no layer norms, no embeddings; Michaud et al. 2023) or "all".</summary>
    public string Parameters { get; init; } = "paper";

    /// <summary>k of a <see cref="SparseRandomProjection"/>, or the budget of a <see cref="FactoredProjection"/>; null: exact gradients (d columns).</summary>
    public int? Projection { get; init; }

    /// <summary>How <see cref="Projection"/> projects: the flat sparse projection or the factored (LoGra-style) one.</summary>
    public ProjectionMethod Method { get; init; } = ProjectionMethod.Sparse;

    /// <summary>Density s of the projection; null: Li et al.'s 1/√d.</summary>
    public double? Density { get; init; }

    public int Seed { get; init; }

    /// <summary>Documents are cut to their first this many tokens, as for the loss table; null: as <c>quanta losses</c> defaults (<see cref="TokenContext.Resolve"/>).</summary>
    public int? Context { get; init; }

    /// <summary>Rows between durable progress records: a killed run resumes from the last one (<see cref="StreamedRowFile"/>).</summary>
    public int ResumeBlockRows { get; init; } = 1024;

    /// <summary>Parses <c>--projection</c>: "none", "k" or "sparse:k" (sparse random projection), "factored:B" (factored, budget B).</summary>
    public static (int? Projection, ProjectionMethod Method) ParseProjection(string text)
    {
        if (text == "none") return (null, ProjectionMethod.Sparse);
        var (method, number) = text.Split(':') switch
        {
            [var k] => (ProjectionMethod.Sparse, k),
            ["sparse", var k] => (ProjectionMethod.Sparse, k),
            ["factored", var k] => (ProjectionMethod.Factored, k),
            _ => (ProjectionMethod.Sparse, ""),
        };
        if (!int.TryParse(number, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int value) || value < 1)
            throw new InputException($"projection must be none, k, sparse:k or factored:B with a positive integer, not '{text}'");
        return (value, method);
    }
}

/// <summary>How a gradient is projected to fewer columns.</summary>
public enum ProjectionMethod
{
    /// <summary>A <see cref="SparseRandomProjection"/> of the flat gradient.</summary>
    Sparse,

    /// <summary>A <see cref="FactoredProjection"/>: per linear layer, the input activations and output gradients projected apart.</summary>
    Factored,
}

/// <summary>Progress after each document.</summary>
public sealed record GradientProgress(int Tokens, int TotalTokens, TimeSpan Elapsed)
{
    public double TokensPerSecond => Elapsed.TotalSeconds > 0 ? Tokens / Elapsed.TotalSeconds : 0;
    public TimeSpan? Remaining => Tokens > 0 ? TimeSpan.FromSeconds(Elapsed.TotalSeconds * (TotalTokens - Tokens) / Tokens) : null;
}

/// <summary>What <see cref="GradientComputation.RunAsync"/> wrote: gradients.npy float32 [n, d or k] and gradients.json.</summary>
public sealed record GradientResult(string GradientsPath, string SettingsPath, int Samples, long Dimension, int Columns,
    long ForwardPasses, long BackwardPasses, double Seconds);

/// <summary>
/// Per-token gradients of the samples chosen by <c>quanta select</c>: row i of gradients.npy is sample i's gradient
/// (exact, d columns, or projected to k). Rows are written to the .npy file as they are computed, so memory holds one
/// document's graph and one row however large n·d is; open the result with <c>numpy.load(path, mmap_mode="r")</c>.
/// </summary>
public static class GradientComputation
{
    public const string GradientsFileName = "gradients.npy";
    public const string SettingsFileName = "gradients.json";

    public static async Task<GradientResult> RunAsync(string modelDirectory, string corpusPath, string samplesPath, string outputDirectory,
        GradientOptions? options = null, IProgress<GradientProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= new GradientOptions();
        var filter = ParameterFilter.Parse(options.Parameters);
        if (options.Projection is < 1) throw InputException.Invalid(nameof(options), options.Projection, "projection k must be positive");
        var folder = ModelFolder.Open(modelDirectory);
        int context = TokenContext.Resolve(options.Context, [(folder.Config.MaxPositionEmbeddings, folder.ConfigPath)]);
        var tokenizer = ByteLevelBpeTokenizer.Load(folder.TokenizerPath);
        folder.ValidateVocabulary(tokenizer.VocabularySize);
        var samples = await SampleTable.ReadAsync(samplesPath, cancellationToken);
        if (samples.Count == 0) throw new InputException("no samples", samplesPath);
        var documents = await DocumentPrefixes.LoadAsync(corpusPath, tokenizer, context, samples.Select(s => s.Doc).ToHashSet(), cancellationToken);
        foreach (var s in samples) DocumentPrefixes.Verify(documents, s.Doc, s.Pos, s.Token, samplesPath, corpusPath);

        using var model = CausalLanguageModel.Load(folder);
        var gradients = new TokenGradients(model, filter);
        var projection = options.Projection is int k && options.Method == ProjectionMethod.Sparse
            ? new SparseRandomProjection(gradients.BlockSizes, k, (ulong)options.Seed, options.Density) : null;
        using var factored = options.Projection is int budget && options.Method == ProjectionMethod.Factored
            ? new FactoredGradients(model, filter, budget, (ulong)options.Seed) : null;
        int columns = factored?.OutputDimension ?? projection?.OutputDimension ?? checked((int)gradients.Dimension);
        var engine = factored?.Gradients ?? gradients;

        Directory.CreateDirectory(outputDirectory);
        var gradientsPath = Path.Combine(outputDirectory, GradientsFileName);
        var stopwatch = Stopwatch.StartNew();
        var documentGroups = samples.GroupBy(s => s.Doc).Select(g => g.ToList()).ToList();
        int resumedRows;
        using (var output = new StreamedRowFile(gradientsPath, samples.Count, columns,
            Fingerprint(folder, corpusPath, samplesPath, filter, options)))
        {
            int done = resumedRows = output.ResumedRows, sinceCommit = 0;
            var row = new float[columns];
            for (int group = output.ResumedUnits; group < documentGroups.Count; group++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var targets = documentGroups[group];
                var tokens = documents[targets[0].Doc];
                int[] positions = [.. targets.Select(s => s.Pos)];
                if (factored is not null)
                    factored.ForDocument(tokens, positions, (t, values) => output.Write(targets[t].Sample, values));
                else
                    gradients.ForDocument(tokens, positions, (t, blocks) =>
                    {
                        if (projection is null)
                            TokenGradients.CopyTo(blocks, row);
                        else
                        {
                            Array.Clear(row);
                            for (int b = 0; b < blocks.Count; b++) projection.Accumulate(b, TokenGradients.Values(blocks[b]), row);
                        }
                        output.Write(targets[t].Sample, row);
                    });
                done += targets.Count;
                sinceCommit += targets.Count;
                if (sinceCommit >= options.ResumeBlockRows)
                {
                    output.Commit(group + 1, done);
                    sinceCommit = 0;
                }
                progress?.Report(new GradientProgress(done, samples.Count, stopwatch.Elapsed));
            }
            output.Complete();
        }
        double seconds = stopwatch.Elapsed.TotalSeconds;

        var settingsPath = Path.Combine(outputDirectory, SettingsFileName);
        var settings = new Dictionary<string, object?>
        {
            ["model"] = folder.Directory,
            ["samples_file"] = RecordedPath.Of(samplesPath, outputDirectory),
            ["parameter_filter"] = filter.Name,
            ["parameters"] = gradients.Parameters.Select(p => p.Name).ToArray(),
            ["dimension"] = gradients.Dimension,
            ["projection"] = factored is not null ? "factored" : projection is null ? "none" : "sparse_random",
            ["projection_k"] = factored?.OutputDimension ?? projection?.OutputDimension,
            ["projection_density"] = projection?.Density,
            ["projection_seed"] = projection is null && factored is null ? null : options.Seed,
            ["factored_projection"] = factored?.Projection.Describe(),
            ["columns"] = columns,
            ["n"] = samples.Count,
            ["context"] = context,
            ["seconds"] = seconds,
            ["resumed_from_row"] = resumedRows,
            ["forward_passes"] = engine.ForwardPasses,
            ["backward_passes"] = engine.BackwardPasses,
        };
        File.WriteAllText(settingsPath, JsonSerializer.Serialize(settings, new JsonSerializerOptions { WriteIndented = true }));
        return new GradientResult(gradientsPath, settingsPath, samples.Count, gradients.Dimension, columns,
            engine.ForwardPasses, engine.BackwardPasses, seconds);
    }

    /// <summary>d, the gradient's length before any projection, as gradients.json in <paramref name="folder"/> records it.</summary>
    public static long ReadDimension(string folder)
    {
        var path = Path.Combine(folder, SettingsFileName);
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        return json.RootElement.TryGetProperty("dimension", out var dimension) && dimension.TryGetInt64(out long d)
            ? d : throw new InputException("no whole-number 'dimension': not a gradients.json of `quanta gradients`", path);
    }

    /// <summary>What a resumed run must share with the one it continues: model, corpus, samples and every setting that changes a row.</summary>
    private static string Fingerprint(ModelFolder folder, string corpusPath, string samplesPath, ParameterFilter filter, GradientOptions options)
    {
        var text = new System.Text.StringBuilder();
        text.Append(File.ReadAllText(folder.ConfigPath));
        foreach (var file in Directory.GetFiles(folder.Directory, "*.safetensors").Order(StringComparer.Ordinal))
            text.Append($"|{Path.GetFileName(file)}:{new FileInfo(file).Length}:{File.GetLastWriteTimeUtc(file).Ticks}");
        var corpus = new FileInfo(corpusPath);
        text.Append($"|corpus:{corpus.Length}:{corpus.LastWriteTimeUtc.Ticks}");
        text.Append($"|samples:{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(samplesPath)))}");
        text.Append($"|{filter.Name}|{options.Projection}|{options.Method}|{options.Density}|{options.Seed}|{options.Context}");
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToString())));
    }

}
