using System.IO.Compression;
using QuantaDiscovery.Common;
using QuantaDiscovery.Corpus;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Corpus;

public class GzipTruncationTests
{
    [Fact]
    public void RuntimeDetectsTruncationOnceTheSwitchIsOn()
    {
        // This test process has already compressed with GZipStream; the switch must still take effect.
        using (var gzip = new GZipStream(new MemoryStream(), CompressionLevel.Fastest)) gzip.Write(new byte[10]);
        GzipTruncation.EnableDetection();
        Assert.True(GzipTruncation.DetectedByRuntime);
    }

    [Fact]
    public void TrailerCheckAcceptsTheTrueSizeAndRejectsAnother()
    {
        var data = new byte[70_000];
        new Random(7).NextBytes(data);
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(data);
        var path = Path.Combine(TestPaths.NewTempFolder(), "x.gz");
        File.WriteAllBytes(path, output.ToArray());

        GzipTruncation.CheckTrailer(data.Length, path, completeLines: 1);
        var e = Assert.Throws<InputException>(() => GzipTruncation.CheckTrailer(data.Length - 100, path, completeLines: 5));
        Assert.StartsWith($"{path}: gzip stream is truncated after line 5, the last complete line read", e.Message);
    }
}
