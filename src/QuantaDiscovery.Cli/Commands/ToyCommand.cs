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
}
