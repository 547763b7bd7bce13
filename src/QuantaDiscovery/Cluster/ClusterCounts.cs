using QuantaDiscovery.Common;

namespace QuantaDiscovery.Cluster;

/// <summary>Cluster counts K to try, as users write them.</summary>
public static class ClusterCounts
{
    /// <summary>
    /// Parses a cluster-count list: "100" (one k), "50,100,200", or an inclusive range "start:stop:step"
    /// such as "50:200:50"; items may mix. Sweep is true unless the text is a single number.
    /// </summary>
    public static (int[] Counts, bool Sweep) Parse(string text)
    {
        var counts = new List<int>();
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = item.Split(':');
            if (parts.Length == 1 && int.TryParse(parts[0], out int single))
                counts.Add(single);
            else if (parts.Length == 3 && int.TryParse(parts[0], out int start) && int.TryParse(parts[1], out int stop)
                     && int.TryParse(parts[2], out int step) && step > 0 && start <= stop)
                for (int k = start; k <= stop; k += step) counts.Add(k);
            else
                throw new InputException($"cluster counts: cannot read '{item}': expected a number, a list like 50,100,200 or a range start:stop:step");
        }
        if (counts.Count == 0)
            throw new InputException($"cluster counts: none in '{text}'");
        bool sweep = counts.Count > 1 || text.Contains(',') || text.Contains(':');
        return (counts.ToArray(), sweep);
    }
}
