using Google.Protobuf;
using static QuantaDiscovery.Models.Onnx.OnnxGraphBuilder;
using DataType = QuantaDiscovery.Models.Onnx.TensorProto.Types.DataType;

namespace QuantaDiscovery.Models.Onnx;

/// <summary>
/// Exports a model folder's safetensors weights (any registered family) as an ONNX graph with the contract of a PyTorch/optimum
/// export: inputs <c>input_ids</c> and <c>attention_mask</c> (int64 [batch, sequence], 1 = token, 0 = right
/// padding), output <c>logits</c> ([batch, sequence, vocab_size] in the export's <see cref="OnnxPrecision"/>). Standard
/// operators at opset 17; the computation is the family's forward pass (the one <see cref="CausalLanguageModel"/> runs)
/// written by <see cref="OnnxTensorOps"/>, node for node. Linear weights are stored transposed ([in, out],
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
    /// Weights are stored, and matrix products computed, in <paramref name="precision"/>.
    /// </summary>
    public static string Export(ModelFolder folder, string? outputPath = null,
        long externalDataThresholdBytes = DefaultExternalDataThresholdBytes, OnnxPrecision precision = OnnxPrecision.Float32)
    {
        outputPath ??= folder.OnnxPath;
        var config = folder.Config;
        var shapes = config.Family.Parameters(config).ToDictionary(p => p.Name, p => p.Shape);
        long weightBytes = shapes.Values.Sum(s => s.Aggregate((long)precision.ElementBytes(), (a, b) => a * b));
        var dataPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(outputPath))!, ExternalDataFileName);

        using var weights = folder.OpenWeights();
        using var externalData = weightBytes > externalDataThresholdBytes ? File.Create(dataPath) : null;
        var graph = new GraphProto { Name = config.Family.ModelType };
        var store = new WeightStore(graph, weights, shapes, externalData, precision);
        BuildGraph(new OnnxGraphBuilder(graph, "/"), config, store, precision);
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

    /// <summary>Inputs and outputs of the export contract, and the family's forward pass written as nodes.</summary>
    private static void BuildGraph(OnnxGraphBuilder g, IModelConfig config, WeightStore w, OnnxPrecision precision)
    {
        g.Graph.Input.Add(TensorValue("input_ids", DataType.Int64, "batch", "sequence"));
        g.Graph.Input.Add(TensorValue("attention_mask", DataType.Int64, "batch", "sequence"));
        g.Graph.Output.Add(TensorValue("logits", precision.DataType(), "batch", "sequence", (long)config.VocabSize));
        var ops = new OnnxTensorOps(g, w, precision);
        var logits = config.Family.Logits(ops, config, config.Family.Hidden(ops, config));
        g.OpNamed("logits", "Identity", [logits]);
    }

    /// <summary>Reads weights by HF name (checked against the config's shapes) into initializers in <paramref name="precision"/>, inline or external.</summary>
    internal sealed class WeightStore(GraphProto graph, ModelWeights weights, Dictionary<string, long[]> shapes, FileStream? externalData,
        OnnxPrecision precision)
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
            var tensor = new TensorProto { Name = name, DataType = (int)precision.DataType() };
            tensor.Dims.AddRange(dims);
            var bytes = precision.Encode(values);
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
