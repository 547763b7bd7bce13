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
}
