using QuantaDiscovery.Cli;
using QuantaDiscovery.Common;
using QuantaDiscovery.Models;
using QuantaDiscovery.Score;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Models;

/// <summary>Weight files are checked against their sha256 before use: SHA256SUMS in plain folders, blob names in a hub cache.</summary>
public class WeightChecksumsTests
{
    private static void FlipByte(string path, long offset)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = offset;
        int value = stream.ReadByte();
        stream.Position = offset;
        stream.WriteByte((byte)(value ^ 0x01));
    }

    private static void Truncate(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.SetLength(stream.Length - 7);
    }

    [Fact]
    public void A_plain_folder_records_its_sums_at_first_use_and_checks_them_after()
    {
        var folder = TestPaths.NewTempFolder();
        var model = TinyModels.Create(folder, seed: 1);
        var sums = Path.Combine(folder, WeightChecksums.FileName);
        Assert.False(File.Exists(sums));
        using (model.OpenWeights()) { }
        var line = Assert.Single(File.ReadAllLines(sums));
        Assert.Equal($"{WeightChecksums.Hash(model.SafetensorsPath)}  model.safetensors", line);
        using (model.OpenWeights()) { }
    }

    [Theory]
    [InlineData("flip")]
    [InlineData("truncate")]
    public async Task A_corrupted_plain_checkpoint_is_refused_with_the_file_named_and_exit_2(string damage)
    {
        var folder = TestPaths.NewTempFolder();
        var model = TinyModels.Create(folder, seed: 2);
        using (model.OpenWeights()) { }
        if (damage == "flip") FlipByte(model.SafetensorsPath, new FileInfo(model.SafetensorsPath).Length / 2);
        else Truncate(model.SafetensorsPath);
        var error = Assert.Throws<InputException>(() => ModelFolder.Open(folder).OpenWeights());
        Assert.Equal(model.SafetensorsPath, error.FilePath);
        Assert.Contains("corrupted or truncated", error.Message);
        Assert.Equal(2, await QuantaCli.RunAsync(["export-onnx", "--model", folder]));
        Assert.False(File.Exists(Path.Combine(folder, ModelFolder.OnnxFileName)));
    }

    private static async Task<string> HubCacheRoot()
    {
        var root = TestPaths.NewTempFolder();
        await StandInSuite.CreateAsync(root, TestPaths.InRepo("models/pico/tokenizer.json"), TestPaths.InRepo("data/mini-pile/test.jsonl.zst"),
            new StandInOptions { Steps = [1000, 143000], Documents = 2, Layout = StandInLayout.Hub });
        return root;
    }

    [Fact]
    public async Task A_hub_cache_is_read_offline_through_its_refs()
    {
        var root = await HubCacheRoot();
        var repository = Path.Combine(root, StandInSuite.HubFolder, "models--EleutherAI--pythia-70m-v0");
        var reference = Path.Combine(repository, "refs", "step143000");
        var model = ModelFolder.Open(reference);
        Assert.StartsWith(Path.Combine(repository, "snapshots"), model.Directory);
        Assert.Equal(16, Assert.IsType<QuantaDiscovery.Models.GptNeoX.GptNeoXConfig>(model.Config).HiddenSize);
        using (model.OpenWeights()) { }
        Assert.False(File.Exists(Path.Combine(model.Directory, WeightChecksums.FileName)));
        Assert.Equal(143000, CorpusScoring.CheckpointStep(reference));
        var other = Path.Combine(root, StandInSuite.HubFolder, "models--EleutherAI--pythia-160m-v0", "refs", "step143000");
        Assert.Equal(["pythia-70m-v0/step143000", "pythia-160m-v0/step143000"], CorpusScoring.ModelNames([reference, other]));
    }

    [Theory]
    [InlineData("flip")]
    [InlineData("truncate")]
    public async Task A_corrupted_hub_blob_is_refused_with_the_file_named_and_exit_2(string damage)
    {
        var root = await HubCacheRoot();
        var reference = Path.Combine(root, StandInSuite.HubFolder, "models--EleutherAI--pythia-160m-v0", "refs", "step1000");
        var model = ModelFolder.Open(reference);
        var blob = new FileInfo(model.SafetensorsPath).LinkTarget!;
        var blobPath = Path.GetFullPath(Path.Combine(model.Directory, blob));
        if (damage == "flip") FlipByte(blobPath, 100);
        else Truncate(blobPath);
        var error = Assert.Throws<InputException>(() => ModelFolder.Open(reference).OpenWeights());
        Assert.Equal(model.SafetensorsPath, error.FilePath);
        Assert.Contains(Path.GetFileName(blobPath), error.Message);
        Assert.Equal(2, await QuantaCli.RunAsync(["export-onnx", "--model", reference]));
    }

    [Fact]
    public async Task A_ref_to_a_missing_snapshot_is_named()
    {
        var root = await HubCacheRoot();
        var reference = Path.Combine(root, StandInSuite.HubFolder, "models--EleutherAI--pythia-70m-v0", "refs", "step1000");
        File.WriteAllText(reference, "0123456789abcdef0123456789abcdef01234567");
        var error = Assert.Throws<InputException>(() => ModelFolder.Open(reference));
        Assert.Contains("snapshot folder is missing", error.Message);
    }
}
