using System.CommandLine;
using QuantaDiscovery.Qdg;
using QuantaDiscovery.Select;

namespace QuantaDiscovery.Cli.Commands;

internal static class SelectCommand
{
    public static Command Create()
    {
        var losses = SettingOptions.From<string>(QdgSettings.Losses);
        var input = SettingOptions.From<string>(QdgSettings.Corpus, "--input");
        var model = SettingOptions.From<string>(QdgSettings.Model);
        var output = SettingOptions.From<string>(SelectSettings.Output);
        var maxLoss = SettingOptions.From<float>(QdgSettings.MaxLoss);
        var samples = SettingOptions.From<int>(QdgSettings.Samples);
        var stride = SettingOptions.From<int>(QdgSettings.Stride);
        var maxSetShare = SettingOptions.From<double?>(QdgSettings.MaxSetShare);
        var noInduction = SettingOptions.From<bool>(SelectSettings.NoInductionFilter);
        var uniform = SettingOptions.From<bool>(SelectSettings.Uniform);
        var seed = SettingOptions.From<int>(QdgSettings.Seed);
        var context = SettingOptions.From<int>(QdgSettings.Context);
        var lossColumn = SettingOptions.From<string?>(SelectSettings.LossColumn);
        var command = new Command("select", "Choose low-loss, non-induction tokens for gradient clustering (Michaud et al. 2023, §5)")
            .With(losses, input, model, output, maxLoss, samples, stride, maxSetShare, noInduction, uniform, seed, context, lossColumn);
        command.SetAction(async (parse, cancellation) =>
        {
            var options = new TokenSelectionOptions
            {
                MaxLoss = parse.GetValue(maxLoss),
                Samples = parse.GetValue(samples),
                Stride = parse.GetValue(stride),
                MaxSetShare = parse.GetValue(maxSetShare),
                InductionFilter = !parse.GetValue(noInduction),
                Uniform = parse.GetValue(uniform),
                Seed = parse.GetValue(seed),
                Context = parse.GetValue(context),
                LossColumn = parse.GetValue(lossColumn),
            };
            var result = await TokenSelection.RunAsync(parse.GetValue(losses)!, parse.GetValue(input)!, parse.GetValue(model)!, parse.GetValue(output)!, options, cancellation);
            parse.Err().WriteLine($"{result.TableRows:N0} tokens, {result.Candidates:N0} below {options.MaxLoss} nats, " +
                $"{result.InductionRemoved:N0} induction tokens removed, {result.Chosen:N0} chosen");
            parse.Out().WriteLine(result.SamplesPath);
            parse.Out().WriteLine(result.SettingsPath);
            return 0;
        });
        return command;
    }
}
