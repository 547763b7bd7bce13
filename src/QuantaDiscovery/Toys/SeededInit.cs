using static TorchSharp.torch;

namespace QuantaDiscovery.Toys;

/// <summary>
/// Builds a model from libtorch's global random generator seeded with <c>torch.manual_seed</c>. The
/// generator is process-wide, so seeding and initialisation hold one lock: two trainers on different
/// threads (parallel tests, sweeps) would otherwise interleave their draws and lose determinism.
/// </summary>
internal static class SeededInit
{
    private static readonly Lock Gate = new();

    public static T Create<T>(int seed, Func<T> build)
    {
        lock (Gate)
        {
            random.manual_seed(seed);
            return build();
        }
    }
}
