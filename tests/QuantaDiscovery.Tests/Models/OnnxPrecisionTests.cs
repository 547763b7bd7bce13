using QuantaDiscovery.Common;
using QuantaDiscovery.Models;
using QuantaDiscovery.Models.GptNeoX;
using QuantaDiscovery.Models.Llama;
using QuantaDiscovery.Models.Onnx;
using QuantaDiscovery.Score;
using QuantaDiscovery.Tests.Common;
using Xunit.Abstractions;
using DataType = QuantaDiscovery.Models.Onnx.TensorProto.Types.DataType;

namespace QuantaDiscovery.Tests.Models;

/// <summary>
/// float16 and bfloat16 exports: f16 is run by ONNX Runtime's CPU provider and compared with the f32 export of the
/// same weights; bf16 (which the CPU provider has no kernels for) is checked structurally against the f16 graph.
/// </summary>
public class OnnxPrecisionTests(ITestOutputHelper output)
{
    /// <summary>
    /// Stated tolerance of f16 against f32 losses, in nats, for these tiny models (hidden 64, 2 layers, initializer
    /// range 0.2, vocabulary 568, 48-token documents): float16 keeps 11 significant bits (relative rounding 2⁻¹¹ ≈ 4.9·10⁻⁴)
    /// in weights, activations and matrix-product outputs.
    /// </summary>
    private const double MaxAbsTolerance = 0.05, MeanAbsTolerance = 0.01;

    private static ModelFolder RandomFolder(string family, string directory) => family switch
    {
        "gpt-neox" => RandomModel.Create(directory, new GptNeoXConfig
        {
            HiddenSize = 64, NumHiddenLayers = 2, NumAttentionHeads = 4, IntermediateSize = 256, VocabSize = TinyModels.Tokenizer.VocabularySize,
            MaxPositionEmbeddings = 64, InitializerRange = 0.2,
        }, seed: 11),
        _ => RandomModel.Create(directory, new LlamaConfig
        {
            HiddenSize = 64, IntermediateSize = 128, NumHiddenLayers = 2, NumAttentionHeads = 4, NumKeyValueHeads = 2,
            VocabSize = TinyModels.Tokenizer.VocabularySize, MaxPositionEmbeddings = 64, InitializerRange = 0.2,
        }, seed: 12),
    };

    private static int[][] Documents(int vocabulary)
    {
        var random = new Random(3);
        return [.. Enumerable.Range(0, 6).Select(d => Enumerable.Range(0, 48 - 5 * d).Select(_ => random.Next(vocabulary)).ToArray())];
    }

    [Theory]
    [InlineData("gpt-neox")]
    [InlineData("llama")]
    public void Float16_export_scores_within_the_stated_tolerance_of_float32(string family)
    {
        var folder = RandomFolder(family, TestPaths.NewTempFolder());
        var f32 = OnnxExporter.Export(folder, Path.Combine(folder.Directory, "f32.onnx"));
        var f16 = OnnxExporter.Export(folder, Path.Combine(folder.Directory, "f16.onnx"), precision: OnnxPrecision.Float16);
        var documents = Documents(folder.Config.VocabSize);
        using var full = new OnnxLossScorer(f32, new OnnxScorerOptions { IntraOpThreads = 1 });
        using var half = new OnnxLossScorer(f16, new OnnxScorerOptions { IntraOpThreads = 1 });
        var expected = full.ScoreBatch(documents).SelectMany(l => l).ToArray();
        var actual = half.ScoreBatch(documents).SelectMany(l => l).ToArray();

        Assert.Equal(expected.Length, actual.Length);
        var differences = expected.Zip(actual, (e, a) => Math.Abs((double)e - a)).ToArray();
        double mean = expected.Average(e => (double)e), spread = Math.Sqrt(expected.Average(e => (e - mean) * (e - mean)));
        output.WriteLine($"{family}: {expected.Length} losses, mean {mean:0.000} nats, sd {spread:0.000}; f16 − f32: max |Δ| {differences.Max():0.00000}, mean |Δ| {differences.Average():0.00000}");
        Assert.True(spread > 0.5, $"the model's losses barely vary (sd {spread}), so the comparison would say little");
        Assert.True(differences.Max() > 0, "f16 losses equal f32 ones bit for bit: the graph did not compute in float16");
        Assert.True(differences.Max() <= MaxAbsTolerance, $"max |Δ| {differences.Max()} > {MaxAbsTolerance}");
        Assert.True(differences.Average() <= MeanAbsTolerance, $"mean |Δ| {differences.Average()} > {MeanAbsTolerance}");
    }

    [Theory]
    [InlineData(OnnxPrecision.Float16)]
    [InlineData(OnnxPrecision.BFloat16)]
    public void Weights_are_stored_in_the_chosen_type_and_decode_within_its_rounding(OnnxPrecision precision)
    {
        var folder = RandomFolder("gpt-neox", TestPaths.NewTempFolder());
        var f32 = Load(OnnxExporter.Export(folder, Path.Combine(folder.Directory, "f32.onnx")));
        var half = Load(OnnxExporter.Export(folder, Path.Combine(folder.Directory, "half.onnx"), precision: precision));
        double relativeRounding = precision == OnnxPrecision.Float16 ? Math.Pow(2, -11) : Math.Pow(2, -8);

        var weights = f32.Graph.Initializer.Where(t => t.DataType == (int)DataType.Float && t.Dims.Count > 0 && !t.Name.StartsWith("/rotary/")).ToList();
        Assert.NotEmpty(weights);
        foreach (var weight in weights)
        {
            var stored = half.Graph.Initializer.Single(t => t.Name == weight.Name);
            Assert.Equal((int)precision.DataType(), stored.DataType);
            Assert.Equal(weight.Dims, stored.Dims);
            var original = OnnxPrecision.Float32.Decode(weight.RawData.Span);
            var decoded = precision.Decode(stored.RawData.Span);
            for (int i = 0; i < original.Length; i++)
                Assert.True(Math.Abs(decoded[i] - original[i]) <= relativeRounding * Math.Abs(original[i]) + 1e-7, $"{weight.Name}[{i}]");
        }
        Assert.Equal((int)precision.DataType(), half.Graph.Output.Single(o => o.Name == "logits").Type.TensorType.ElemType);
        Assert.True(new FileInfo(Path.Combine(folder.Directory, "half.onnx")).Length < 0.6 * new FileInfo(Path.Combine(folder.Directory, "f32.onnx")).Length);
    }

    /// <summary>
    /// ONNX Runtime's CPU provider has no bfloat16 MatMul, so the bf16 export is checked against the f16 one, which runs:
    /// the same nodes with the same inputs, outputs and attributes, except that each cast to float16 is a cast to bfloat16.
    /// </summary>
    [Fact]
    public void Bfloat16_graph_is_the_float16_graph_with_the_type_swapped()
    {
        foreach (var family in new[] { "gpt-neox", "llama" })
        {
            var folder = RandomFolder(family, TestPaths.NewTempFolder());
            var f16 = Load(OnnxExporter.Export(folder, Path.Combine(folder.Directory, "f16.onnx"), precision: OnnxPrecision.Float16));
            var bf16 = Load(OnnxExporter.Export(folder, Path.Combine(folder.Directory, "bf16.onnx"), precision: OnnxPrecision.BFloat16));
            Assert.Equal(f16.Graph.Node.Count, bf16.Graph.Node.Count);
            int casts = 0;
            for (int n = 0; n < f16.Graph.Node.Count; n++)
            {
                NodeProto a = f16.Graph.Node[n], b = bf16.Graph.Node[n];
                Assert.Equal($"{a.OpType}({a.Input}) → {a.Output}", $"{b.OpType}({b.Input}) → {b.Output}");
                var expected = a.Clone();
                foreach (var attribute in expected.Attribute.Where(t => a.OpType == "Cast" && t.Name == "to" && t.I == (long)DataType.Float16))
                {
                    attribute.I = (long)DataType.Bfloat16;
                    casts++;
                }
                Assert.Equal(expected.Attribute, b.Attribute);
            }
            Assert.True(casts > 0, $"{family}: no cast back to the compute type after the float32 parts");
            Assert.Equal(f16.Graph.Initializer.Select(t => (t.Name, t.DataType == (int)DataType.Float16 ? (int)DataType.Bfloat16 : t.DataType)),
                bf16.Graph.Initializer.Select(t => (t.Name, t.DataType)));
        }
    }

    [Fact]
    public void Float32_parts_of_a_half_precision_graph_are_the_softmax_the_norm_statistics_and_the_loss_head()
    {
        var folder = RandomFolder("llama", TestPaths.NewTempFolder());
        var path = OnnxExporter.Export(folder, Path.Combine(folder.Directory, "f16.onnx"), precision: OnnxPrecision.Float16);
        var model = Load(path);
        var toFloat32 = model.Graph.Node.Where(n => n.OpType == "Cast" && n.Attribute.Single().I == (long)DataType.Float).Select(n => n.Output[0]).ToHashSet();
        // Each Softmax and each ReduceMean (RMSNorm's mean square) reads values cast to float32 (directly or after Mul/Add).
        bool ReadsFloat32(string value, int depth = 3) => toFloat32.Contains(value) || depth > 0 &&
            model.Graph.Node.Where(n => n.Output.Contains(value) && n.OpType is "Mul" or "Add").Any(n => n.Input.Any(i => ReadsFloat32(i, depth - 1)));
        Assert.All(model.Graph.Node.Where(n => n.OpType is "Softmax" or "ReduceMean"), n => Assert.True(ReadsFloat32(n.Input[0]), $"{n.Name} reads {n.Input[0]}"));
        // 2 layers: 2 × 4 attention softmaxes (one per query block); 2 RMSNorms per layer and the final one.
        Assert.Equal((8, 5), (model.Graph.Node.Count(n => n.OpType == "Softmax"), model.Graph.Node.Count(n => n.OpType == "ReduceMean")));

        OnnxLossHead.Append(model, path);
        var head = model.Graph.Node.Where(n => n.Name.StartsWith("/loss_head/")).ToList();
        Assert.Equal("Cast", head[0].OpType);
        Assert.Equal((long)DataType.Float, head[0].Attribute.Single().I);
        Assert.Equal((int)DataType.Float, model.Graph.Output.Single().Type.TensorType.ElemType);
    }

    [Theory]
    [InlineData("f16", OnnxPrecision.Float16)]
    [InlineData("BF16", OnnxPrecision.BFloat16)]
    [InlineData("float32", OnnxPrecision.Float32)]
    public void Names_parse(string text, OnnxPrecision expected) => Assert.Equal(expected, OnnxPrecisions.Parse(text, "--dtype"));

    [Fact]
    public void Unknown_name_names_the_flag() =>
        Assert.Contains("--dtype 'f8'", Assert.Throws<InputException>(() => OnnxPrecisions.Parse("f8", "--dtype")).Message);

    [Fact]
    public void Bfloat16_rounds_to_nearest_even()
    {
        Assert.Equal(0x3F80, OnnxPrecisions.ToBFloat16Bits(1f));
        Assert.Equal(0x3F80, OnnxPrecisions.ToBFloat16Bits(BitConverter.Int32BitsToSingle(0x3F808000)));   // tie → even (…80)
        Assert.Equal(0x3F82, OnnxPrecisions.ToBFloat16Bits(BitConverter.Int32BitsToSingle(0x3F818000)));   // tie → even (…82)
        Assert.Equal(0x3F81, OnnxPrecisions.ToBFloat16Bits(BitConverter.Int32BitsToSingle(0x3F808001)));   // above the tie
        Assert.True(float.IsNaN(OnnxPrecision.BFloat16.Decode(OnnxPrecision.BFloat16.Encode([float.NaN]))[0]));
    }

    private static ModelProto Load(string path) => ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
}
