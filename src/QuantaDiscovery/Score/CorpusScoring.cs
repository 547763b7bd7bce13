using QuantaDiscovery.Common;
using System.Diagnostics;
using System.Globalization;
using QuantaDiscovery.Corpus;
using QuantaDiscovery.Models;
using QuantaDiscovery.Tables;
using QuantaDiscovery.Tokenize;

namespace QuantaDiscovery.Score;

/// <summary>Settings of <see cref="CorpusScoring.Run"/>.</summary>
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

/// <summary>What <see cref="CorpusScoring.Run"/> wrote.</summary>
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

    public static CorpusScoringResult Run(IReadOnlyList<string> modelDirectories, string corpusPath, string outputDirectory,
        CorpusScoringOptions? options = null, IProgress<ScoringProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= new CorpusScoringOptions();
        if (modelDirectories.Count == 0) throw new InputException("at least one model folder is needed");
        CorpusReader.FormatOf(corpusPath);

        var folders = modelDirectories.Select(ModelFolder.Open).ToList();
        var names = options.ModelNames ?? ModelNames(modelDirectories);
        if (names.Count != modelDirectories.Count)
            throw new InputException($"{names.Count} model names given for {modelDirectories.Count} model folders");
        var tokenizer = ByteLevelBpeTokenizer.Load(options.TokenizerPath ?? folders[0].TokenizerPath);
        foreach (var folder in folders) folder.ValidateVocabulary(tokenizer.VocabularySize);
        int context = TokenContext.Resolve(options.Context, [.. folders.Select(f => (f.Config.MaxPositionEmbeddings, f.ConfigPath))]);
        Directory.CreateDirectory(outputDirectory);

        var scorers = new List<OnnxLossScorer>();
        var writers = new List<TokenTableWriter>();
        var stopwatch = Stopwatch.StartNew();
        var report = new CorpusReadReport();
        long documents = 0, withoutPredictions = 0, predicted = 0;
        IReadOnlyList<string> batchSizes = [];
        try
        {
            var scorerOptions = options.Scorer with { MemoryShare = options.Scorer.MemoryShare / folders.Count };
            scorers.AddRange(folders.Select(f => new OnnxLossScorer(f, scorerOptions)));
            TokenTableWriter? matrix = null;
            var chunk = new List<CorpusDocument>(options.DocumentsPerChunk);

            void ScoreChunk()
            {
                var ids = tokenizer.EncodeBatch(chunk.Select(d => d.Text).ToList(), 1)
                    .Select(t => t.Length > context ? t[..context] : t).ToList();
                if (writers.Count == 0)
                {
                    bool hasSet = chunk[0].SetName is not null;
                    Directory.CreateDirectory(Path.Combine(outputDirectory, "losses"));
                    writers.AddRange(names.Select(n => TokenTableWriter.Create(
                        Path.Combine(outputDirectory, "losses", SafeFileName(n) + ".parquet"), TokenTableSchema.SingleModel(hasSet))));
                    if (names.Count > 1)
                        writers.Add(matrix = TokenTableWriter.Create(Path.Combine(outputDirectory, MatrixFileStem + ".parquet"),
                            TokenTableSchema.LossMatrix(names, hasSet)));
                }
                var losses = scorers.Select(s => s.ScoreBatch(ids)).ToList();
                var rowBuffer = new float[names.Count];
                for (int d = 0; d < chunk.Count; d++)
                {
                    var (doc, tokens, set) = (chunk[d].Index, ids[d], chunk[d].SetName);
                    if (tokens.Length < 2) withoutPredictions++;
                    for (int j = 1; j < tokens.Length; j++)
                    {
                        for (int m = 0; m < names.Count; m++)
                        {
                            rowBuffer[m] = losses[m][d][j - 1];
                            writers[m].Append(doc, j, tokens[j], rowBuffer[m], set);
                        }
                        matrix?.Append(doc, j, tokens[j], rowBuffer, set);
                    }
                    predicted += Math.Max(0, tokens.Length - 1);
                }
                documents += chunk.Count;
                chunk.Clear();
                progress?.Report(new ScoringProgress(documents, predicted, stopwatch.Elapsed, options.MaxDocuments));
            }

            var readOptions = new CorpusReadOptions { SkipBadLines = options.SkipBadLines, MaxDocuments = options.MaxDocuments };
            long ordinal = 0;
            foreach (var document in CorpusReader.Read(corpusPath, readOptions, report, cancellationToken))
            {
                if (ordinal++ < options.SkipDocuments) continue;
                chunk.Add(document);
                if (chunk.Count == options.DocumentsPerChunk) ScoreChunk();
            }
            if (chunk.Count > 0) ScoreChunk();
            if (writers.Count == 0)
                throw new Common.InputException("the corpus holds no documents", corpusPath);
            foreach (var writer in writers) writer.Complete();
            batchSizes = [.. scorers.Select(s => s.BatchSizeDescription)];
        }
        catch
        {
            foreach (var writer in writers) writer.Abort();
            throw;
        }
        finally
        {
            foreach (var scorer in scorers) scorer.Dispose();
        }

        string? matrixTable = null, matrixNpy = null;
        if (names.Count > 1)
        {
            matrixTable = Path.Combine(outputDirectory, MatrixFileStem + ".parquet");
            matrixNpy = Path.Combine(outputDirectory, MatrixFileStem + ".npy");
            LossMatrix.ExportNpy(matrixTable, matrixNpy, names);
        }
        // models.csv last: it marks a finished scoring run (quanta scaling reads it beside the tables)
        var modelsCsv = Path.Combine(outputDirectory, "models.csv");
        var steps = modelDirectories.Select(CheckpointStep).ToList();
        bool withSteps = steps.All(s => s is not null);
        PublishedFile.Write(modelsCsv, temporary => File.WriteAllLines(temporary, [withSteps ? "name,params,step" : "name,params", .. folders.Select((f, m) =>
            string.Create(CultureInfo.InvariantCulture, $"{CsvField(names[m])},{f.Config.NonEmbeddingParameters}{(withSteps ? $",{steps[m]}" : "")}"))]));
        return new CorpusScoringResult(context, names, [.. writers.Take(names.Count).Select(w => w.Path)], matrixTable, matrixNpy, modelsCsv,
            documents, withoutPredictions, predicted, report) { BatchSizes = batchSizes };
    }

    /// <summary>
    /// Column names for the models: the folder's name, or its last two path parts where names would repeat
    /// (checkpoints of one size, e.g. "pythia-70m/step1000").
    /// </summary>
    public static IReadOnlyList<string> ModelNames(IReadOnlyList<string> modelDirectories)
    {
        static string[] Parts(string dir) =>
            Path.GetFullPath(HubCache.LogicalPath(dir)).TrimEnd(Path.DirectorySeparatorChar).Split(Path.DirectorySeparatorChar);
        var last = modelDirectories.Select(d => Parts(d)[^1]).ToList();
        var names = modelDirectories.Select((d, i) => last.Count(n => n == last[i]) > 1 ? string.Join('/', Parts(d)[^2..]) : last[i]).ToList();
        var repeated = names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null) throw new InputException($"model folder '{repeated.Key}' is given more than once");
        return names;
    }

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

    private static string SafeFileName(string modelName) => modelName.Replace('/', '_');

    private static string CsvField(string value) => value.Contains(',') || value.Contains('"') ? $"\"{value.Replace("\"", "\"\"")}\"" : value;
}
