using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using QuantaDiscovery.Common;
using QuantaDiscovery.Models;
using QuantaDiscovery.Select;
using QuantaDiscovery.Tokenize;
using TorchSharp;

namespace QuantaDiscovery.Gradients;

/// <summary>Settings of <see cref="GradientComputation.Run"/>.</summary>
public sealed record GradientOptions
{
    /// <summary>"paper" (no layer norms, no embeddings; Michaud et al. 2023) or "all".</summary>
    public string Parameters { get; init; } = "paper";

    /// <summary>k of a <see cref="SparseRandomProjection"/>; null: exact gradients (d columns).</summary>
    public int? Projection { get; init; }

    /// <summary>Density s of the projection; null: Li et al.'s 1/√d.</summary>
    public double? Density { get; init; }

    public int Seed { get; init; }

    /// <summary>Documents are cut to their first this many tokens, as for the loss table; null: as <c>quanta losses</c> defaults (<see cref="TokenContext.Resolve"/>).</summary>
    public int? Context { get; init; }
}

/// <summary>Progress after each document.</summary>
public sealed record GradientProgress(int Tokens, int TotalTokens, TimeSpan Elapsed)
{
    public double TokensPerSecond => Elapsed.TotalSeconds > 0 ? Tokens / Elapsed.TotalSeconds : 0;
    public TimeSpan? Remaining => Tokens > 0 ? TimeSpan.FromSeconds(Elapsed.TotalSeconds * (TotalTokens - Tokens) / Tokens) : null;
}

/// <summary>What <see cref="GradientComputation.Run"/> wrote: gradients.npy float32 [n, d or k] and gradients.json.</summary>
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

    public static GradientResult Run(string modelDirectory, string corpusPath, string samplesPath, string outputDirectory,
        GradientOptions? options = null, IProgress<GradientProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= new GradientOptions();
        var filter = ParameterFilter.Parse(options.Parameters);
        if (options.Projection is < 1) throw InputException.Invalid(nameof(options), options.Projection, "projection k must be positive");
        var folder = ModelFolder.Open(modelDirectory);
        int context = TokenContext.Resolve(options.Context, [(folder.Config.MaxPositionEmbeddings, folder.ConfigPath)]);
        var tokenizer = ByteLevelBpeTokenizer.Load(folder.TokenizerPath);
        folder.ValidateVocabulary(tokenizer.VocabularySize);
        var samples = SampleTable.Read(samplesPath);
        if (samples.Count == 0) throw new InputException("no samples", samplesPath);
        var documents = DocumentPrefixes.Load(corpusPath, tokenizer, context, samples.Select(s => s.Doc).ToHashSet(), cancellationToken);
        foreach (var s in samples) DocumentPrefixes.Verify(documents, s.Doc, s.Pos, s.Token, samplesPath, corpusPath);

        using var model = CausalLanguageModel.Load(folder);
        var gradients = new TokenGradients(model, filter);
        var projection = options.Projection is int k
            ? new SparseRandomProjection(gradients.BlockSizes, k, (ulong)options.Seed, options.Density) : null;
        int columns = projection?.OutputDimension ?? checked((int)gradients.Dimension);

        Directory.CreateDirectory(outputDirectory);
        var gradientsPath = Path.Combine(outputDirectory, GradientsFileName);
        var stopwatch = Stopwatch.StartNew();
        int done = 0;
        using var published = new PublishedFile(gradientsPath);
        using (var output = new NpyRowWriter(published.TemporaryPath, samples.Count, columns))
        {
            var row = new float[columns];
            foreach (var document in samples.GroupBy(s => s.Doc))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var targets = document.ToList();
                gradients.ForDocument(documents[document.Key], [.. targets.Select(s => s.Pos)], (t, blocks) =>
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
                progress?.Report(new GradientProgress(done, samples.Count, stopwatch.Elapsed));
            }
        }
        published.Complete();
        double seconds = stopwatch.Elapsed.TotalSeconds;

        var settingsPath = Path.Combine(outputDirectory, SettingsFileName);
        var settings = new Dictionary<string, object?>
        {
            ["model"] = folder.Directory,
            ["samples_file"] = RecordedPath.Of(samplesPath, outputDirectory),
            ["parameter_filter"] = filter.Name,
            ["parameters"] = gradients.Parameters.Select(p => p.Name).ToArray(),
            ["dimension"] = gradients.Dimension,
            ["projection"] = projection is null ? "none" : "sparse_random",
            ["projection_k"] = projection?.OutputDimension,
            ["projection_density"] = projection?.Density,
            ["projection_seed"] = projection is null ? null : options.Seed,
            ["columns"] = columns,
            ["n"] = samples.Count,
            ["context"] = context,
            ["seconds"] = seconds,
            ["forward_passes"] = gradients.ForwardPasses,
            ["backward_passes"] = gradients.BackwardPasses,
        };
        File.WriteAllText(settingsPath, JsonSerializer.Serialize(settings, new JsonSerializerOptions { WriteIndented = true }));
        return new GradientResult(gradientsPath, settingsPath, samples.Count, gradients.Dimension, columns,
            gradients.ForwardPasses, gradients.BackwardPasses, seconds);
    }

    /// <summary>A float32 [rows, columns] .npy whose rows are written in any order as they become available.</summary>
    private sealed class NpyRowWriter : IDisposable
    {
        private readonly FileStream _file;
        private readonly long _dataOffset;
        private readonly int _columns;

        public NpyRowWriter(string path, int rows, int columns)
        {
            _file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
            Npy.WriteHeader(_file, Npy.DescriptorOf<float>(), rows, columns);
            _dataOffset = _file.Position;
            _columns = columns;
            _file.SetLength(_dataOffset + (long)rows * columns * sizeof(float));
        }

        public void Write(int row, ReadOnlySpan<float> values) =>
            RandomAccess.Write(_file.SafeFileHandle, MemoryMarshal.AsBytes(values), _dataOffset + (long)row * _columns * sizeof(float));

        public void Dispose() => _file.Dispose();
    }
}
