using TorchSharp;

namespace QuantaDiscovery.Common;

/// <summary>
/// Scalars passed to libtorch, held in static fields. A temporary Scalar (TorchSharp converts numbers, and
/// fills in the default alpha of add_/sub_, implicitly) can be finalised by the GC while the native call that
/// reads it is still running; under allocation from parallel k-means restarts that corrupted results, so every Scalar
/// a stage passes to libtorch repeatedly (clustering, the toy trainers) is kept alive here or in a local <c>using</c>.
/// </summary>
internal static class Scalars
{
    public static readonly Scalar Zero = 0;
    public static readonly Scalar One = 1;
    public static readonly Scalar Two = 2;   // for pow(Two): Tensor.square() passes a temporary Scalar 2
    public static readonly Scalar MinusTwo = -2;
    public static readonly Scalar OneHalf = 0.5;
}
