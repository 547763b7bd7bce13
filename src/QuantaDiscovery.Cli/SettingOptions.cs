using System.CommandLine;
using System.Globalization;
using QuantaDiscovery.Pipeline;

namespace QuantaDiscovery.Cli;

/// <summary>Command-line flags built from the option records the pipeline stages declare (<see cref="StageSetting"/>): one source for name, help and default.</summary>
internal static class SettingOptions
{
    /// <summary><c>--&lt;name&gt;</c> with the record's help (and the paper's value) and its default, parsed as <typeparamref name="T"/>.</summary>
    /// <param name="aliases">other spellings kept for compatibility (e.g. <c>--max-docs</c>)</param>
    public static Option<T> From<T>(StageSetting setting, params string[] aliases)
    {
        var option = new Option<T>("--" + setting.Name, aliases)
        {
            Description = setting.Paper is { } paper ? $"{setting.Description} (the paper: {paper})" : setting.Description,
        };
        if (setting.Default is { } text)
        {
            var value = Parse<T>(text);
            option.DefaultValueFactory = _ => value;
        }
        return option;
    }

    private static T Parse<T>(string text)
    {
        var type = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        return (T)Convert.ChangeType(text, type, CultureInfo.InvariantCulture);
    }
}
