using System.Runtime.InteropServices;
using QuantaDiscovery.Common;
using static TorchSharp.torch;

namespace QuantaDiscovery.Tests.Common;

public class TensorAddressTests
{
    [Fact]
    public void ReachesElementsPastTwoGigabytes()
    {
        // An n × b float32 block at n = 1,000,000, b = 1,200 is 4.8 GB; TorchSharp's byte span stops at 2^31 bytes.
        using var scope = NewDisposeScope();
        long count = (1L << 29) + 16;   // 2^31 + 64 bytes, left untouched (empty) but for the two elements written
        var big = empty(count, ScalarType.Float32);
        Assert.Throws<ArgumentException>(() => big.bytes.Length);
        nint address = TensorAddress.Of(big);
        Marshal.Copy(new[] { 1.5f }, 0, address, 1);
        Marshal.Copy(new[] { -2.25f }, 0, address + (nint)((count - 1) * sizeof(float)), 1);
        Assert.Equal(1.5f, big[0].item<float>());
        Assert.Equal(-2.25f, big[count - 1].item<float>());
    }

    [Fact]
    public void OfAView_IsItsFirstElement()
    {
        using var scope = NewDisposeScope();
        var rows = arange(12, ScalarType.Float32).reshape(4, 3);
        var lastTwo = rows.narrow(0, 2, 2);
        Assert.Equal(TensorAddress.Of(rows) + 6 * sizeof(float), TensorAddress.Of(lastTwo));
    }
}
