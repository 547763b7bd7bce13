namespace QuantaDiscovery.Cli.Commands;

internal static class ToyCommand
{
    /// <summary>Runs a toy command, turning invalid settings (ArgumentException from the library) into "error: …" and exit code 2.</summary>
    public static int Guard(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
    }

    /// <summary>Parses a comma-separated list such as "0.3,1,3".</summary>
    public static List<T> ParseList<T>(string text, string optionName, Func<string, T> parse)
    {
        try
        {
            return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(parse).ToList();
        }
        catch (FormatException)
        {
            throw new ArgumentException($"{optionName} {text}: expected comma-separated numbers");
        }
    }
}
