using QuantaDiscovery.Common;
using System.Globalization;
using System.Text;

namespace QuantaDiscovery.Toys.Bimt;

/// <summary>How a knockout group was chosen.</summary>
public enum KnockoutKind { None, Named, Layer, Module, Unconnected }

/// <summary>A group of neurons (neuron layer → slots, in the final arrangement) whose activations are zeroed together.</summary>
public sealed record KnockoutGroup(string Name, KnockoutKind Kind, IReadOnlyDictionary<int, int[]> Neurons)
{
    public int Count => Neurons.Values.Sum(s => s.Length);

    /// <summary>The slots as the <c>--knockout</c> syntax writes them, e.g. "0:3-5,9;1:0-7".</summary>
    public string Describe() => string.Join(';', Neurons.OrderBy(p => p.Key).Select(p => $"{p.Key}:{Ranges(p.Value)}"));

    /// <summary>
    /// Parses "name=layer:start-end[,layer:slot…]": neuron layer 0 is the input (embedding-dimension slots; the slot is
    /// zeroed for every operand), 1…L−1 the hidden layers; slots count from 0 and ranges include both ends.
    /// </summary>
    public static KnockoutGroup Parse(string text)
    {
        int equals = text.IndexOf('=');
        if (equals <= 0 || equals == text.Length - 1)
            throw new InputException($"knockout '{text}': expected name=layer:start-end[,layer:start-end…]");
        string name = text[..equals].Trim();
        var neurons = new Dictionary<int, SortedSet<int>>();
        foreach (var part in text[(equals + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = part.Split(':');
            if (fields.Length != 2 || !int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out int layer))
                throw new InputException($"knockout '{text}': '{part}' is not layer:start-end");
            var bounds = fields[1].Split('-');
            if (bounds.Length > 2 || !bounds.All(b => int.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
                throw new InputException($"knockout '{text}': '{fields[1]}' is not a slot or a range start-end");
            int start = int.Parse(bounds[0], CultureInfo.InvariantCulture), end = int.Parse(bounds[^1], CultureInfo.InvariantCulture);
            if (end < start)
                throw new InputException($"knockout '{text}': range {start}-{end} is empty");
            if (!neurons.TryGetValue(layer, out var slots))
                neurons[layer] = slots = [];
            for (int s = start; s <= end; s++)
                slots.Add(s);
        }
        if (neurons.Count == 0)
            throw new InputException($"knockout '{text}': no neurons given");
        return new KnockoutGroup(name, KnockoutKind.Named, neurons.ToDictionary(p => p.Key, p => p.Value.ToArray()));
    }

    /// <summary>Throws unless every neuron exists in a network of these widths and is not an output neuron.</summary>
    public void Validate(IReadOnlyList<int> widths)
    {
        foreach (var (layer, slots) in Neurons)
        {
            if (layer < 0 || layer >= widths.Count - 1)
                throw new InputException($"knockout '{Name}': layer {layer} is not an input or hidden layer (0…{widths.Count - 2})");
            if (slots.Any(s => s < 0 || s >= widths[layer]))
                throw new InputException($"knockout '{Name}': layer {layer} has slots 0…{widths[layer] - 1}, got {Ranges(slots)}");
        }
    }

    /// <summary>
    /// The automatic groups of a trained network: every input or hidden layer as a whole (zeroing one gives chance
    /// accuracy), every module (connected component of ≥ 2 neurons, see <see cref="NetworkSnapshot.Components"/>), and the
    /// neurons without any connection above the threshold (zeroing them should change little).
    /// </summary>
    public static List<KnockoutGroup> Automatic(NetworkSnapshot network, double relativeThreshold)
    {
        var groups = Enumerable.Range(0, network.Depth)
            .Select(l => new KnockoutGroup(l == 0 ? "input layer" : $"hidden layer {l}", KnockoutKind.Layer,
                new Dictionary<int, int[]> { [l] = Enumerable.Range(0, network.Widths[l]).ToArray() }))
            .ToList();
        var components = network.Components(relativeThreshold);
        var modules = components.Where(c => c.Values.Sum(s => s.Length) >= 2)
            .OrderBy(c => c.Keys.Min()).ThenBy(c => c[c.Keys.Min()][0]).ToList();
        for (int m = 0; m < modules.Count; m++)
            groups.Add(new KnockoutGroup($"module {m + 1}", KnockoutKind.Module, modules[m]));
        var unconnected = components.Where(c => c.Values.Sum(s => s.Length) == 1).SelectMany(c => c)
            .GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.SelectMany(p => p.Value).Order().ToArray());
        if (unconnected.Count > 0)
            groups.Add(new KnockoutGroup("unconnected", KnockoutKind.Unconnected, unconnected));
        return groups;
    }

    private static string Ranges(IEnumerable<int> slots)
    {
        var sorted = slots.Order().ToArray();
        var text = new StringBuilder();
        for (int i = 0; i < sorted.Length;)
        {
            int j = i;
            while (j + 1 < sorted.Length && sorted[j + 1] == sorted[j] + 1)
                j++;
            if (text.Length > 0)
                text.Append(',');
            text.Append(CultureInfo.InvariantCulture, $"{sorted[i]}");
            if (j > i)
                text.Append(CultureInfo.InvariantCulture, $"-{sorted[j]}");
            i = j + 1;
        }
        return text.ToString();
    }
}

/// <summary>Accuracy of the trained network with one group knocked out, on the training set, the validation set and the whole table.</summary>
public sealed record KnockoutResult(KnockoutGroup Group, double TrainAccuracy, double ValidationAccuracy, double TableAccuracy);
