using System.CommandLine;

namespace QuantaDiscovery.Cli;

/// <summary>The writers a command prints to: those <see cref="QuantaCli.RunAsync"/> was given, never the process-wide console.</summary>
internal static class ParseResultWriters
{
    public static TextWriter Out(this ParseResult parse) => parse.InvocationConfiguration.Output;
    public static TextWriter Err(this ParseResult parse) => parse.InvocationConfiguration.Error;
}
