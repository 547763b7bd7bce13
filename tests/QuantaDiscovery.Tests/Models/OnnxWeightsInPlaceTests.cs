using QuantaDiscovery.Common;
using QuantaDiscovery.Models;
using QuantaDiscovery.Models.Onnx;
using QuantaDiscovery.Score;
using QuantaDiscovery.Tests.Common;
using DataLocation = QuantaDiscovery.Models.Onnx.TensorProto.Types.DataLocation;

namespace QuantaDiscovery.Tests.Models;

public class OnnxWeightsInPlaceTests
{
    [Fact]
    public void Inline_weights_become_references_to_the_same_bytes_of_the_file()
    {
        var folder = ModelFolder.Open(ReferenceFixtures.Copy("tiny-parallel"));
        OnnxExporter.Export(folder);
        var file = File.ReadAllBytes(folder.OnnxPath);
        var original = ModelProto.Parser.ParseFrom(file);

        var read = OnnxWeightsInPlace.Read(folder.OnnxPath);

        Assert.Equal(original.Graph.Node, read.Graph.Node);
        Assert.Equal(original.Graph.Input, read.Graph.Input);
        Assert.Equal(original.Graph.Output, read.Graph.Output);
        Assert.Equal(original.OpsetImport, read.OpsetImport);
        Assert.Equal(original.Graph.Initializer.Select(t => t.Name), read.Graph.Initializer.Select(t => t.Name));
        int moved = 0;
        foreach (var (before, after) in original.Graph.Initializer.Zip(read.Graph.Initializer))
        {
            Assert.Equal(before.Dims, after.Dims);
            Assert.Equal(before.DataType, after.DataType);
            if (before.RawData.Length < OnnxWeightsInPlace.SmallestMovedBytes)
            {
                Assert.Equal(before, after);
                continue;
            }
            moved++;
            Assert.Equal(DataLocation.External, after.DataLocation);
            Assert.True(after.RawData.IsEmpty);
            var entries = after.ExternalData.ToDictionary(e => e.Key, e => e.Value);
            Assert.Equal("model.onnx", entries["location"]);
            var bytes = file.AsSpan(int.Parse(entries["offset"]), int.Parse(entries["length"]));
            Assert.True(bytes.SequenceEqual(before.RawData.Span), before.Name);
        }
        Assert.True(moved >= 10, $"{moved} initializers moved");
        Assert.True(read.CalculateSize() < file.Length / 4, $"{read.CalculateSize()} bytes read of {file.Length}");
    }

    [Fact]
    public void Bytes_that_are_not_protobuf_are_an_input_error()
    {
        var path = Path.Combine(TestPaths.NewTempFolder(), "model.onnx");
        File.WriteAllBytes(path, [0x3A, 0xFF, 0xFF, 0xFF, 0x0F, 1, 2, 3]);
        var error = Assert.Throws<InputException>(() => OnnxWeightsInPlace.Read(path));
        Assert.Contains("not an ONNX model", error.Message);
        Assert.Contains("runs past the end", error.Message);
    }
}
