using QuantaDiscovery.Common;

namespace QuantaDiscovery.Tests.Common;

public class NpyTests
{
    [Fact]
    public void RoundTripsFloatMatrix()
    {
        var path = Path.Combine(Path.GetTempPath(), $"npy-{Guid.NewGuid():N}.npy");
        float[] data = [1f, 2f, 3f, 4f, 5f, 6f];
        Npy.Write<float>(path, data, 2, 3);
        var back = Npy.Read<float>(path);
        Assert.Equal([2, 3], back.Shape);
        Assert.Equal(data, back.Data);
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(0, (10 + BitConverter.ToUInt16(bytes, 8)) % 64);
        File.Delete(path);
    }

    [Fact]
    public void RejectsWrongDtypeNamingTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"npy-{Guid.NewGuid():N}.npy");
        Npy.Write<int>(path, [1, 2, 3], 3);
        var e = Assert.Throws<InputException>(() => Npy.Read<float>(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("<i4", e.Message);
        File.Delete(path);
    }
}
