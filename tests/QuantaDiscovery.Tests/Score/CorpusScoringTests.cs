using QuantaDiscovery.Score;

namespace QuantaDiscovery.Tests.Score;

public class CorpusScoringTests
{
    [Theory]
    [InlineData("models/pythia/pythia-70m/step143000", 143000L)]
    [InlineData("models/pico/pico-3k/step0/", 0L)]
    [InlineData("step16", 16L)]
    public void CheckpointFoldersNamedStepNGiveTheirStep(string folder, long step) =>
        Assert.Equal(step, CorpusScoring.CheckpointStep(folder));

    [Theory]
    [InlineData("models/pythia/pythia-70m")]
    [InlineData("models/x/step")]
    [InlineData("models/x/step-1")]
    [InlineData("models/x/steps10")]
    [InlineData("models/x/step1e3")]
    [InlineData("models/x/step99999999999999999999999")]
    public void OtherFolderNamesHaveNoStep(string folder) => Assert.Null(CorpusScoring.CheckpointStep(folder));

    /// <summary>One naming rule: a model's name (and so its loss column and its table's file) does not depend on what it is scored with.</summary>
    [Fact]
    public void AModelIsNamedTheSameAloneAndInASuite()
    {
        const string Checkpoint = "models/pico/pico-3k/step240";
        Assert.Equal(["pico-3k/step240"], CorpusScoring.ModelNames([Checkpoint]));
        Assert.Equal(["pico-3k/step240", "pico-3k/step24"], CorpusScoring.ModelNames([Checkpoint, "models/pico/pico-3k/step24"]));
        Assert.Equal(["pico-3k/step240", "pico-13k/step240"], CorpusScoring.ModelNames([Checkpoint, "models/pico/pico-13k/step240"]));
        Assert.Equal(["pico-3k/step240", "pythia-70m"], CorpusScoring.ModelNames([Checkpoint, "models/pythia/pythia-70m/"]));
        Assert.Equal("pico-3k_step240", CorpusScoring.FileStem(CorpusScoring.ModelName(Checkpoint)));
        Assert.Equal("pythia-70m", CorpusScoring.FileStem(CorpusScoring.ModelName("models/pythia/pythia-70m")));
    }

    [Fact]
    public void FoldersThatWouldShareANameAreRefused()
    {
        var error = Assert.Throws<QuantaDiscovery.Common.InputException>(() => CorpusScoring.ModelNames(["runs/a/final", "runs/b/final"]));
        Assert.Contains("both be named 'final'", error.Message);
        Assert.Contains("more than once", Assert.Throws<QuantaDiscovery.Common.InputException>(() => CorpusScoring.ModelNames(["m/x", "m/x/"])).Message);
    }
}
