namespace QuantaDiscovery.Cli;

/// <summary>
/// One status line on standard error, redrawn in place on a terminal and printed at most every few seconds
/// otherwise (so logs stay readable).
/// </summary>
internal sealed class ProgressLine<T>(Func<T, string> format) : IProgress<T>
{
    private readonly bool _interactive = !Console.IsErrorRedirected;
    private DateTime _last = DateTime.MinValue;
    private int _width;

    public void Report(T value)
    {
        var now = DateTime.UtcNow;
        if (now - _last < TimeSpan.FromSeconds(_interactive ? 0.25 : 5)) return;
        _last = now;
        Write(format(value));
    }

    public void Finish(T value)
    {
        Write(format(value));
        if (_interactive) Console.Error.WriteLine();
    }

    private void Write(string text)
    {
        if (_interactive)
        {
            Console.Error.Write("\r" + text.PadRight(_width));
            _width = text.Length;
        }
        else
            Console.Error.WriteLine(text);
    }
}
