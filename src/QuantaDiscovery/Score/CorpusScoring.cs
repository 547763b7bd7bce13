using QuantaDiscovery.Common;
using System.Diagnostics;
using System.Globalization;
using QuantaDiscovery.Corpus;
using QuantaDiscovery.Models;
using QuantaDiscovery.Tables;
using QuantaDiscovery.Tokenize;

namespace QuantaDiscovery.Score;

/// <summary>Settings of <see cref="CorpusScoring.RunAsync"/>.</summary>
public sealed record CorpusScoringOptions
{
    /// <summary>Each document is cut to its first <see cref="Context"/> tokens; null: see <see cref="TokenContext.Resolve"/> (the paper: 1024).</summary>
    public int? Context { get; init; }

    /// <summary>Only the corpus's first N documents are read.</summary>
    public long? MaxDocuments { get; init; }

    /// <summary>
    /// The first N documents read are passed over unscored; with <see cref="MaxDocuments"/> this scores the contiguous
    /// block [SkipDocuments, MaxDocuments) of the documents (a shard).
    /// </summary>
    public long SkipDocuments { get; init; }
    public bool SkipBadLines { get; init; }

    /// <summary>
    /// Names of the models (their tables and loss-matrix columns); default <see cref="CorpusScoring.ModelNames"/> of the
    /// folders. A shard scoring part of a suite passes its models' names within the whole suite.
    /// </summary>
    public IReadOnlyList<string>? ModelNames { get; init; }

    /// <summary>The tokenizer.json to encode with; default: the first model folder's.</summary>
    public string? TokenizerPath { get; init; }

    public OnnxScorerOptions Scorer { get; init; } = new();

    /// <summary>Documents read, tokenized and scored together (the scorer batches within a chunk by length).</summary>
    public int DocumentsPerChunk { get; init; } = 64;
}

/// <summary>Progress of a scoring run, reported after every chunk.</summary>
public sealed record ScoringProgress(long Documents, long PredictedTokens, TimeSpan Elapsed, long? TotalDocuments)
{
    public double TokensPerSecond => Elapsed.TotalSeconds > 0 ? PredictedTokens / Elapsed.TotalSeconds : 0;
}

/// <summary>What <see cref="CorpusScoring.RunAsync"/> wrote.</summary>
/// <param name="ModelTables">per model, its Parquet table (doc, pos, token, loss[, set])</param>
/// <param name="MatrixTable">with several models, the loss matrix as Parquet (one float32 column per model)</param>
/// <param name="MatrixNpy">the same matrix as float32 [tokens, models] .npy, columns in <paramref name="ModelNames"/> order</param>
/// <param name="ModelsCsv">name, params (non-embedding)[, step when every model folder is a step&lt;N&gt; checkpoint], as <c>quanta scaling --params</c> reads it</param>
/// <param name="DocumentsWithoutPredictions">empty and one-token documents: counted, no rows</param>
/// <param name="Context">the context used (the requested one, or the default for these models)</param>
public sealed record CorpusScoringResult(
    int Context,
    IReadOnlyList<string> ModelNames,
    IReadOnlyList<string> ModelTables,
    string? MatrixTable,
    string? MatrixNpy,
    string ModelsCsv,
    long Documents,
    long DocumentsWithoutPredictions,
    long PredictedTokens,
    CorpusReadReport Report)
{
    /// <summary>How each model's batch size was chosen (<see cref="OnnxLossScorer.BatchSizeDescription"/>), one per model.</summary>
    public IReadOnlyList<string> BatchSizes { get; init; } = [];

    /// <summary>The model.onnx files this run exported because a model folder had weights but no model.onnx, one line each.</summary>
    public IReadOnlyList<string> Exported { get; init; } = [];
}

/// <summary>
/// Per-token losses of a suite of models over a Pile-format corpus, by the paper's convention (Michaud et al.
/// 2023, §4): each document tokenized without BOS, cut to its first <c>context</c> tokens, and
/// loss_j = −ln p(x_j | x_&lt;j) in nats recorded for j = 1 … len−1. Every document is tokenized once and scored
/// by every model chunk by chunk, so memory stays flat however large the corpus.
/// </summary>
public static class CorpusScoring
{
    public const string MatrixFileStem = "loss_matrix";

    public static async Task<CorpusScoringResult> RunAsync(IReadOnlyList<string> modelDirectories, string corpusPath, string outputDirectory,
        CorpusScoringOptions? options = null, IProgress<ScoringProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= new CorpusScoringOptions();
        var suite = OpenSuite(modelDirectories, corpusPath, options);
        Directory.CreateDirectory(outputDirectory);
        var tables = new LossTables(outputDirectory, suite.Names);
        var report = new CorpusReadReport();
        var scorers = new List<OnnxLossScorer>();
        var exported = new List<string>();
        IReadOnlyList<string> batchSizes = [];
        try
        {
            var scorerOptions = options.Scorer with { MemoryShare = options.Scorer.MemoryShare / suite.Folders.Count };
            for (int i = 0; i < suite.Folders.Count; i++)
                scorers.Add(new OnnxLossScorer(suite.Folders[i], OnnxFor(suite.Folders[i], suite.Names[i], outputDirectory, exported), scorerOptions));
            var stopwatch = Stopwatch.StartNew();
            await foreach (var chunk in ChunksAsync(corpusPath, options, report, cancellationToken))
            {
                var ids = suite.Tokenizer.EncodeBatch(chunk.Select(d => d.Text).ToList(), 1)
                    .Select(t => t.Length > suite.Context ? t[..suite.Context] : t).ToList();
                await tables.AppendAsync(chunk, ids, scorers.Select(s => s.ScoreBatch(ids)).ToList(), cancellationToken);
                progress?.Report(new ScoringProgress(tables.Documents, tables.PredictedTokens, stopwatch.Elapsed, options.MaxDocuments));
            }
            if (tables.Documents == 0)
                throw new InputException("the corpus holds no documents", corpusPath);
            await tables.CompleteAsync(cancellationToken);
            batchSizes = [.. scorers.Select(s => s.BatchSizeDescription)];
        }
        catch
        {
            await tables.DiscardAsync();
            throw;
        }
        finally
        {
            foreach (var scorer in scorers) scorer.Dispose();
        }

        string? matrixNpy = null;
        if (tables.MatrixPath is { } matrixTable)
            await RowMajorLossMatrix.ExportNpyAsync(matrixTable, matrixNpy = Path.Combine(outputDirectory, MatrixFileStem + ".npy"), suite.Names, cancellationToken);
        // models.csv last: it marks a finished scoring run (quanta scaling reads it beside the tables)
        var modelsCsv = WriteModelsCsv(outputDirectory, modelDirectories, suite);
        return new CorpusScoringResult(suite.Context, suite.Names, tables.ModelTablePaths, tables.MatrixPath, matrixNpy, modelsCsv,
            tables.Documents, tables.DocumentsWithoutPredictions, tables.PredictedTokens, report) { BatchSizes = batchSizes, Exported = exported };
    }

    /// <summary>
    /// The folder's model.onnx, or, when it has weights but no model.onnx (a Hugging Face folder as published, or the pico
    /// suite as shipped), one exported for this run into &lt;output&gt;/onnx/&lt;name&gt;/ (the model folder itself is left untouched).
    /// </summary>
    private static string OnnxFor(ModelFolder folder, string name, string outputDirectory, List<string> exported)
    {
        if (File.Exists(folder.OnnxPath)) return folder.OnnxPath;
        // One folder per model directly under onnx/, named as the model's loss table (pico-100k/step6000 → pico-100k_step6000).
        var target = Path.Combine(outputDirectory, "onnx", FileStem(name), ModelFolder.OnnxFileName);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        Models.Onnx.OnnxExporter.Export(folder, target);
        exported.Add($"{folder.Directory} has no {ModelFolder.OnnxFileName}: exported one to {target}");
        return target;
    }

    /// <summary>The models to score, their names, the tokenizer and the context, each checked against the others.</summary>
    private sealed record Suite(IReadOnlyList<ModelFolder> Folders, IReadOnlyList<string> Names, ByteLevelBpeTokenizer Tokenizer, int Context);

    private static Suite OpenSuite(IReadOnlyList<string> modelDirectories, string corpusPath, CorpusScoringOptions options)
    {
        if (modelDirectories.Count == 0) throw new InputException("at least one model folder is needed");
        CorpusReader.FormatOf(corpusPath);
        var folders = modelDirectories.Select(ModelFolder.Open).ToList();
        var names = options.ModelNames ?? ModelNames(modelDirectories);
        if (names.Count != modelDirectories.Count)
            throw new InputException($"{names.Count} model names given for {modelDirectories.Count} model folders");
        var tokenizer = ByteLevelBpeTokenizer.Load(options.TokenizerPath ?? folders[0].TokenizerPath);
        foreach (var folder in folders) folder.ValidateVocabulary(tokenizer.VocabularySize);
        int context = TokenContext.Resolve(options.Context, [.. folders.Select(f => (f.Config.MaxPositionEmbeddings, f.ConfigPath))]);
        return new Suite(folders, names, tokenizer, context);
    }

    /// <summary>The documents to score (after <see cref="CorpusScoringOptions.SkipDocuments"/>), <see cref="CorpusScoringOptions.DocumentsPerChunk"/> at a time.</summary>
    private static async IAsyncEnumerable<IReadOnlyList<CorpusDocument>> ChunksAsync(string corpusPath, CorpusScoringOptions options, CorpusReadReport report,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var readOptions = new CorpusReadOptions { SkipBadLines = options.SkipBadLines, MaxDocuments = options.MaxDocuments };
        var chunk = new List<CorpusDocument>(options.DocumentsPerChunk);
        long ordinal = 0;
        await foreach (var document in CorpusReader.ReadAsync(corpusPath, readOptions, report, cancellationToken))
        {
            if (ordinal++ < options.SkipDocuments) continue;
            chunk.Add(document);
            if (chunk.Count == options.DocumentsPerChunk)
            {
                yield return chunk;
                chunk = new List<CorpusDocument>(options.DocumentsPerChunk);
            }
        }
        if (chunk.Count > 0) yield return chunk;
    }

    /// <summary>models.csv: name, params (non-embedding) and, when every folder is a step&lt;N&gt; checkpoint, step.</summary>
    private static string WriteModelsCsv(string outputDirectory, IReadOnlyList<string> modelDirectories, Suite suite)
    {
        var path = Path.Combine(outputDirectory, "models.csv");
        var steps = modelDirectories.Select(CheckpointStep).ToList();
        bool withSteps = steps.All(s => s is not null);
        PublishedFile.Write(path, temporary => File.WriteAllLines(temporary, [withSteps ? "name,params,step" : "name,params", .. suite.Folders.Select((f, m) =>
            string.Create(CultureInfo.InvariantCulture, $"{CsvField(suite.Names[m])},{f.Config.NonEmbeddingParameters}{(withSteps ? $",{steps[m]}" : "")}"))]));
        return path;
    }

    /// <summary>
    /// The tables a scoring run writes as it goes: losses/&lt;model&gt;.parquet per model and, with several models,
    /// loss_matrix.parquet; created on the first chunk (whose documents say whether there is a set column), published
    /// by <see cref="CompleteAsync"/>, deleted by <see cref="DiscardAsync"/>.
    /// </summary>
    private sealed class LossTables(string outputDirectory, IReadOnlyList<string> names)
    {
        private readonly List<TokenTableWriter> _models = [];
        private TokenTableWriter? _matrix;
        private readonly float[] _row = new float[names.Count];

        public long Documents { get; private set; }
        public long DocumentsWithoutPredictions { get; private set; }
        public long PredictedTokens { get; private set; }
        public IReadOnlyList<string> ModelTablePaths => [.. _models.Select(w => w.Path)];
        public string? MatrixPath => _matrix?.Path;

        /// <param name="losses">per model, per document, the losses of positions 1 … len−1</param>
        public async Task AppendAsync(IReadOnlyList<CorpusDocument> chunk, IReadOnlyList<int[]> ids, IReadOnlyList<IReadOnlyList<float[]>> losses,
            CancellationToken cancellationToken)
        {
            if (_models.Count == 0) await CreateAsync(hasSet: chunk[0].SetName is not null, cancellationToken);
            for (int d = 0; d < chunk.Count; d++)
            {
                var (doc, tokens, set) = (chunk[d].Index, ids[d], chunk[d].SetName);
                if (tokens.Length < 2) DocumentsWithoutPredictions++;
                for (int j = 1; j < tokens.Length; j++)
                {
                    for (int m = 0; m < names.Count; m++)
                    {
                        _row[m] = losses[m][d][j - 1];
                        _models[m].Append(doc, j, tokens[j], _row[m], set);
                    }
                    _matrix?.Append(doc, j, tokens[j], _row, set);
                }
                PredictedTokens += Math.Max(0, tokens.Length - 1);
            }
            Documents += chunk.Count;
            foreach (var writer in _models) await writer.FlushAsync(cancellationToken);
            if (_matrix is not null) await _matrix.FlushAsync(cancellationToken);
        }

        private async Task CreateAsync(bool hasSet, CancellationToken cancellationToken)
        {
            Directory.CreateDirectory(Path.Combine(outputDirectory, "losses"));
            foreach (var name in names)
                _models.Add(await TokenTableWriter.CreateAsync(
                    Path.Combine(outputDirectory, "losses", FileStem(name) + ".parquet"), TokenTableSchema.SingleModel(hasSet), cancellationToken: cancellationToken));
            if (names.Count > 1)
                _matrix = await TokenTableWriter.CreateAsync(Path.Combine(outputDirectory, MatrixFileStem + ".parquet"), TokenTableSchema.LossMatrix(names, hasSet),
                    cancellationToken: cancellationToken);
        }

        public async Task CompleteAsync(CancellationToken cancellationToken)
        {
            foreach (var writer in _models) await writer.CompleteAsync(cancellationToken);
            if (_matrix is not null) await _matrix.CompleteAsync(cancellationToken);
        }

        public async Task DiscardAsync()
        {
            foreach (var writer in _models) await writer.DiscardAsync();
            if (_matrix is not null) await _matrix.DiscardAsync();
        }
    }

    /// <summary>
    /// The models' names (loss-matrix columns, models.csv rows), one rule whatever else is scored with them: the folder's
    /// name, prefixed by its parent's when the folder is a training checkpoint <c>step&lt;N&gt;</c>
    /// (models/pico/pico-3k/step240 → "pico-3k/step240"; models/pico/pico-3k → "pico-3k"). A hub cache snapshot is named
    /// by its logical path (pythia-70m-v0/step143000). Each model's own table is losses/&lt;<see cref="FileStem"/>&gt;.parquet.
    /// </summary>
    public static IReadOnlyList<string> ModelNames(IReadOnlyList<string> modelDirectories)
    {
        var names = modelDirectories.Select(ModelName).ToList();
        for (int i = 0; i < names.Count; i++)
        {
            int other = names.IndexOf(names[i]);
            if (other != i)
                throw new InputException(SameFolder(modelDirectories[other], modelDirectories[i])
                    ? $"model folder '{names[i]}' is given more than once"
                    : $"two model folders would both be named '{names[i]}' ({modelDirectories[other]} and {modelDirectories[i]}): rename one", modelDirectories[i]);
        }
        return names;
    }

    private static bool SameFolder(string a, string b) =>
        Path.GetFullPath(a).TrimEnd(Path.DirectorySeparatorChar) == Path.GetFullPath(b).TrimEnd(Path.DirectorySeparatorChar);

    /// <inheritdoc cref="ModelNames"/>
    public static string ModelName(string modelDirectory)
    {
        var parts = Path.GetFullPath(HubCache.LogicalPath(modelDirectory)).TrimEnd(Path.DirectorySeparatorChar).Split(Path.DirectorySeparatorChar);
        return CheckpointStep(modelDirectory) is not null && parts.Length >= 2 ? $"{parts[^2]}/{parts[^1]}" : parts[^1];
    }

    /// <summary>A model name as a file name: "/" becomes "_" (pico-3k/step240 → pico-3k_step240).</summary>
    public static string FileStem(string modelName) => modelName.Replace('/', '_');

    /// <summary>
    /// The training step of a checkpoint folder named like Pythia's revisions, <c>step&lt;N&gt;</c> (e.g.
    /// models/pythia/pythia-70m/step143000); null for any other name. models.csv gets a step column when every model has one.
    /// </summary>
    public static long? CheckpointStep(string modelDirectory)
    {
        var name = Path.GetFileName(Path.GetFullPath(HubCache.LogicalPath(modelDirectory)).TrimEnd(Path.DirectorySeparatorChar));
        return name.StartsWith("step", StringComparison.Ordinal) && name.Length > 4 && name[4..].All(char.IsAsciiDigit)
            && long.TryParse(name[4..], NumberStyles.None, CultureInfo.InvariantCulture, out var step) ? step : null;
    }

    private static string CsvField(string value) => value.Contains(',') || value.Contains('"') ? $"\"{value.Replace("\"", "\"\"")}\"" : value;
}
