using System.CommandLine;
using System.Globalization;
using QuantaDiscovery.Pipeline;

namespace QuantaDiscovery.Cli;

/// <summary>
/// Command-line flags built from the option records (<see cref="StageSetting"/>) that the pipeline stages declare too:
/// one source for name, help, default, whether it is required and the allowed values. Every flag of every command is
/// built here (tests/…/OptionTablesTests.cs checks each command's flags against its records).
/// </summary>
internal static class SettingOptions
{
    /// <summary><c>--&lt;name&gt;</c> with the record's help (and the paper's value), default and choices, parsed as <typeparamref name="T"/>.</summary>
    /// <param name="aliases">other spellings kept for compatibility (e.g. <c>--max-docs</c>)</param>
    public static Option<T> From<T>(StageSetting setting, params string[] aliases)
    {
        var option = new Option<T>("--" + setting.Name, aliases) { Description = setting.Help, Required = setting.Required };
        if (setting.Default is { } text)
        {
            var value = Parse<T>(text);
            option.DefaultValueFactory = _ => value;
        }
        if (setting.Choices is { } choices)
        {
            option.HelpName = string.Join('|', choices);
            option.Validators.Add(result =>
            {
                foreach (var token in result.Tokens)
                    if (setting.Check(token.Value) is { } problem)
                        result.AddError($"--{setting.Name} {problem}");
            });
        }
        return option;
    }

    /// <summary>Adds the options to <paramref name="command"/> and returns it.</summary>
    public static Command With(this Command command, params Option[] options)
    {
        foreach (var option in options) command.Options.Add(option);
        return command;
    }

    private static T Parse<T>(string text)
    {
        var type = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        if (type.IsEnum) return (T)Enum.Parse(type, text, ignoreCase: true);
        return (T)Convert.ChangeType(text, type, CultureInfo.InvariantCulture);
    }
}
