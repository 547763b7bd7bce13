namespace QuantaDiscovery.Cli;

/// <summary>
/// libtorch's intra-op thread count, the one process-wide setting of this tool: set here, by the CLI that owns the
/// process, never by the library (whose results depend only on the count the caller chose).
/// </summary>
internal static class TorchThreadCount
{
    private static readonly Lazy<int> LibtorchDefault = new(TorchSharp.torch.get_num_threads);

    /// <summary>Uses <paramref name="threads"/> threads from now on; 0 (or null) restores libtorch's default.</summary>
    public static void Set(int? threads)
    {
        int defaultCount = LibtorchDefault.Value;
        TorchSharp.torch.set_num_threads(threads is > 0 and var n ? n : defaultCount);
    }
}
