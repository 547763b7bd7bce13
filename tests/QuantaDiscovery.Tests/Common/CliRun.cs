using QuantaDiscovery.Cli;

namespace QuantaDiscovery.Tests.Common;

/// <summary>Runs `quanta` in-process with writers of its own, so parallel tests never share the process-wide console.</summary>
public static class CliRun
{
    /// <summary>The exit code; what the command printed is discarded.</summary>
    public static Task<int> Quiet(string[] args) => QuantaCli.RunAsync(args, TextWriter.Null, TextWriter.Null);

    /// <summary>The exit code with what the command printed to its output and error writers.</summary>
    public static async Task<(int Code, string Output, string Error)> Captured(string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        int code = await QuantaCli.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
