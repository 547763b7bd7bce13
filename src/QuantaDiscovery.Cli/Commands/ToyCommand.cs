using QuantaDiscovery.Common;

namespace QuantaDiscovery.Cli.Commands;

internal static class ToyCommand
{
    /// <summary>Parses a comma-separated list such as "0.3,1,3".</summary>
    public static List<T> ParseList<T>(string text, string optionName, Func<string, T> parse)
    {
        try
        {
            return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(parse).ToList();
        }
        catch (FormatException)
        {
            throw new InputException($"{optionName} {text}: expected comma-separated numbers");
        }
    }
}
