using System.CommandLine;

namespace QuantaDiscovery.Cli;

/// <summary>Every `quanta` subcommand, one line each; each lives in Commands/&lt;Name&gt;Command.cs.</summary>
public static class CommandCatalog
{
    public static IEnumerable<Command> All() =>
    [
        Commands.TokenizeCommand.Create(),
        Commands.FitCommand.Create(),
        Commands.ScalingCommand.Create(),
        Commands.ExportOnnxCommand.Create(),
        Commands.LossesCommand.Create(),
        Commands.TrainLmCommand.Create(),
        Commands.TruncateTokenizerCommand.Create(),
        Commands.SuiteReportCommand.Create(),
    ];
}
