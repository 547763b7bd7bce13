using Microsoft.ML.OnnxRuntime;
using QuantaDiscovery.Common;
using QuantaDiscovery.Models;
using QuantaDiscovery.Models.Onnx;

namespace QuantaDiscovery.Score;

/// <summary>Options of <see cref="OnnxLossScorer"/>.</summary>
public sealed record OnnxScorerOptions
{
    /// <summary>"cpu", or "cuda" (needs the build with -p:QuantaGpu=true and a CUDA device; never falls back to CPU).</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Threads within one operator; 0 lets ONNX Runtime choose (one per physical core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>
    /// Most documents per forward pass; null (auto): as many as <see cref="ScoringMemory"/> estimates to fit
    /// <see cref="MemoryBudgetBytes"/>, and on cpu at most <see cref="CpuBatchSize"/>.
    /// </summary>
    public int? MaxBatchSize { get; init; } = CpuBatchSize;

    /// <summary>
    /// Most positions (documents × padded length) per forward pass; null: <see cref="CpuBatchTokens"/> on cpu, no
    /// limit on cuda. Batching pays for short documents only on CPU: at 1024 positions each MatMul already has 1024
    /// rows, and larger batches of long documents ran 2–8× slower on CPU (benchmarks/losses) because attention scores
    /// and logits outgrow the caches.
    /// </summary>
    public long? MaxBatchTokens { get; init; }

    /// <summary>
    /// Bytes the activations of one forward pass may take when <see cref="MaxBatchSize"/> is auto; null:
    /// <see cref="ScoringMemory.UsableFraction"/> of the device's free memory once the model is loaded.
    /// </summary>
    public long? MemoryBudgetBytes { get; init; }

    /// <summary>
    /// Share of the budget this scorer may fill when the budget comes from free memory: 1 / (models of a suite),
    /// since ONNX Runtime keeps each session's peak memory in its arena while the next model runs.
    /// </summary>
    public double MemoryShare { get; init; } = 1;

    /// <summary>
    /// Bind inputs and the losses output with an OrtIoBinding (the losses are written straight into the result array);
    /// null: on cuda only. The logits stay inside the session either way (the loss head is part of the graph).
    /// </summary>
    public bool? IoBinding { get; init; }

    public const int CpuBatchSize = 32;
    public const long CpuBatchTokens = 1024;

    /// <summary>"auto" → null (chosen from free memory), a whole number ≥ 1 → itself; <paramref name="flag"/> names the option in errors.</summary>
    public static int? ParseBatchSize(string text, string flag) =>
        text.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase) ? null
            : int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int value) && value >= 1 ? value
            : throw new InputException($"{flag} '{text}': expected auto or a whole number ≥ 1");
}

/// <summary>
/// Per-token losses −log p(x_j | x_&lt;j) of a model folder's model.onnx (its own export or any causal LM export
/// with input_ids/attention_mask → logits), run by ONNX Runtime with <see cref="OnnxLossHead"/> appended so that
/// only losses leave the session. Documents of similar length are batched together with right padding.
/// </summary>
public sealed class OnnxLossScorer : IDisposable
{
    /// <summary>What <c>--device cuda</c> says when the CUDA provider cannot start (never run on a GPU: none was available).</summary>
    public const string CudaUnavailableMessage =
#if QUANTA_GPU
        "device cuda: this is the GPU build (Microsoft.ML.OnnxRuntime.Gpu.Linux 1.31.0), but its CUDA execution provider " +
        "could not start: it needs an NVIDIA GPU, CUDA 13 (libcudart.so.13, libcublas.so.13, libcublasLt.so.13) and cuDNN 9 " +
        "on the library path.";
#else
        "device cuda: this build is CPU-only. Build with `dotnet build -p:QuantaGpu=true` (Microsoft.ML.OnnxRuntime.Gpu.Linux " +
        "1.31.0) on a Linux machine with an NVIDIA GPU, CUDA 13 (libcudart.so.13, libcublasLt.so.13) and cuDNN 9.";
#endif

    private readonly InferenceSession _session;
    private readonly OnnxScorerOptions _options;
    private readonly string _checkedFile;
    private readonly int? _vocabSize, _maxPositions;
    private readonly bool _takesAttentionMask, _takesPositionIds, _ioBinding;
    private readonly ModelDimensions? _dimensions;
    private readonly OnnxPrecision _precision;
    private Lazy<long?> _memoryBudget = null!;

    /// <summary>Scores with the folder's model.onnx; token ids and lengths are checked against its config.json.</summary>
    public OnnxLossScorer(ModelFolder folder, OnnxScorerOptions? options = null)
        : this(folder, folder.RequireOnnx(), options)
    {
    }

    /// <summary>Scores with <paramref name="onnxPath"/>, an export of the folder's model; token ids and lengths are checked against its config.json.</summary>
    public OnnxLossScorer(ModelFolder folder, string onnxPath, OnnxScorerOptions? options = null)
        : this(onnxPath, options, folder.ConfigPath, folder.Config.VocabSize, folder.Config.MaxPositionEmbeddings, folder.Config.Dimensions)
    {
    }

    /// <summary>
    /// Scores with any causal LM ONNX file (input_ids [, attention_mask, position_ids] → logits); token ids are
    /// checked against the logits' vocabulary axis when the graph states it.
    /// </summary>
    public OnnxLossScorer(string onnxPath, OnnxScorerOptions? options = null)
        : this(onnxPath, options, onnxPath, null, null, null)
    {
    }

    private OnnxLossScorer(string onnxPath, OnnxScorerOptions? options, string checkedFile, int? vocabSize, int? maxPositions,
        ModelDimensions? dimensions)
    {
        _options = options ?? new OnnxScorerOptions();
        if (_options.MaxBatchSize < 1 || _options.MaxBatchTokens < 1 || _options.MemoryBudgetBytes < 1 || !(_options.MemoryShare is > 0 and <= 1))
            throw new InputException("MaxBatchSize, MaxBatchTokens and MemoryBudgetBytes must be positive, MemoryShare in (0, 1]");
        if (!File.Exists(onnxPath))
            throw new InputException("ONNX file not found", onnxPath);

        var model = OnnxWeightsInPlace.Read(onnxPath);
        var logitsShape = model.Graph?.Output.FirstOrDefault(o => o.Name == "logits")?.Type?.TensorType?.Shape;
        _vocabSize = vocabSize ?? (logitsShape is { Dim.Count: 3 } && logitsShape.Dim[2].HasDimValue ? (int)logitsShape.Dim[2].DimValue : null);
        _precision = OnnxPrecisions.FromElementType(model.Graph?.Output.FirstOrDefault(o => o.Name == "logits")?.Type?.TensorType?.ElemType ?? 0) ?? OnnxPrecision.Float32;
        _dimensions = dimensions;
        _ioBinding = _options.IoBinding ?? _options.Device == "cuda";
        _maxPositions = maxPositions;
        _checkedFile = checkedFile;
        OnnxLossHead.Append(model, onnxPath);
        _takesAttentionMask = model.Graph!.Input.Any(i => i.Name == "attention_mask");
        _takesPositionIds = model.Graph.Input.Any(i => i.Name == "position_ids");

        using var sessionOptions = CreateSessionOptions(_options, Path.GetDirectoryName(Path.GetFullPath(onnxPath))!);
        try
        {
            _session = new InferenceSession(Google.Protobuf.MessageExtensions.ToByteArray(model), sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InputException($"ONNX Runtime cannot load the model: {e.Message}", onnxPath, inner: e);
        }
        // Read at the first batch, once every scorer of a suite has loaded its weights (CorpusScoring loads them all first).
        _memoryBudget = new(() => _options.MemoryBudgetBytes
            ?? (ScoringMemory.FreeBytes(_options.Device) is long free ? (long)(free * ScoringMemory.UsableFraction * _options.MemoryShare) : null));
    }

    /// <summary>How the batch size is chosen, for a log line.</summary>
    public string BatchSizeDescription => _options.MaxBatchSize is int fixedSize ? $"batch size {fixedSize}"
        : _memoryBudget.Value is not long budget || _dimensions is null
            ? $"batch size auto: {(_dimensions is null ? "no config.json with the model's dimensions" : $"free memory of {_options.Device} unknown")}, so {OnnxScorerOptions.CpuBatchSize}"
            : $"batch size auto: activations up to {budget / 1e9:0.00} GB ({ScoringMemory.UsableFraction * _options.MemoryShare:P0} of {_options.Device}'s free memory), " +
              $"{_precision.Name()}: {DocumentsPerBatch(DescribedLength)} documents of {DescribedLength:N0} tokens" +
              (_options.Device == "cpu" ? $" (cpu: at most {OnnxScorerOptions.CpuBatchSize} documents and {BatchTokens:N0} positions)" : "");

    private int _longest;

    /// <summary>The longest document scored so far, or the model's positions before any.</summary>
    private int DescribedLength => _longest > 1 ? _longest : _maxPositions ?? (int)OnnxScorerOptions.CpuBatchTokens;

    private long BatchTokens => _options.MaxBatchTokens ?? (_options.Device == "cpu" ? OnnxScorerOptions.CpuBatchTokens : long.MaxValue);

    /// <summary>Documents per forward pass for documents padded to <paramref name="length"/> tokens.</summary>
    public int DocumentsPerBatch(int length)
    {
        int documents = _options.MaxBatchSize
            ?? (_memoryBudget.Value is long budget && _dimensions is not null && _vocabSize is int vocabulary
                ? ScoringMemory.Documents(budget, ScoringMemory.BytesPerDocument(_dimensions, vocabulary, length, _precision))
                : OnnxScorerOptions.CpuBatchSize);
        if (_options.MaxBatchSize is null && _options.Device == "cpu")
            documents = Math.Min(documents, OnnxScorerOptions.CpuBatchSize);
        return (int)Math.Clamp(BatchTokens / length, 1, documents);
    }

    private static SessionOptions CreateSessionOptions(OnnxScorerOptions options, string modelDirectory)
    {
        var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = 1,
            // The memory pattern plans one arena layout per input shape and reuses it only for that shape; batches of
            // mixed-length documents change shape nearly every pass, so it would be planned anew each time.
            EnableMemoryPattern = false,
        };
        // The model is passed as bytes, so external data files are looked up here rather than beside a path.
        sessionOptions.AddSessionConfigEntry("session.model_external_initializers_file_folder_path", modelDirectory);
        switch (options.Device)
        {
            case "cpu":
                break;
            case "cuda":
                try
                {
                    sessionOptions.AppendExecutionProvider_CUDA(0);
                }
                catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
                {
                    sessionOptions.Dispose();
                    throw new InputException(CudaUnavailableMessage + $" ONNX Runtime said: {e.Message.Split('\n')[0].Trim()}", inner: e);
                }
                break;
            default:
                sessionOptions.Dispose();
                throw new InputException($"unknown device '{options.Device}' (expected cpu or cuda)");
        }
        return sessionOptions;
    }

    /// <summary>
    /// Losses of each document: an array of length len − 1 (entry j − 1 for token j); empty for documents of 0 or 1
    /// tokens. Token ids must lie in [0, vocab_size) and documents fit max_position_embeddings, where known.
    /// </summary>
    public IReadOnlyList<float[]> ScoreBatch(IReadOnlyList<int[]> documents)
    {
        var results = new float[documents.Count][];
        for (int d = 0; d < documents.Count; d++)
        {
            var document = documents[d];
            if (document.Length > _maxPositions)
                throw new InputException($"{document.Length} tokens exceed max_position_embeddings {_maxPositions}", _checkedFile, documentIndex: d);
            if (_vocabSize is int vocab)
                foreach (var token in document)
                    if ((uint)token >= (uint)vocab)
                        throw new InputException($"token id {token} is outside [0, vocab_size = {vocab})", _checkedFile, documentIndex: d);
            results[d] = [];
        }

        // Longest first, so each batch holds documents of similar length and pads little.
        var order = Enumerable.Range(0, documents.Count).Where(d => documents[d].Length >= 2)
            .OrderByDescending(d => documents[d].Length).ToArray();
        for (int start = 0; start < order.Length;)
        {
            int length = documents[order[start]].Length;
            _longest = Math.Max(_longest, length);
            int count = Math.Min(DocumentsPerBatch(length), order.Length - start);
            var batch = order.AsSpan(start, count).ToArray();
            var losses = Run(documents, batch, length);
            for (int b = 0; b < batch.Length; b++)
                results[batch[b]] = losses.AsSpan(b * (length - 1), documents[batch[b]].Length - 1).ToArray();
            start += count;
        }
        return results;
    }

    /// <summary>One forward pass over right-padded documents; returns losses [batch, length − 1], row-major.</summary>
    private float[] Run(IReadOnlyList<int[]> documents, int[] batch, int length)
    {
        var ids = new long[batch.Length * length];
        var mask = new long[batch.Length * length];
        var positions = new long[batch.Length * length];
        for (int b = 0; b < batch.Length; b++)
        {
            var document = documents[batch[b]];
            for (int t = 0; t < length; t++)
            {
                positions[b * length + t] = t;
                if (t >= document.Length) continue;
                ids[b * length + t] = document[t];
                mask[b * length + t] = 1;
            }
        }
        long[] shape = [batch.Length, length];
        var names = new List<string> { "input_ids" };
        var values = new List<OrtValue> { OrtValue.CreateTensorValueFromMemory(ids, shape) };
        if (_takesAttentionMask)
        {
            names.Add("attention_mask");
            values.Add(OrtValue.CreateTensorValueFromMemory(mask, shape));
        }
        if (_takesPositionIds)
        {
            names.Add("position_ids");
            values.Add(OrtValue.CreateTensorValueFromMemory(positions, shape));
        }
        try
        {
            using var runOptions = new RunOptions();
            if (_ioBinding)
            {
                // ONNX Runtime copies the bound inputs to the device once and writes the losses, the graph's only
                // output, straight into this array.
                var losses = new float[batch.Length * (length - 1)];
                using var lossesValue = OrtValue.CreateTensorValueFromMemory(losses, [batch.Length, length - 1]);
                using var binding = _session.CreateIoBinding();
                for (int i = 0; i < names.Count; i++) binding.BindInput(names[i], values[i]);
                binding.BindOutput(OnnxLossHead.OutputName, lossesValue);
                binding.SynchronizeBoundInputs();
                _session.RunWithBinding(runOptions, binding);
                binding.SynchronizeBoundOutputs();
                return losses;
            }
            using var outputs = _session.Run(runOptions, names, values, [OnnxLossHead.OutputName]);
            return outputs[0].GetTensorDataAsSpan<float>().ToArray();
        }
        finally
        {
            foreach (var value in values) value.Dispose();
        }
    }

    public void Dispose() => _session.Dispose();
}
