using System.Globalization;
using QuantaDiscovery.Common;
using QuantaDiscovery.Fit;

namespace QuantaDiscovery.Scaling;

/// <summary>One column of the loss matrix: a model (or checkpoint) and its size.</summary>
/// <param name="Parameters">non-embedding parameter count N</param>
/// <param name="Step">training step of this checkpoint, when the suite has checkpoints</param>
public sealed record ModelInfo(string Name, double Parameters, long? Step = null);

/// <summary>
/// The models of a loss matrix, in column order, read from <c>models.csv</c> (<c>name,params[,step]</c>).
/// Models sharing <c>params</c> with different <c>step</c> are checkpoints of one size.
/// </summary>
public sealed record ModelSuite(IReadOnlyList<ModelInfo> Models, string Path)
{
    public bool HasSteps => Models.Any(m => m.Step is not null);

    /// <summary>Sizes in increasing order of parameters, each with its checkpoints in increasing order of step.</summary>
    public IReadOnlyList<IReadOnlyList<int>> Sizes() => Enumerable.Range(0, Models.Count)
        .GroupBy(i => Models[i].Parameters)
        .OrderBy(g => g.Key)
        .Select(g => (IReadOnlyList<int>)g.OrderBy(i => Models[i].Step ?? long.MaxValue).ToArray())
        .ToArray();

    /// <summary>The index of each size's final checkpoint (largest step, or its only model), by increasing parameters.</summary>
    public int[] FinalCheckpoints() => Sizes().Select(s => s[^1]).ToArray();

    public int IndexOf(string name)
    {
        for (int i = 0; i < Models.Count; i++)
            if (Models[i].Name == name) return i;
        throw new InputException($"no model named '{name}'; the models are: {string.Join(", ", Models.Select(m => m.Name))}", Path);
    }

    public static async Task<ModelSuite> ReadAsync(string path, CancellationToken cancellation = default)
    {
        var table = await ColumnTable.ReadAsync(path, cancellation);
        table.RequireColumn("name");
        table.RequireColumn("params");
        var names = table.Strings("name");
        var parameters = table.Numbers("params");
        var steps = table.Has("step") ? table.Numbers("step") : null;
        if (table.RowCount == 0)
            throw new InputException("no models listed", path);
        var models = new List<ModelInfo>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int row = 0; row < table.RowCount; row++)
        {
            if (names[row].Length == 0) throw table.RowError(row, "empty model name");
            if (!seen.TryAdd(names[row], row)) throw table.RowError(row, $"model '{names[row]}' is listed twice");
            if (!(parameters[row] > 0)) throw table.RowError(row, $"params = {parameters[row]}: must be positive");
            long? step = null;
            if (steps is not null)
            {
                if (steps[row] < 0 || steps[row] != Math.Floor(steps[row]))
                    throw table.RowError(row, $"step = {steps[row]}: must be a whole number ≥ 0");
                step = (long)steps[row];
            }
            models.Add(new ModelInfo(names[row], parameters[row], step));
        }
        var clash = models.Select((m, row) => (m, row)).GroupBy(p => (p.m.Parameters, p.m.Step)).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
        {
            var rows = clash.ToArray();
            throw table.RowError(rows[1].row, $"models '{rows[0].m.Name}' and '{rows[1].m.Name}' have the same params " +
                $"({rows[0].m.Parameters.ToString(CultureInfo.InvariantCulture)}) and step; give each checkpoint its step");
        }
        return new ModelSuite(models, path);
    }
}
