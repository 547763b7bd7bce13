using System.Runtime.CompilerServices;

// The tests check the gzip-truncation fallback, which is internal.
[assembly: InternalsVisibleTo("QuantaDiscovery.Tests")]
