using QuantaDiscovery.Tests.Common;
using QuantaDiscovery.Cli;
using QuantaDiscovery.Tests.Models;

namespace QuantaDiscovery.Tests.Cli;

public class ExportOnnxCommandTests
{
    [Fact]
    public async Task Writes_model_onnx_into_the_folder()
    {
        var folder = ReferenceFixtures.Copy("tiny-parallel");
        Assert.Equal(0, await CliRun.Quiet(["export-onnx", "--model", folder]));
        Assert.True(new FileInfo(Path.Combine(folder, "model.onnx")).Length > 100_000);
    }

    [Fact]
    public async Task Folder_without_config_exits_with_code_2() =>
        Assert.Equal(2, await CliRun.Quiet(["export-onnx", "--model", Path.GetTempPath()]));
}
