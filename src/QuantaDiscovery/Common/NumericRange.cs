using System.Globalization;

namespace QuantaDiscovery.Common;

/// <summary>A range written <c>first..last[..every]</c> (e.g. Pythia's checkpoints, <c>1000..143000..1000</c>), both ends included.</summary>
public static class NumericRange
{
    public static bool TryParse(string text, out long[] values)
    {
        values = [];
        var parts = text.Split("..");
        if (parts.Length is not (2 or 3)) return false;
        var numbers = new long[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!long.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i])) return false;
        long every = parts.Length == 3 ? numbers[2] : 1;
        if (every <= 0 || numbers[1] < numbers[0]) return false;
        var list = new List<long>();
        for (long value = numbers[0]; value <= numbers[1]; value += every) list.Add(value);
        values = [.. list];
        return true;
    }
}
