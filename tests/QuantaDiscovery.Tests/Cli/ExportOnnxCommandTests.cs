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
    public async Task Dtype_f16_stores_the_weights_as_float16()
    {
        var folder = ReferenceFixtures.Copy("tiny-parallel");
        Assert.Equal(0, await CliRun.Quiet(["export-onnx", "--model", folder, "--dtype", "f16"]));
        var model = QuantaDiscovery.Models.Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(folder, "model.onnx")));
        Assert.Contains(model.Graph.Initializer, t => t.Name == "gpt_neox.embed_in.weight" && t.DataType == (int)QuantaDiscovery.Models.Onnx.TensorProto.Types.DataType.Float16);
    }

    [Fact]
    public async Task Folder_without_config_exits_with_code_2() =>
        Assert.Equal(2, await CliRun.Quiet(["export-onnx", "--model", Path.GetTempPath()]));
}
