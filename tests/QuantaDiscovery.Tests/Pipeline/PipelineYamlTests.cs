using QuantaDiscovery.Common;
using QuantaDiscovery.Pipeline;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Pipeline;

/// <summary>Every kind of mistake in a pipeline file is reported at its file:line:column.</summary>
public class PipelineYamlTests
{
    internal static (string Folder, string Path) Write(string yaml)
    {
        var folder = TestPaths.NewTempFolder();
        File.WriteAllText(Path.Combine(folder, "input.txt"), "data");
        var path = Path.Combine(folder, "pipeline.yaml");
        File.WriteAllText(path, yaml);
        return (folder, path);
    }

    private static InputException Fails(string yaml)
    {
        var (_, path) = Write(yaml);
        var error = Assert.Throws<InputException>(() => PipelineYaml.Load(path, TestStages.Catalog));
        Assert.Equal(path, error.FilePath);
        return error;
    }

    [Fact]
    public void ValidPipelineParsesWithDependenciesAndDefaults()
    {
        var (folder, path) = Write("""
            name: small
            stages:
              first:
                kind: echo
                text: hello
                input: input.txt
              second:
                kind: echo
                text: "${first.output}/echo.txt"
            """);
        var definition = PipelineYaml.Load(path, TestStages.Catalog);
        Assert.Equal("small", definition.Name);
        Assert.Equal(Path.Combine(folder, "work", "small"), definition.Work);
        Assert.Equal(["first", "second"], definition.Stages.Select(s => s.Name));
        Assert.Equal(["first"], PipelineYaml.Dependencies(definition.Stage("second")));
        Assert.Equal(new SourceLocation(path, 6, 12), definition.Stage("first").Settings["input"].Location);
    }

    [Fact]
    public void SyntaxErrorPointsAtLineAndColumn()
    {
        var error = Fails("stages:\n  a:\n    kind: echo\n    text: [unclosed\n");
        Assert.NotNull(error.Line);
        Assert.NotNull(error.Column);
        Assert.Contains("YAML syntax", error.Message);
    }

    [Fact]
    public void UnknownKindIsLocated()
    {
        var error = Fails("stages:\n  a:\n    kind: nosuch\n");
        Assert.Equal((3L, 11L), (error.Line!.Value, error.Column!.Value));
        Assert.Contains("unknown stage kind 'nosuch'", error.Message);
        Assert.Contains("echo", error.Message);
    }

    [Fact]
    public void UnknownSettingIsLocated()
    {
        var error = Fails("stages:\n  a:\n    kind: echo\n    text: x\n    colour: red\n");
        Assert.Equal((5L, 13L), (error.Line!.Value, error.Column!.Value));
        Assert.Contains("unknown setting 'colour'", error.Message);
    }

    [Fact]
    public void MissingInputFileIsLocated()
    {
        var error = Fails("stages:\n  a:\n    kind: echo\n    text: x\n    input: absent.txt\n");
        Assert.Equal((5L, 12L), (error.Line!.Value, error.Column!.Value));
        Assert.Contains("input not found", error.Message);
        Assert.Contains("absent.txt", error.Message);
    }

    [Fact]
    public void ReferenceToUndefinedStageIsLocated()
    {
        var error = Fails("stages:\n  a:\n    kind: echo\n    text: x\n    input: ${ghost.output}/x.txt\n");
        Assert.Equal((5L, 12L), (error.Line!.Value, error.Column!.Value));
        Assert.Contains("no stage named 'ghost'", error.Message);
    }

    [Fact]
    public void WrongTypeMissingSettingAndCycleAreLocated()
    {
        Assert.Contains("whole number", Fails("stages:\n  a:\n    kind: echo\n    text: x\n    repeat: many\n").Message);
        var missing = Fails("stages:\n  a:\n    kind: echo\n");
        Assert.Equal((2L, 3L), (missing.Line!.Value, missing.Column!.Value));
        Assert.Contains("needs the setting 'text'", missing.Message);
        var cycle = Fails("stages:\n  a:\n    kind: echo\n    text: ${b.output}\n  b:\n    kind: echo\n    text: ${a.output}\n");
        Assert.Contains("depends on itself", cycle.Message);
        Assert.Contains("unknown key 'stagez'", Fails("stagez:\n  a:\n    kind: echo\n").Message);
    }

    /// <summary>The shipped pipelines are well formed: loading them fails, if at all, only on model folders not yet present.</summary>
    [Theory]
    [InlineData("pipelines/demo.yaml")]
    [InlineData("pipelines/pythia.yaml")]
    [InlineData("pipelines/pico.yaml")]
    public void ShippedPipelinesAreWellFormed(string relativePath)
    {
        try
        {
            var definition = PipelineYaml.Load(TestPaths.InRepo(relativePath));
            Assert.Contains(definition.Stages, s => s.Kind == "report");
        }
        catch (InputException e)
        {
            Assert.Contains("input not found", e.Message);
            Assert.Contains("models", e.Message);
        }
    }
}
