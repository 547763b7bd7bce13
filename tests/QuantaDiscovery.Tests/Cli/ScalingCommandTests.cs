using System.Text.Json;
using QuantaDiscovery.Cli;
using QuantaDiscovery.Common;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Cli;

public class ScalingCommandTests
{
    [Fact]
    public async Task ScalingWritesSummaryWithTheExcludedModelLeftOut()
    {
        var folder = TestPaths.NewTempFolder();
        double[] sizes = [1e6, 1e7, 1e8, 1e9];
        const int tokens = 50;
        var data = new float[tokens * sizes.Length];
        for (int t = 0; t < tokens; t++)
            for (int m = 0; m < sizes.Length; m++)
                data[t * sizes.Length + m] = (float)(6 * Math.Pow(sizes[m], -0.05) * (t % 2 == 0 ? 0.5 : 1.5));
        var losses = Path.Combine(folder, "losses.npy");
        Npy.Write<float>(losses, data, tokens, sizes.Length);
        var models = Path.Combine(folder, "models.csv");
        File.WriteAllText(models, "name,params\n" + string.Concat(sizes.Select((n, i) => FormattableString.Invariant($"m{i},{n}\n"))));
        var output = Path.Combine(folder, "out");

        int code = await CliRun.Quiet(["scaling", "--losses", losses, "--params", models, "--output", output, "--exclude", "m3"]);

        Assert.Equal(0, code);
        var fit = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json"))).RootElement.GetProperty("loss_vs_params");
        Assert.Equal(0.05, fit.GetProperty("alpha_n").GetDouble(), 1e-5);
        Assert.Equal(3, fit.GetProperty("models").GetArrayLength());
        Assert.True(File.Exists(Path.Combine(output, "loss_vs_params.svg")));
    }
}
