using QuantaDiscovery.Cli;
using QuantaDiscovery.Common;
using QuantaDiscovery.Score;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Score;

/// <summary>
/// `--device cuda` where CUDA cannot run (this machine, CI: no GPU) exits 2 with one clear line saying what the device
/// needs, on the CPU build and on the GPU build (-p:QuantaGpu=true) alike. Skipped where a CUDA device works.
/// </summary>
public class CudaDeviceTests
{
    private static bool CudaWorks()
    {
        var folder = TestPaths.NewTempFolder();
        var model = TinyModels.Create(folder, seed: 5, exportOnnx: true);
        try
        {
            using var scorer = new OnnxLossScorer(model, new OnnxScorerOptions { Device = "cuda" });
            return true;
        }
        catch (InputException)
        {
            return false;
        }
    }

    [Fact]
    public async Task Losses_on_cuda_without_cuda_exit_2_with_one_clear_line()
    {
        if (CudaWorks()) return; // a machine with a working CUDA device: nothing to refuse
        var folder = TestPaths.NewTempFolder();
        var model = TinyModels.Create(Path.Combine(folder, "m"), seed: 6, exportOnnx: true);
        var corpus = Path.Combine(folder, "corpus.jsonl");
        File.WriteAllText(corpus, "{\"text\": \"hello world, hello world\"}\n");
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        int code;
        try
        {
            code = await QuantaCli.RunAsync(["losses", "--model", model.Directory, "--input", corpus, "--output", Path.Combine(folder, "out"), "--context", "32", "--device", "cuda"]);
        }
        finally { Console.SetError(previous); }
        Assert.Equal(2, code);
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains("device cuda", lines[0]);
        Assert.Contains("CUDA 13", lines[0]);
        Assert.Contains("cuDNN 9", lines[0]);
        Assert.DoesNotContain("CUDA 12", lines[0]);
    }
}
