using System.Runtime.CompilerServices;
using QuantaDiscovery.Corpus;

namespace QuantaDiscovery.Tests.Corpus;

/// <summary>
/// The runtime reads GZipStream's strict-validation switch once, at its first use in the process. Tests that write gzip
/// fixtures may run before any corpus reader sets it, so the test assembly sets it when it loads.
/// </summary>
internal static class GzipDetectionInitializer
{
    [ModuleInitializer]
    internal static void EnableTruncationDetection() => GzipTruncation.EnableDetection();
}
