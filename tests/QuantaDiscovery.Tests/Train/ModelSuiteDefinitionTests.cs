using QuantaDiscovery.Common;
using QuantaDiscovery.Models.GptNeoX;
using QuantaDiscovery.Models.Llama;
using QuantaDiscovery.Tests.Common;
using QuantaDiscovery.Train;

namespace QuantaDiscovery.Tests.Train;

public class ModelSuiteDefinitionTests
{
    [Fact]
    public void Pico_suite_is_GPT_NeoX_and_its_suite_json_is_unchanged_by_saving()
    {
        var path = TestPaths.InRepo("models/pico/suite.json");
        var suite = ModelSuiteDefinition.Load(path);
        Assert.All(suite.Sizes, size => Assert.IsType<GptNeoXConfig>(suite.Config(size, 1000)));
        Assert.Equal(["pico-888", "pico-3k", "pico-13k", "pico-57k", "pico-100k", "pico-234k", "pico-336k"], suite.Sizes.Select(suite.Name));
        var saved = Path.Combine(TestPaths.NewTempFolder(), "suite.json");
        suite.Save(saved);
        Assert.DoesNotContain("family", File.ReadAllText(saved));
        Assert.DoesNotContain("kv_heads", File.ReadAllText(saved));
    }

    [Fact]
    public void Pico_llama_suite_gives_Llama_configs_with_grouped_queries()
    {
        var suite = ModelSuiteDefinition.Load(TestPaths.InRepo("models/pico-llama/suite.json"));
        var configs = suite.Sizes.Select(size => Assert.IsType<LlamaConfig>(suite.Config(size, 1000))).ToList();
        Assert.Equal([1, 2, 3, 2, 2], configs.Select(c => c.KeyValueHeads));
        Assert.Equal([48, 88, 128, 176, 256], configs.Select(c => c.IntermediateSize));
        Assert.All(configs, c => Assert.Equal(128, c.MaxPositionEmbeddings));
    }

    [Fact]
    public void Unknown_family_is_refused_naming_the_suite_file()
    {
        var path = Path.Combine(TestPaths.NewTempFolder(), "suite.json");
        File.WriteAllText(path, """{"family": "gpt2", "steps": 10, "sizes": [{"layers": 1, "d_model": 16, "heads": 2, "lr": 0.001}]}""");
        var error = Assert.Throws<InputException>(() => ModelSuiteDefinition.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("model_type 'gpt2' is not supported (supported: gpt_neox, llama)", error.Message);
    }
}
