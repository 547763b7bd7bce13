using System.Globalization;
using System.Runtime.InteropServices;
using QuantaDiscovery.Models;
using QuantaDiscovery.Models.Onnx;

namespace QuantaDiscovery.Score;

/// <summary>
/// How many documents one forward pass of the scoring graph (an export of <see cref="OnnxExporter"/> with
/// <see cref="OnnxLossHead"/>) can take: an estimate of its activation memory per document from the model's
/// dimensions, the padded length and the element type, against the device's free memory.
/// </summary>
public static class ScoringMemory
{
    /// <summary>Share of the free memory a batch may fill; the rest is ONNX Runtime's arena slack and other processes.</summary>
    public const double UsableFraction = 0.8;

    /// <summary>
    /// Bytes of activations one document of <paramref name="length"/> tokens needs at the peak of the forward pass,
    /// with e = bytes per element of the compute type and T = length:
    /// logits T·V·(e + 4 + 4) in half precision, T·V·(4 + 4) in float32 (the logits, the loss head's float32 copy,
    /// the log-probabilities of its LogSoftmax);
    /// attention of one layer H·T²·(16 + 2e) in half precision, H·T²·16 in float32 (scores, their float32 copy,
    /// scaled, masked, softmax, the copy back);
    /// the MLP T·d_ff·3e (up, gate, activation); the residual stream and projections T·d·8e.
    /// Weights are not counted: they are on the device before the free memory is read.
    /// </summary>
    public static long BytesPerDocument(ModelDimensions dimensions, int vocabulary, int length, OnnxPrecision precision)
    {
        long e = precision.ElementBytes(), t = length;
        bool half = precision != OnnxPrecision.Float32;
        long logits = t * vocabulary * (e + (half ? 4 : 0) + 4);
        long attention = dimensions.Heads * t * t * (16 + (half ? 2 * e : 0));
        long mlp = t * dimensions.Intermediate * 3 * e;
        long hidden = t * dimensions.Hidden * 8 * e;
        return logits + attention + mlp + hidden;
    }

    /// <summary>Documents per forward pass that fit <paramref name="budgetBytes"/>: at least 1.</summary>
    public static int Documents(long budgetBytes, long bytesPerDocument) =>
        (int)Math.Clamp(budgetBytes / Math.Max(1, bytesPerDocument), 1, int.MaxValue);

    /// <summary>
    /// Free memory of <paramref name="device"/> in bytes: for cpu the kernel's MemAvailable (/proc/meminfo), for cuda
    /// cudaMemGetInfo of the current device (the GPU build only). Null where it cannot be read.
    /// </summary>
    public static long? FreeBytes(string device) => device switch
    {
        "cpu" => AvailableRam(),
        "cuda" => CudaFree(),
        _ => null,
    };

    /// <summary>MemAvailable of a /proc/meminfo text, in bytes.</summary>
    public static long? ParseMemAvailable(string meminfo)
    {
        foreach (var line in meminfo.Split('\n'))
        {
            if (!line.StartsWith("MemAvailable:", StringComparison.Ordinal)) continue;
            var parts = line["MemAvailable:".Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 1 && long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out long kib))
                return parts.Length > 1 && parts[1] == "kB" ? kib * 1024 : kib;
        }
        return null;
    }

    private static long? AvailableRam()
    {
        try
        {
            return File.Exists("/proc/meminfo") ? ParseMemAvailable(File.ReadAllText("/proc/meminfo")) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

#if QUANTA_GPU
    // The CUDA 13 runtime that ONNX Runtime's CUDA provider loads (see OnnxLossScorer.CudaUnavailableMessage).
    [DllImport("libcudart.so.13", EntryPoint = "cudaMemGetInfo")]
    private static extern int CudaMemGetInfo(out nuint free, out nuint total);

    private static long? CudaFree()
    {
        try
        {
            return CudaMemGetInfo(out var free, out _) == 0 ? (long)free : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }
#else
    private static long? CudaFree() => null;
#endif
}
