using System.Text.Json.Nodes;
using QuantaDiscovery.Common;
using QuantaDiscovery.Models;
using QuantaDiscovery.Models.GptNeoX;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Models;

public class ModelFolderTests
{
    private static readonly GptNeoXConfig Tiny = new()
    {
        HiddenSize = 16, NumHiddenLayers = 2, NumAttentionHeads = 2, IntermediateSize = 64, VocabSize = 50,
        MaxPositionEmbeddings = 32,
    };

    private static void EditConfig(string folder, Action<JsonObject> edit)
    {
        var path = Path.Combine(folder, "config.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }

    [Fact]
    public void Missing_config_json_is_an_error_naming_it()
    {
        var folder = TestPaths.NewTempFolder();
        var error = Assert.Throws<InputException>(() => ModelFolder.Open(folder));
        Assert.Equal(Path.Combine(folder, "config.json"), error.FilePath);
    }

    [Fact]
    public void Unknown_hidden_act_is_an_error()
    {
        var folder = ReferenceFixtures.Copy("tiny-parallel");
        EditConfig(folder, json => json["hidden_act"] = "swish");
        var error = Assert.Throws<InputException>(() => ModelFolder.Open(folder));
        Assert.Contains("hidden_act 'swish'", error.Message);
        Assert.EndsWith("config.json", error.FilePath);
    }

    [Fact]
    public void Config_of_another_architecture_is_an_error()
    {
        var folder = ReferenceFixtures.Copy("tiny-parallel");
        EditConfig(folder, json => json["model_type"] = "gpt2");
        Assert.Contains("model_type 'gpt2'", Assert.Throws<InputException>(() => ModelFolder.Open(folder)).Message);
    }

    [Fact]
    public void Newer_transformers_rotary_names_are_accepted()
    {
        var folder = ReferenceFixtures.Copy("tiny-parallel");
        EditConfig(folder, json =>
        {
            json.Remove("rotary_pct");
            json.Remove("rotary_emb_base");
            json["rope_parameters"] = new JsonObject { ["rope_theta"] = 500.0, ["partial_rotary_factor"] = 0.5 };
        });
        var config = Assert.IsType<GptNeoXConfig>(ModelFolder.Open(folder).Config);
        Assert.Equal((500.0, 0.5), (config.RotaryEmbBase, config.RotaryPct));
    }

    [Fact]
    public void Config_missing_a_required_field_is_an_error()
    {
        var folder = ReferenceFixtures.Copy("tiny-parallel");
        EditConfig(folder, json => json.Remove("vocab_size"));
        var error = Assert.Throws<InputException>(() => ModelFolder.Open(folder));
        Assert.Contains("vocab_size", error.Message);
    }

    [Fact]
    public void Tensor_whose_shape_disagrees_with_the_config_is_an_error_naming_file_and_tensor()
    {
        var folder = ReferenceFixtures.Copy("tiny-parallel");
        EditConfig(folder, json => json["intermediate_size"] = 64);
        var error = Assert.Throws<InputException>(() => CausalLanguageModel.Load(ModelFolder.Open(folder)));
        Assert.Equal(Path.Combine(folder, "model.safetensors"), error.FilePath);
        Assert.Contains("gpt_neox.layers.0.mlp.dense_h_to_4h.weight", error.Message);
        Assert.Contains("[128, 32]", error.Message);
    }

    [Fact]
    public void Missing_tensor_is_an_error_naming_it()
    {
        var folder = ReferenceFixtures.Copy("tiny-parallel");
        EditConfig(folder, json => json["num_hidden_layers"] = 3);
        var error = Assert.Throws<InputException>(() => CausalLanguageModel.Load(ModelFolder.Open(folder)));
        Assert.Contains("'gpt_neox.layers.2.", error.Message);
        Assert.Contains("missing", error.Message);
    }

    [Fact]
    public void Tokenizer_larger_than_vocab_size_is_an_error()
    {
        var folder = ModelFolder.Open(ReferenceFixtures.Folder("tiny-parallel"));
        folder.ValidateVocabulary(128);
        Assert.Throws<InputException>(() => folder.ValidateVocabulary(129));
    }

    [Fact]
    public void Sharded_checkpoint_loads_through_its_index()
    {
        var config = GptNeoXConfig.Load(Path.Combine(ReferenceFixtures.Folder("tiny-parallel"), "config.json"));
        var folder = TestPaths.NewTempFolder();
        config.Save(Path.Combine(folder, "config.json"));
        var weightMap = new JsonObject();
        using (var weights = ModelFolder.Open(ReferenceFixtures.Folder("tiny-parallel")).OpenWeights())
        {
            var shapes = config.Family.Parameters(config).Select(p => (p.Name, p.Shape)).ToList();
            for (int shard = 0; shard < 2; shard++)
            {
                var file = $"model-0000{shard + 1}-of-00002.safetensors";
                var part = shapes.Where((_, i) => i % 2 == shard).ToList();
                SafetensorsFile.Write(Path.Combine(folder, file), part.Select(p => (p.Name, p.Shape, (ReadOnlyMemory<float>)weights.Read(p.Name, p.Shape))));
                foreach (var p in part) weightMap[p.Name] = file;
            }
        }
        File.WriteAllText(Path.Combine(folder, "model.safetensors.index.json"), new JsonObject { ["weight_map"] = weightMap }.ToJsonString());

        using var sharded = CausalLanguageModel.Load(ModelFolder.Open(folder));
        using var single = CausalLanguageModel.Load(ModelFolder.Open(ReferenceFixtures.Folder("tiny-parallel")));
        foreach (var ((name, a), (_, b)) in sharded.named_parameters().Zip(single.named_parameters()))
            Assert.True(a.equal(b).all().item<bool>(), name);
    }

    [Fact]
    public void F16_safetensors_round_trip_to_the_nearest_half()
    {
        var path = Path.Combine(TestPaths.NewTempFolder(), "t.safetensors");
        float[] values = [0.1f, -2.5f, 65504f, 1e-8f, 3.14159f, 0f];
        SafetensorsFile.Write(path, [("w", [2, 3], values)], SafetensorsDType.F16);
        using var file = SafetensorsFile.Open(path);
        Assert.Equal(SafetensorsDType.F16, file.Entries["w"].DType);
        Assert.Equal(values.Select(v => (float)(Half)v), file.ReadFloat32("w"));
    }

    [Fact]
    public void Truncated_safetensors_is_an_error_naming_the_file()
    {
        var path = Path.Combine(TestPaths.NewTempFolder(), "model.safetensors");
        var bytes = File.ReadAllBytes(Path.Combine(ReferenceFixtures.Folder("tiny-parallel"), "model.safetensors"));
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var error = Assert.Throws<InputException>(() => SafetensorsFile.Open(path));
        Assert.Equal(path, error.FilePath);
        Assert.Contains("tensor '", error.Message);
    }

    [Fact]
    public void Random_model_is_initialised_like_Hugging_Face()
    {
        var folder = RandomModel.Create(TestPaths.NewTempFolder(), Tiny, seed: 5);
        Assert.Equal(Tiny, folder.Config);
        using var weights = folder.OpenWeights();
        var embedding = weights.Read("gpt_neox.embed_in.weight", [50, 16]);
        double mean = embedding.Average(v => (double)v), std = Math.Sqrt(embedding.Average(v => (v - mean) * (v - mean)));
        Assert.InRange(std, 0.018, 0.022);
        Assert.InRange(mean, -0.003, 0.003);
        Assert.All(weights.Read("gpt_neox.layers.1.input_layernorm.weight", [16]), v => Assert.Equal(1f, v));
        Assert.All(weights.Read("gpt_neox.layers.1.attention.dense.bias", [16]), v => Assert.Equal(0f, v));
        using var model = CausalLanguageModel.Load(folder);
        using var sameSeed = RandomModel.Create(TestPaths.NewTempFolder(), Tiny, seed: 5).OpenWeights();
        Assert.Equal(sameSeed.Read("embed_out.weight", [50, 16]), weights.Read("embed_out.weight", [50, 16]));
    }
}
