using System.Globalization;
using QuantaDiscovery.Common;
using QuantaDiscovery.Plotting;

namespace QuantaDiscovery.Train;

/// <summary>Mean test loss of one checkpoint of a suite.</summary>
public sealed record CheckpointLoss(string Name, string Size, long Parameters, int Step, long TokensSeen, double LossNats)
{
    public double LossBits => LossNats / Math.Log(2);
}

/// <summary>
/// Mean test loss of every checkpoint of a suite scored by <c>quanta losses</c> (its loss_matrix.npy, columns named
/// "&lt;size&gt;/step&lt;N&gt;" as in models.csv), written as test_losses.csv with plots of loss against size (final
/// checkpoints) and against step (every size).
/// </summary>
public static class SuiteReport
{
    public static IReadOnlyList<CheckpointLoss> Read(ModelSuiteDefinition suite, string lossesFolder)
    {
        var modelsPath = Path.Combine(lossesFolder, "models.csv");
        var matrixPath = Path.Combine(lossesFolder, "loss_matrix.npy");
        if (!File.Exists(modelsPath)) throw new InputException("models.csv not found (run `quanta losses` first)", modelsPath);
        var rows = File.ReadAllLines(modelsPath).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToList();
        var matrix = Npy.Read<float>(matrixPath);
        if (matrix.Columns != rows.Count)
            throw new InputException($"{matrix.Columns} columns but models.csv lists {rows.Count} models", matrixPath);
        var losses = new List<CheckpointLoss>();
        for (int column = 0; column < rows.Count; column++)
        {
            var name = rows[column][0];
            var parts = name.Split('/');
            if (parts.Length != 2 || !parts[1].StartsWith("step", StringComparison.Ordinal)
                || !int.TryParse(parts[1].AsSpan(4), NumberStyles.Integer, CultureInfo.InvariantCulture, out var step))
                throw new InputException($"model '{name}' is not named <size>/step<N>", modelsPath, line: column + 2);
            double sum = 0;
            for (int row = 0; row < matrix.Rows; row++) sum += matrix.Data[row * matrix.Columns + column];
            losses.Add(new CheckpointLoss(name, parts[0], long.Parse(rows[column][1], CultureInfo.InvariantCulture), step,
                (long)step * suite.BatchSize * suite.Context, sum / matrix.Rows));
        }
        return losses;
    }

    /// <summary>Writes test_losses.csv, loss_vs_size.png/.svg and loss_vs_step.png/.svg into <paramref name="outputFolder"/>.</summary>
    public static void Write(IReadOnlyList<CheckpointLoss> losses, string outputFolder)
    {
        Directory.CreateDirectory(outputFolder);
        File.WriteAllLines(Path.Combine(outputFolder, "test_losses.csv"), ["name,size,params,step,tokens_seen,loss_nats,loss_bits",
            .. losses.OrderBy(l => l.Parameters).ThenBy(l => l.Step).Select(l => string.Create(CultureInfo.InvariantCulture,
                $"{l.Name},{l.Size},{l.Parameters},{l.Step},{l.TokensSeen},{l.LossNats:F4},{l.LossBits:F4}"))]);
        var sizes = losses.GroupBy(l => l.Size).OrderBy(g => g.First().Parameters).ToList();
        var finals = sizes.Select(g => g.MaxBy(l => l.Step)!).ToList();
        Charts.Save(Path.Combine(outputFolder, "loss_vs_size"), "Test loss of the final checkpoints",
            new AxisSpec("non-embedding parameters N", "count", Log: true), new AxisSpec("mean test loss", "nats"),
            [new ChartSeries("final", [.. finals.Select(l => (double)l.Parameters)], [.. finals.Select(l => l.LossNats)], SeriesStyle.LineAndMarkers)]);
        Charts.Save(Path.Combine(outputFolder, "loss_vs_step"), "Test loss over training",
            new AxisSpec("step (step 0 drawn at 0.5)", null, Log: true), new AxisSpec("mean test loss", "nats"),
            sizes.Select(g => new ChartSeries(g.Key, [.. g.OrderBy(l => l.Step).Select(l => Math.Max(0.5, l.Step))],
                [.. g.OrderBy(l => l.Step).Select(l => l.LossNats)])));
    }
}
