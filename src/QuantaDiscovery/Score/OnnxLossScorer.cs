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

    /// <summary>Most documents per forward pass.</summary>
    public int MaxBatchSize { get; init; } = 32;

    /// <summary>
    /// Most positions (documents × padded length) per forward pass. Batching pays for short documents only: at
    /// 1024 positions each MatMul already has 1024 rows, and larger batches of long documents ran 2–8× slower on
    /// CPU (benchmarks/losses) because attention scores and logits outgrow the caches.
    /// </summary>
    public long MaxBatchTokens { get; init; } = 1024;
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
    private readonly bool _takesAttentionMask, _takesPositionIds;

    /// <summary>Scores with the folder's model.onnx; token ids and lengths are checked against its config.json.</summary>
    public OnnxLossScorer(ModelFolder folder, OnnxScorerOptions? options = null)
        : this(folder.RequireOnnx(), options, folder.ConfigPath, folder.Config.VocabSize, folder.Config.MaxPositionEmbeddings)
    {
    }

    /// <summary>
    /// Scores with any causal LM ONNX file (input_ids [, attention_mask, position_ids] → logits); token ids are
    /// checked against the logits' vocabulary axis when the graph states it.
    /// </summary>
    public OnnxLossScorer(string onnxPath, OnnxScorerOptions? options = null)
        : this(onnxPath, options, onnxPath, null, null)
    {
    }

    private OnnxLossScorer(string onnxPath, OnnxScorerOptions? options, string checkedFile, int? vocabSize, int? maxPositions)
    {
        _options = options ?? new OnnxScorerOptions();
        if (_options.MaxBatchSize < 1 || _options.MaxBatchTokens < 1)
            throw new InputException("MaxBatchSize and MaxBatchTokens must be positive");
        if (!File.Exists(onnxPath))
            throw new InputException("ONNX file not found", onnxPath);

        ModelProto model;
        try
        {
            using var stream = File.OpenRead(onnxPath);
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            throw new InputException($"not an ONNX model: {e.Message}", onnxPath, inner: e);
        }
        var logitsShape = model.Graph?.Output.FirstOrDefault(o => o.Name == "logits")?.Type?.TensorType?.Shape;
        _vocabSize = vocabSize ?? (logitsShape is { Dim.Count: 3 } && logitsShape.Dim[2].HasDimValue ? (int)logitsShape.Dim[2].DimValue : null);
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
    }

    private static SessionOptions CreateSessionOptions(OnnxScorerOptions options, string modelDirectory)
    {
        var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = 1,
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
            int count = (int)Math.Clamp(_options.MaxBatchTokens / length, 1, Math.Min(_options.MaxBatchSize, order.Length - start));
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
