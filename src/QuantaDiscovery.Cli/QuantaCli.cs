using System.CommandLine;
using QuantaDiscovery.Common;

namespace QuantaDiscovery.Cli;

/// <summary>The `quanta` command: a thin shell over the library. One file per subcommand in Commands/.</summary>
public static class QuantaCli
{
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("quanta: quanta discovery and neural scaling analyses (Michaud et al. 2023)");
        foreach (var command in CommandCatalog.All())
            root.Subcommands.Add(command);
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellation = default)
    {
        try
        {
            // The default handler would print InputException with its stack trace and exit 1; let it reach the catch below.
            var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
            return await BuildRoot().Parse(args).InvokeAsync(invocation, cancellation);
        }
        catch (InputException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
    }
}
