using System.Runtime.InteropServices;
using TorchSharp;

namespace QuantaDiscovery.Common;

/// <summary>
/// The address of a CPU tensor's first element, for loops that read or write libtorch's memory directly. TorchSharp's
/// <c>Tensor.bytes</c> is a span and so stops at 2³¹ bytes (an n × b float32 block passes that at n = 1,000,000, b = 1,200);
/// the address has no such limit. The tensor must stay alive (and in place) while the address is used.
/// </summary>
internal static partial class TensorAddress
{
    [LibraryImport("LibTorchSharp")]
    private static partial nint THSTensor_data(nint tensor);

    /// <summary>Address of element 0 of <paramref name="tensor"/> (which must be contiguous for row-major indexing).</summary>
    public static nint Of(torch.Tensor tensor)
    {
        if (tensor.device_type != DeviceType.CPU) throw new ArgumentException("the tensor must be on the CPU", nameof(tensor));
        nint address = THSTensor_data(tensor.Handle);
        if (address == 0 && tensor.numel() > 0) throw new InvalidOperationException("libtorch returned no data address for a non-empty tensor");
        return address;
    }
}
