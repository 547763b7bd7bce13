namespace QuantaDiscovery.Cli;

/// <summary>
/// One status line on the given error writer, redrawn in place on a terminal and printed at most every few seconds
/// otherwise (so logs stay readable).
/// </summary>
internal sealed class ProgressLine<T>(TextWriter error, Func<T, string> format) : IProgress<T>
{
    private readonly bool _interactive = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
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
        if (_interactive) error.WriteLine();
    }

    private void Write(string text)
    {
        if (_interactive)
        {
            error.Write("\r" + text.PadRight(_width));
            _width = text.Length;
        }
        else
            error.WriteLine(text);
    }
}
