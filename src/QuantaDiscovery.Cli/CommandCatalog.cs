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
        Commands.SelectCommand.Create(),
        Commands.GradientsCommand.Create(),
        Commands.QdgCommand.Create(),
        Commands.BrowseCommand.Create(),
        Commands.ClusterCommand.Create(),
        Commands.SimilarityCommand.Create(),
        Commands.GrokCommand.Create(),
        Commands.GrokSweepCommand.Create(),
        Commands.BimtCommand.Create(),
        Commands.SparseParityCommand.Create(),
        Commands.SparseParitySweepCommand.Create(),
        Commands.RunCommand.Create(),
        Commands.MergeCommand.Create(),
        Commands.TrainLmCommand.Create(),
        Commands.TruncateTokenizerCommand.Create(),
        Commands.MathQuestionsCommand.Create(),
        Commands.SuiteReportCommand.Create(),
        Commands.StandInsCommand.Create(),
    ];
}
