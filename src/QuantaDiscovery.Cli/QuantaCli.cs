using System.CommandLine;
using QuantaDiscovery.Common;

namespace QuantaDiscovery.Cli;

/// <summary>
/// The `quanta` command: a thin shell over the library. One file per subcommand in Commands/.
/// This is the single place errors become exit codes: bad input (a parse error or an <see cref="InputException"/>) and
/// machine faults (<see cref="MachineFault"/>: a full disk) print one line and exit 2; anything else is a bug, printed with
/// its stack trace, exit 1.
/// </summary>
public static class QuantaCli
{
    public const int InputErrorExitCode = 2;

    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("quanta: quanta discovery and neural scaling analyses (Michaud et al. 2023)");
        foreach (var command in CommandCatalog.All())
            root.Subcommands.Add(command);
        return root;
    }

    /// <summary>Runs one command line. Commands write to <paramref name="output"/> and <paramref name="error"/> (the console's by default), never to the process-wide console.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null, CancellationToken cancellation = default)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var parse = BuildRoot().Parse(args);
        if (parse.Errors.Count > 0)
        {
            await error.WriteLineAsync($"error: {OneLine(string.Join("; ", parse.Errors.Select(e => e.Message)))} (see --help)");
            return InputErrorExitCode;
        }
        var newOutput = NewOutputPath(parse);
        try
        {
            var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = output, Error = error };
            return await parse.InvokeAsync(invocation, cancellation);
        }
        catch (Exception e) when (e is InputException or FileNotFoundException or DirectoryNotFoundException || MachineFault.Describe(e) is not null)
        {
            // a missing file or folder is one the user named (.NET's message names the path); a full disk is the user's to free
            // bad input leaves nothing behind: an --output that did not exist before this command is removed again
            if (newOutput is not null)
            {
                if (Directory.Exists(newOutput)) Directory.Delete(newOutput, recursive: true);
                else if (File.Exists(newOutput)) File.Delete(newOutput);
            }
            await error.WriteLineAsync($"error: {OneLine(MachineFault.Describe(e) ?? e.Message)}");
            return InputErrorExitCode;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            await error.WriteLineAsync("cancelled");
            return 130;
        }
        catch (Exception e)
        {
            await error.WriteLineAsync($"internal error (a bug; please report it with this trace):{Environment.NewLine}{e}");
            return 1;
        }
    }

    /// <summary>The command's --output path when nothing exists there yet (so a failure may remove what appeared); else null.</summary>
    private static string? NewOutputPath(ParseResult parse)
    {
        var option = parse.CommandResult.Command.Options.FirstOrDefault(o => o.Name == "--output");
        var path = option is null ? null : parse.GetResult(option)?.Tokens.FirstOrDefault()?.Value;
        return path is not null && !File.Exists(path) && !Directory.Exists(path) ? Path.GetFullPath(path) : null;
    }

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
