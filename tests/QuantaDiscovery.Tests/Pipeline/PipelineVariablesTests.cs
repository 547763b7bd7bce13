using QuantaDiscovery.Common;
using QuantaDiscovery.Pipeline;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Pipeline;

/// <summary>variables:, ${vars.name}, --set and --root overrides, and {first..last..every} path ranges.</summary>
public class PipelineVariablesTests
{
    private static (string Folder, string Path) Write(string yaml) => PipelineYamlTests.Write(yaml);

    private const string WithVariables = """
        variables:
          greeting: hello
          times: 3
        stages:
          a:
            kind: echo
            text: "${vars.greeting} world"
            repeat: ${vars.times}
        """;

    [Fact]
    public void Variables_are_substituted_and_set_overrides_them()
    {
        var (_, path) = Write(WithVariables);
        var plain = PipelineYaml.Load(path, TestStages.Catalog);
        Assert.Equal("hello world", plain.Stage("a").Settings["text"].Scalar);
        Assert.Equal("3", plain.Stage("a").Settings["repeat"].Scalar);
        var overridden = PipelineYaml.Load(path, TestStages.Catalog,
            new PipelineOverrides(Variables: new Dictionary<string, string> { ["times"] = "5" }));
        Assert.Equal("5", overridden.Stage("a").Settings["repeat"].Scalar);
        Assert.Equal("5", overridden.Variables!["times"]);
    }

    [Fact]
    public void Setting_an_undeclared_variable_or_referring_to_one_is_an_error()
    {
        var (_, path) = Write(WithVariables);
        var unknownSet = Assert.Throws<InputException>(() => PipelineYaml.Load(path, TestStages.Catalog,
            new PipelineOverrides(Variables: new Dictionary<string, string> { ["nope"] = "1" })));
        Assert.Contains("--set nope", unknownSet.Message);
        Assert.Contains("greeting, times", unknownSet.Message);

        var (_, other) = Write("stages:\n  a:\n    kind: echo\n    text: \"${vars.missing}\"\n");
        var unknownReference = Assert.Throws<InputException>(() => PipelineYaml.Load(other, TestStages.Catalog));
        Assert.Equal(4, unknownReference.Line);
        Assert.Contains("${vars.missing}", unknownReference.Message);
    }

    [Fact]
    public void A_wrongly_typed_override_is_reported_at_the_setting()
    {
        var (_, path) = Write(WithVariables);
        var error = Assert.Throws<InputException>(() => PipelineYaml.Load(path, TestStages.Catalog,
            new PipelineOverrides(Variables: new Dictionary<string, string> { ["times"] = "many" })));
        Assert.Contains("whole number", error.Message);
        Assert.Equal(8, error.Line);
    }

    [Fact]
    public void Root_override_resolves_inputs_elsewhere()
    {
        var (_, path) = Write("stages:\n  a:\n    kind: echo\n    text: x\n    input: data/input.txt\n");
        Assert.Throws<InputException>(() => PipelineYaml.Load(path, TestStages.Catalog));
        var other = TestPaths.NewTempFolder();
        Directory.CreateDirectory(Path.Combine(other, "data"));
        File.WriteAllText(Path.Combine(other, "data", "input.txt"), "y");
        var definition = PipelineYaml.Load(path, TestStages.Catalog, new PipelineOverrides(Root: other));
        Assert.Equal(other, definition.Root);
    }

    [Fact]
    public void Numeric_ranges_expand_to_every_value_and_a_missing_one_is_named()
    {
        var folder = TestPaths.NewTempFolder();
        foreach (var step in new[] { 1000, 3000, 5000 }) Directory.CreateDirectory(Path.Combine(folder, $"m/step{step}"));
        var pattern = Path.Combine(folder, "m/step{1000..5000..2000}");
        Assert.Equal(["step1000", "step3000", "step5000"], PathGlob.Expand(pattern).Select(Path.GetFileName));
        Assert.Null(PathGlob.FirstMissing(pattern));
        Assert.Equal(Path.Combine(folder, "m/step2000"), PathGlob.FirstMissing(Path.Combine(folder, "m/step{1000..5000..1000}")));
        Assert.True(NumericRange.TryParse("1000..143000..1000", out var steps));
        Assert.Equal(143, steps.Length);
        Assert.Equal(143000, steps[^1]);
        Assert.False(NumericRange.TryParse("5..1", out _));
    }

    [Fact]
    public async Task Run_command_rejects_a_bad_set_with_exit_code_2()
    {
        var (_, path) = Write(WithVariables.Replace("kind: echo", "kind: fit"));
        Assert.Equal(2, await QuantaDiscovery.Cli.QuantaCli.RunAsync(["run", path, "--set", "times"]));
        Assert.Equal(2, await QuantaDiscovery.Cli.QuantaCli.RunAsync(["run", path, "--set", "nope=1"]));
    }
}
