using QuantaDiscovery.Models;
using QuantaDiscovery.Models.GptNeoX;
using QuantaDiscovery.Tests.Common;
using TorchSharp;
using static TorchSharp.torch;

namespace QuantaDiscovery.Tests.Models;

public class GptNeoXModelTests
{
    [Theory]
    [InlineData("tiny-parallel")]      // parallel residual, rotary_pct 0.25, gelu
    [InlineData("tiny-sequential")]    // sequential residual, rotary_pct 1.0, gelu_new
    [InlineData("tiny-parallel-f16")]  // F16 safetensors
    [InlineData("tiny-parallel-bf16")] // BF16 safetensors
    public void Losses_match_the_independent_PyTorch_reference(string name)
    {
        using var model = CausalLanguageModel.Load(ModelFolder.Open(ReferenceFixtures.Folder(name)));
        var expected = ReferenceFixtures.Load(name);
        for (int d = 0; d < expected.Documents.Length; d++)
            Assert.True(ReferenceFixtures.MaxAbsDifference(expected.Losses[d], ReferenceFixtures.Losses(model, expected.Documents[d])) < 2e-5,
                $"document {d}");
    }

    [Fact]
    public void Parameter_names_and_shapes_are_Hugging_Faces()
    {
        var config = GptNeoXConfig.Load(Path.Combine(ReferenceFixtures.Folder("tiny-parallel"), "config.json"));
        using var model = new CausalLanguageModel(config);
        var actual = model.named_parameters().Select(p => (p.name, string.Join(",", p.parameter.shape))).ToList();
        // HF's GPTNeoXForCausalLM.named_parameters() for hidden 32, intermediate 128, vocab 128, two layers.
        var expected = new List<(string, string)> { ("gpt_neox.embed_in.weight", "128,32") };
        for (int i = 0; i < 2; i++)
            expected.AddRange([
                ($"gpt_neox.layers.{i}.input_layernorm.weight", "32"), ($"gpt_neox.layers.{i}.input_layernorm.bias", "32"),
                ($"gpt_neox.layers.{i}.post_attention_layernorm.weight", "32"), ($"gpt_neox.layers.{i}.post_attention_layernorm.bias", "32"),
                ($"gpt_neox.layers.{i}.attention.query_key_value.weight", "96,32"), ($"gpt_neox.layers.{i}.attention.query_key_value.bias", "96"),
                ($"gpt_neox.layers.{i}.attention.dense.weight", "32,32"), ($"gpt_neox.layers.{i}.attention.dense.bias", "32"),
                ($"gpt_neox.layers.{i}.mlp.dense_h_to_4h.weight", "128,32"), ($"gpt_neox.layers.{i}.mlp.dense_h_to_4h.bias", "128"),
                ($"gpt_neox.layers.{i}.mlp.dense_4h_to_h.weight", "32,128"), ($"gpt_neox.layers.{i}.mlp.dense_4h_to_h.bias", "32"),
            ]);
        expected.AddRange([("gpt_neox.final_layer_norm.weight", "32"), ("gpt_neox.final_layer_norm.bias", "32"), ("embed_out.weight", "128,32")]);
        Assert.Equal(expected, actual);
        Assert.Equal(expected, model.ParameterShapes.Select(p => (p.Name, string.Join(",", p.Shape))));
    }

    [Fact]
    public void Right_padded_batch_equals_one_document_at_a_time()
    {
        using var model = CausalLanguageModel.Load(ModelFolder.Open(ReferenceFixtures.Folder("tiny-sequential")));
        var documents = ReferenceFixtures.Load("tiny-sequential").Documents.Where(d => d.Length >= 2).ToArray();
        int length = documents.Max(d => d.Length);
        var ids = new long[documents.Length * length];
        var mask = new long[documents.Length * length];
        for (int d = 0; d < documents.Length; d++)
            for (int t = 0; t < documents[d].Length; t++)
            {
                ids[d * length + t] = documents[d][t];
                mask[d * length + t] = 1;
            }
        using var noGrad = no_grad();
        using var losses = model.TokenLosses(tensor(ids, [documents.Length, length]), tensor(mask, [documents.Length, length]));
        for (int d = 0; d < documents.Length; d++)
        {
            var batched = losses[d].narrow(0, 0, documents[d].Length - 1).data<float>().ToArray();
            var alone = ReferenceFixtures.Losses(model, documents[d]);
            Assert.Equal(alone.Length, batched.Length);
            for (int j = 0; j < alone.Length; j++)
                Assert.True(Math.Abs(alone[j] - batched[j]) < 1e-5, $"document {d}, token {j + 1}");
        }
    }

    [Fact]
    public void Saved_safetensors_load_back_to_the_same_losses()
    {
        var source = ReferenceFixtures.Folder("tiny-parallel");
        using var model = CausalLanguageModel.Load(ModelFolder.Open(source));
        var copy = TestPaths.NewTempFolder();
        File.Copy(Path.Combine(source, "config.json"), Path.Combine(copy, "config.json"));
        model.SaveSafetensors(Path.Combine(copy, "model.safetensors"));
        using var reloaded = CausalLanguageModel.Load(ModelFolder.Open(copy));
        var document = ReferenceFixtures.Load("tiny-parallel").Documents[^1];
        Assert.Equal(ReferenceFixtures.Losses(model, document), ReferenceFixtures.Losses(reloaded, document));
    }

    [Fact]
    public void Gradients_flow_to_every_parameter()
    {
        using var model = CausalLanguageModel.Load(ModelFolder.Open(ReferenceFixtures.Folder("tiny-parallel")));
        var document = ReferenceFixtures.Load("tiny-parallel").Documents[^1];
        using var ids = tensor(document.Select(t => (long)t).ToArray(), [1, document.Length]);
        model.TokenLosses(ids).mean().backward();
        foreach (var (name, parameter) in model.named_parameters())
            Assert.True(parameter.grad is not null && parameter.grad.abs().max().item<float>() > 0, name);
    }
}
