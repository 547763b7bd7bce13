using System.CommandLine;
using QuantaDiscovery.Train;

namespace QuantaDiscovery.Cli.Commands;

/// <summary>`quanta suite-report`: mean test loss per checkpoint of a trained suite, as a table and plots.</summary>
internal static class SuiteReportCommand
{
    public static Command Create()
    {
        var suite = SettingOptions.From<string>(SuiteReportSettings.Suite);
        var losses = SettingOptions.From<string>(SuiteReportSettings.Losses);
        var output = SettingOptions.From<string>(SuiteReportSettings.Output);
        var command = new Command("suite-report", "Mean test loss of every checkpoint of a suite trained by `quanta train-lm`, against size and step")
            .With(suite, losses, output);
        command.SetAction(parse =>
        {
            var table = SuiteReport.Read(ModelSuiteDefinition.Load(parse.GetValue(suite)!), parse.GetValue(losses)!);
            SuiteReport.Write(table, parse.GetValue(output)!);
            foreach (var l in table.Where(l => l.Step == table.Where(m => m.Size == l.Size).Max(m => m.Step)).OrderBy(l => l.Parameters))
                parse.Out().WriteLine($"{l.Name}: {l.LossNats:F4} nats, {l.LossBits:F4} bits");
            return 0;
        });
        return command;
    }
}
