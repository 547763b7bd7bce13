using System.Text.Json;
using System.Text.Json.Nodes;
using QuantaDiscovery.Common;
using QuantaDiscovery.Gradients;
using QuantaDiscovery.Models;
using QuantaDiscovery.Models.Llama;
using QuantaDiscovery.Models.Onnx;
using QuantaDiscovery.Score;
using QuantaDiscovery.Tests.Common;
using static TorchSharp.torch;

namespace QuantaDiscovery.Tests.Models;

/// <summary>
/// Llama against the float64 reference of Models/data/make_llama_reference.py (plain PyTorch, written from HF's
/// LlamaForCausalLM): llama-gqa has 4 query heads sharing 2 key/value heads and rope_theta 500; llama-tied ties lm_head
/// to embed_tokens (the checkpoint stores no lm_head) and has head_dim 12 ≠ hidden / heads.
/// </summary>
public class LlamaModelTests
{
    private const double LossTolerance = 1e-4;

    private static void AssertEveryToken(ReferenceFixtures.Expected expected, Func<int[], float[]> losses)
    {
        for (int d = 0; d < expected.Documents.Length; d++)
        {
            var difference = ReferenceFixtures.MaxAbsDifference(expected.Losses[d], losses(expected.Documents[d]));
            Assert.True(difference <= LossTolerance, $"document {d}: {difference:E2} nats");
        }
    }

    [Theory]
    [InlineData("llama-gqa")]
    [InlineData("llama-tied")]
    public void TorchSharp_losses_match_the_float64_reference_on_every_token(string name)
    {
        using var model = CausalLanguageModel.Load(ModelFolder.Open(ReferenceFixtures.Folder(name)));
        AssertEveryToken(ReferenceFixtures.Load(name), document => ReferenceFixtures.Losses(model, document));
    }

    [Theory]
    [InlineData("llama-gqa")]
    [InlineData("llama-tied")]
    public void Our_onnx_export_matches_the_float64_reference_on_every_token(string name)
    {
        var folder = ModelFolder.Open(ReferenceFixtures.Copy(name));
        OnnxExporter.Export(folder);
        var expected = ReferenceFixtures.Load(name);
        using var scorer = new OnnxLossScorer(folder, new OnnxScorerOptions { IntraOpThreads = 1 });
        var actual = scorer.ScoreBatch(expected.Documents);
        AssertEveryToken(expected, document => actual[Array.IndexOf(expected.Documents, document)]);
    }

    [Fact]
    public void Torch_onnx_export_with_the_loss_head_appended_matches_the_reference()
    {
        var folder = ModelFolder.Open(ReferenceFixtures.Folder("llama-torch-onnx"));
        Assert.IsType<LlamaConfig>(folder.Config);
        var expected = ReferenceFixtures.Load("llama-torch-onnx");
        using var scorer = new OnnxLossScorer(folder, new OnnxScorerOptions { IntraOpThreads = 1 });
        var actual = scorer.ScoreBatch(expected.Documents);
        AssertEveryToken(expected, document => actual[Array.IndexOf(expected.Documents, document)]);
    }

    [Theory]
    [InlineData("llama-gqa")]
    [InlineData("llama-tied")]
    public void Paper_gradients_match_the_float64_reference(string name)
    {
        using var model = CausalLanguageModel.Load(ModelFolder.Open(ReferenceFixtures.Folder(name)));
        var engine = new TokenGradients(model, ParameterFilter.Paper);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(ReferenceFixtures.Folder(name), "expected_gradients.json")));
        var root = json.RootElement;
        Assert.Equal(root.GetProperty("parameters").EnumerateArray().Select(p => p.GetString()), engine.Parameters.Select(p => p.Name));
        var reference = Npy.Read<float>(Path.Combine(ReferenceFixtures.Folder(name), "expected_gradients.npy"));
        var documents = ReferenceFixtures.Load(name).Documents;
        var targets = root.GetProperty("targets").EnumerateArray().Select(t => (Doc: t[0].GetInt32(), Pos: t[1].GetInt32())).ToArray();
        Assert.Equal([targets.Length, (int)engine.Dimension], reference.Shape);
        for (int t = 0; t < targets.Length; t++)
        {
            var ours = new float[engine.Dimension];
            engine.ForDocument(documents[targets[t].Doc], [targets[t].Pos], (_, blocks) => TokenGradients.CopyTo(blocks, ours));
            var expected = reference.Data.AsSpan(t * ours.Length, ours.Length);
            double dot = 0, ourNorm = 0, expectedNorm = 0;
            for (int i = 0; i < ours.Length; i++)
            {
                dot += (double)ours[i] * expected[i];
                ourNorm += (double)ours[i] * ours[i];
                expectedNorm += (double)expected[i] * expected[i];
            }
            double cosine = dot / Math.Sqrt(ourNorm * expectedNorm);
            Assert.True(cosine >= 1 - 1e-4, $"target {targets[t]}: cosine {cosine:R}");
        }
    }

    [Fact]
    public void Paper_filter_keeps_the_final_norm_and_the_layer_matrices_and_drops_embeddings_and_layer_norms()
    {
        var config = ModelFolder.Open(ReferenceFixtures.Folder("llama-gqa")).Config;
        using var model = new CausalLanguageModel(config);
        var all = model.ParameterShapes.Select(p => p.Name).ToList();
        var kept = ParameterFilter.Paper.Select(config).Select(p => p.Name).ToList();
        string[] layerMatrices = ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"];
        Assert.Equal([.. Enumerable.Range(0, 2).SelectMany(i => layerMatrices.Select(m => $"model.layers.{i}.{m}.weight")), "model.norm.weight"], kept);
        Assert.Equal(["lm_head.weight", "model.embed_tokens.weight", "model.layers.0.input_layernorm.weight", "model.layers.0.post_attention_layernorm.weight",
            "model.layers.1.input_layernorm.weight", "model.layers.1.post_attention_layernorm.weight"], all.Except(kept).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Parameter_names_and_shapes_are_Hugging_Faces_with_grouped_queries_and_tied_embeddings()
    {
        using var gqa = new CausalLanguageModel(ModelFolder.Open(ReferenceFixtures.Folder("llama-gqa")).Config);
        var shapes = gqa.ParameterShapes.ToDictionary(p => p.Name, p => string.Join(",", p.Shape));
        Assert.Equal("32,32", shapes["model.layers.1.self_attn.q_proj.weight"]);
        Assert.Equal("16,32", shapes["model.layers.1.self_attn.k_proj.weight"]);
        Assert.Equal("32,48", shapes["model.layers.0.mlp.down_proj.weight"]);
        Assert.Equal("128,32", shapes["lm_head.weight"]);
        Assert.Equal(2 + 2 * 9 + 1, shapes.Count);

        using var tied = new CausalLanguageModel(ModelFolder.Open(ReferenceFixtures.Folder("llama-tied")).Config);
        var tiedShapes = tied.ParameterShapes.ToDictionary(p => p.Name, p => string.Join(",", p.Shape));
        Assert.DoesNotContain("lm_head.weight", tiedShapes.Keys);
        Assert.Equal("24,16", tiedShapes["model.layers.0.self_attn.q_proj.weight"]);
        Assert.Equal("16,24", tiedShapes["model.layers.0.self_attn.o_proj.weight"]);
    }

    [Fact]
    public void Random_model_round_trips_through_config_json_and_safetensors()
    {
        var config = new LlamaConfig
        {
            HiddenSize = 16, IntermediateSize = 40, NumHiddenLayers = 1, NumAttentionHeads = 4, NumKeyValueHeads = 1,
            VocabSize = 50, MaxPositionEmbeddings = 32, RopeTheta = 1000, TieWordEmbeddings = true,
        };
        var folder = RandomModel.Create(TestPaths.NewTempFolder(), config, seed: 3);
        var loaded = Assert.IsType<LlamaConfig>(folder.Config);
        Assert.Equal((4, 1, 4, 1000.0, true), (loaded.NumAttentionHeads, loaded.KeyValueHeads, loaded.HeadSize, loaded.RopeTheta, loaded.TieWordEmbeddings));
        Assert.Equal("llama", JsonNode.Parse(File.ReadAllText(folder.ConfigPath))!["model_type"]!.GetValue<string>());
        using var model = CausalLanguageModel.Load(folder);
        int[] document = [1, 5, 9, 2, 49, 0, 7];
        var losses = ReferenceFixtures.Losses(model, document);
        Assert.All(losses, l => Assert.True(float.IsFinite(l) && l > 0));
        // Same weights, same losses: the ONNX export agrees with TorchSharp on a random model too.
        OnnxExporter.Export(folder);
        using var scorer = new OnnxLossScorer(folder);
        var onnx = scorer.ScoreBatch([document])[0];
        for (int j = 0; j < losses.Length; j++) Assert.True(Math.Abs(losses[j] - onnx[j]) < 1e-4, $"token {j + 1}");
    }

    [Theory]
    [InlineData("rope_scaling", """{"rope_type": "linear", "factor": 2.0}""")]
    [InlineData("rope_scaling", """{"type": "dynamic", "factor": 2.0}""")]
    [InlineData("attention_bias", "true")]
    [InlineData("mlp_bias", "true")]
    [InlineData("num_key_value_heads", "3")]
    [InlineData("rope_parameters", """{"rope_type": "yarn", "rope_theta": 10000.0, "factor": 4.0}""")]
    public void Unsupported_config_is_refused_naming_config_json_and_the_key(string key, string value)
    {
        var folder = ReferenceFixtures.Copy("llama-gqa");
        var path = Path.Combine(folder, "config.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        json[key] = JsonNode.Parse(value);
        File.WriteAllText(path, json.ToJsonString());
        var error = Assert.Throws<InputException>(() => ModelFolder.Open(folder));
        Assert.Contains(path, error.Message);
        Assert.Contains(key == "rope_parameters" ? "rope_scaling" : key, error.Message);
    }

    [Fact]
    public void Default_rope_and_null_rope_scaling_are_accepted()
    {
        var folder = ReferenceFixtures.Copy("llama-gqa");
        var path = Path.Combine(folder, "config.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        json.Remove("rope_theta");
        json["rope_parameters"] = new JsonObject { ["rope_type"] = "default", ["rope_theta"] = 500.0 };
        File.WriteAllText(path, json.ToJsonString());
        using var model = CausalLanguageModel.Load(ModelFolder.Open(folder));
        AssertEveryToken(ReferenceFixtures.Load("llama-gqa"), document => ReferenceFixtures.Losses(model, document));
    }
}
