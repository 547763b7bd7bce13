using System.Globalization;
using QuantaDiscovery.Cli;
using QuantaDiscovery.Common;

// Files this tool writes (CSV, JSON, logs) use invariant number formats whatever the user's locale.
// (ICU stays on: the tokenizer's NFC normalisation needs it.)
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
NativeHeap.KeepFreedPages();
return await QuantaCli.RunAsync(args);
