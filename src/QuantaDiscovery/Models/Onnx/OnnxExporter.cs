using System.Runtime.InteropServices;
using Google.Protobuf;
using static QuantaDiscovery.Models.Onnx.OnnxGraphBuilder;
using DataType = QuantaDiscovery.Models.Onnx.TensorProto.Types.DataType;

namespace QuantaDiscovery.Models.Onnx;

/// <summary>
/// Exports a GPT-NeoX model folder's safetensors weights as an ONNX graph with the contract of a PyTorch/optimum
/// export: inputs <c>input_ids</c> and <c>attention_mask</c> (int64 [batch, sequence], 1 = token, 0 = right
/// padding), output <c>logits</c> (float32 [batch, sequence, vocab_size]). Standard operators at opset 17; the
/// computation is <see cref="GptNeoXModel"/>'s, node for node. Linear weights are stored transposed ([in, out],
/// named "&lt;HF name&gt;_transposed") so that each projection is a plain MatMul.
/// </summary>
public static class OnnxExporter
{
    public const int Opset = 17;
    public const int IrVersion = 8;

    /// <summary>
    /// Protobuf cannot hold messages of 2 GiB or more, so weights over 2 GB (leaving room for the graph) go to an
    /// external data file.
    /// </summary>
    public const long DefaultExternalDataThresholdBytes = 2_000_000_000;

    public const string ExternalDataFileName = "model.onnx_data";

    /// <summary>
    /// Writes <c>model.onnx</c> into the folder (or <paramref name="outputPath"/>), with the weights in
    /// <c>model.onnx_data</c> beside it when they total more than <paramref name="externalDataThresholdBytes"/>.
    /// </summary>
    public static string Export(ModelFolder folder, string? outputPath = null,
        long externalDataThresholdBytes = DefaultExternalDataThresholdBytes)
    {
        outputPath ??= folder.OnnxPath;
        var config = folder.Config;
        var shapes = GptNeoXModel.ParameterShapes(config).ToDictionary(p => p.Name, p => p.Shape);
        long weightBytes = shapes.Values.Sum(s => s.Aggregate(4L, (a, b) => a * b));
        var dataPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(outputPath))!, ExternalDataFileName);

        using var weights = folder.OpenWeights();
        using var externalData = weightBytes > externalDataThresholdBytes ? File.Create(dataPath) : null;
        var graph = new GraphProto { Name = "gpt_neox" };
        var store = new WeightStore(graph, weights, shapes, externalData);
        BuildGraph(new OnnxGraphBuilder(graph, "/"), config, store);
        if (externalData is null && File.Exists(dataPath))
            File.Delete(dataPath);

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "QuantaDiscovery",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        using var output = File.Create(outputPath);
        model.WriteTo(output);
        return outputPath;
    }

    private static void BuildGraph(OnnxGraphBuilder g, GptNeoXConfig config, WeightStore w)
    {
        g.Graph.Input.Add(TensorValue("input_ids", DataType.Int64, "batch", "sequence"));
        g.Graph.Input.Add(TensorValue("attention_mask", DataType.Int64, "batch", "sequence"));
        g.Graph.Output.Add(TensorValue("logits", DataType.Float, "batch", "sequence", (long)config.VocabSize));

        var length = g.Op("Gather", [g.Op("Shape", ["input_ids"]), g.Int64Scalar(1)], Int("axis", 0));
        var positions = g.Op("Range", [g.Int64Scalar(0), length, g.Int64Scalar(1)]);
        var (cos, sin) = RotaryTables(g, config, positions);

        // allowed[b, 0, i, j] = (j ≤ i) and attention_mask[b, j]
        var causal = g.Op("LessOrEqual", [g.Op("Unsqueeze", [positions, g.Int64s(0)]), g.Op("Unsqueeze", [positions, g.Int64s(1)])]);
        var notPadding = g.Op("Unsqueeze", [g.Op("Cast", ["attention_mask"], Int("to", (long)DataType.Bool)), g.Int64s(1, 2)]);
        var allowed = g.Op("And", [causal, notPadding]);
        var masked = g.FloatScalar(float.MinValue);

        var x = g.Op("Gather", [w.Plain("gpt_neox.embed_in.weight"), "input_ids"], Int("axis", 0));
        for (int i = 0; i < config.NumHiddenLayers; i++)
        {
            var layer = $"gpt_neox.layers.{i}.";
            var attention = Attention(g, config, w, layer + "attention.", LayerNorm(g, config, w, x, layer + "input_layernorm"), cos, sin, allowed, masked);
            if (config.UseParallelResidual)
            {
                var mlp = Mlp(g, config, w, layer + "mlp.", LayerNorm(g, config, w, x, layer + "post_attention_layernorm"));
                x = g.Op("Add", [g.Op("Add", [x, attention]), mlp]);
            }
            else
            {
                var h = g.Op("Add", [x, attention]);
                x = g.Op("Add", [h, Mlp(g, config, w, layer + "mlp.", LayerNorm(g, config, w, h, layer + "post_attention_layernorm"))]);
            }
        }
        var final = LayerNorm(g, config, w, x, "gpt_neox.final_layer_norm");
        g.OpNamed("logits", "MatMul", [final, w.Transposed("embed_out.weight")]);
    }

    /// <summary>cos and sin of t · inv_freq for t = 0..T−1, [T, rotary dims], as <see cref="GptNeoXModel"/> computes them.</summary>
    private static (string Cos, string Sin) RotaryTables(OnnxGraphBuilder g, GptNeoXConfig config, string positions)
    {
        int dims = config.RotaryDims;
        if (dims == 0) return ("", "");
        var invFreq = new float[dims / 2];
        for (int i = 0; i < invFreq.Length; i++)
            invFreq[i] = 1f / MathF.Pow((float)config.RotaryEmbBase, 2 * i / (float)dims);
        var column = g.Op("Unsqueeze", [g.Op("Cast", [positions], Int("to", (long)DataType.Float)), g.Int64s(1)]);
        var freqs = g.Op("Mul", [column, g.Floats("/rotary/inv_freq", invFreq, [1, invFreq.Length])]);
        var angles = g.Op("Concat", [freqs, freqs], Int("axis", -1));
        return (g.Op("Cos", [angles]), g.Op("Sin", [angles]));
    }

    private static string LayerNorm(OnnxGraphBuilder g, GptNeoXConfig config, WeightStore w, string x, string name) =>
        g.Op("LayerNormalization", [x, w.Plain(name + ".weight"), w.Plain(name + ".bias")],
            Int("axis", -1), Float("epsilon", (float)config.LayerNormEps));

    private static string Linear(OnnxGraphBuilder g, WeightStore w, string x, string name) =>
        g.Op("Add", [g.Op("MatMul", [x, w.Transposed(name + ".weight")]), w.Plain(name + ".bias")]);

    private static string Attention(OnnxGraphBuilder g, GptNeoXConfig config, WeightStore w, string name, string x,
        string cos, string sin, string allowed, string masked)
    {
        int heads = config.NumAttentionHeads, headSize = config.HeadSize;
        // [B, T, 3H] → [B, T, heads, 3·head_size] → [B, heads, T, 3·head_size] → q, k, v
        var qkv = g.Op("Reshape", [Linear(g, w, x, name + "query_key_value"), g.Int64s(0, 0, heads, 3 * headSize)]);
        qkv = g.Op("Transpose", [qkv], Ints("perm", 0, 2, 1, 3));
        var parts = g.Op("Split", [qkv, g.Int64s(headSize, headSize, headSize)], 3, Int("axis", 3));
        var query = Rotate(g, config, parts[0], cos, sin);
        var key = Rotate(g, config, parts[1], cos, sin);

        var scores = g.Op("MatMul", [query, g.Op("Transpose", [key], Ints("perm", 0, 1, 3, 2))]);
        scores = g.Op("Mul", [scores, g.FloatScalar(MathF.Pow(headSize, -0.5f))]);
        var probabilities = g.Op("Softmax", [g.Op("Where", [allowed, scores, masked])], Int("axis", -1));
        var context = g.Op("Transpose", [g.Op("MatMul", [probabilities, parts[2]])], Ints("perm", 0, 2, 1, 3));
        context = g.Op("Reshape", [context, g.Int64s(0, 0, config.HiddenSize)]);
        return Linear(g, w, context, name + "dense");
    }

    /// <summary>x·cos + rotate_half(x)·sin on the first rotary dims of the last axis; the rest passes through.</summary>
    private static string Rotate(OnnxGraphBuilder g, GptNeoXConfig config, string x, string cos, string sin)
    {
        int dims = config.RotaryDims, half = dims / 2, headSize = config.HeadSize;
        if (dims == 0) return x;
        string Slice(string input, long start, long end) => g.Op("Slice", [input, g.Int64s(start), g.Int64s(end), g.Int64s(3)]);
        var rotary = dims == headSize ? x : Slice(x, 0, dims);
        var rotatedHalf = g.Op("Concat", [g.Op("Neg", [Slice(rotary, half, dims)]), Slice(rotary, 0, half)], Int("axis", 3));
        var embedded = g.Op("Add", [g.Op("Mul", [rotary, cos]), g.Op("Mul", [rotatedHalf, sin])]);
        return dims == headSize ? embedded : g.Op("Concat", [embedded, Slice(x, dims, headSize)], Int("axis", 3));
    }

    private static string Mlp(OnnxGraphBuilder g, GptNeoXConfig config, WeightStore w, string name, string x)
    {
        var h = Linear(g, w, x, name + "dense_h_to_4h");
        h = config.HiddenAct switch
        {
            // 0.5·x·(1 + erf(x/√2))
            "gelu" => g.Op("Mul", [g.Op("Mul", [h, g.Op("Add", [g.Op("Erf", [g.Op("Mul", [h, g.FloatScalar(1 / MathF.Sqrt(2))])]), g.FloatScalar(1)])]), g.FloatScalar(0.5f)]),
            // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
            "gelu_new" or "gelu_fast" => g.Op("Mul", [g.Op("Mul", [h, g.Op("Add", [g.Op("Tanh", [g.Op("Mul", [
                g.Op("Add", [h, g.Op("Mul", [g.Op("Mul", [g.Op("Mul", [h, h]), h]), g.FloatScalar(0.044715f)])]),
                g.FloatScalar(MathF.Sqrt(2 / MathF.PI))])]), g.FloatScalar(1)])]), g.FloatScalar(0.5f)]),
            "relu" => g.Op("Relu", [h]),
            _ => throw new InvalidOperationException($"hidden_act '{config.HiddenAct}' passed validation but has no ONNX form"),
        };
        return Linear(g, w, h, name + "dense_4h_to_h");
    }

    /// <summary>Reads weights by HF name (checked against the config's shapes) into initializers, inline or external.</summary>
    private sealed class WeightStore(GraphProto graph, ModelWeights weights, Dictionary<string, long[]> shapes, FileStream? externalData)
    {
        public string Plain(string name)
        {
            var shape = shapes[name];
            if (!graph.Initializer.Any(t => t.Name == name))
                Add(name, weights.Read(name, shape), shape);
            return name;
        }

        /// <summary>A [out, in] linear weight stored as [in, out].</summary>
        public string Transposed(string name)
        {
            var shape = shapes[name];
            var values = weights.Read(name, shape);
            int rows = (int)shape[0], columns = (int)shape[1];
            var transposed = new float[values.Length];
            Parallel.For(0, columns, c =>
            {
                for (int r = 0; r < rows; r++) transposed[(long)c * rows + r] = values[(long)r * columns + c];
            });
            Add(name + "_transposed", transposed, [columns, rows]);
            return name + "_transposed";
        }

        private void Add(string name, float[] values, long[] dims)
        {
            var tensor = new TensorProto { Name = name, DataType = (int)DataType.Float };
            tensor.Dims.AddRange(dims);
            var bytes = MemoryMarshal.AsBytes(values.AsSpan());
            if (externalData is null)
                tensor.RawData = ByteString.CopyFrom(bytes);
            else
            {
                tensor.DataLocation = TensorProto.Types.DataLocation.External;
                tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = ExternalDataFileName });
                tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = externalData.Position.ToString() });
                tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = bytes.Length.ToString() });
                externalData.Write(bytes);
            }
            graph.Initializer.Add(tensor);
        }
    }
}
