using QuantaDiscovery.Plotting;
using ScottPlot;

namespace QuantaDiscovery.Toys.Bimt;

/// <summary>
/// The network as a neuron graph, in the style of Liu, Gan &amp; Tegmark's figures: neurons at their positions (layer
/// i at height i, the operand folds of the input layer as separate rows just below), one line per weight, blue for
/// positive and red for negative, width (and opacity) ∝ |w| relative to the largest |w| of its layer. Weights below the relative
/// threshold (thinner than a few hundredths of a pixel) are not drawn.
/// </summary>
public static class NetworkDrawing
{
    private const double FoldSpacing = 0.12;
    private const float MaxLineWidth = 3;

    /// <summary>Saves the graph as PNG (and SVG with <paramref name="svg"/>) at <paramref name="pathWithoutExtension"/>.</summary>
    public static void Save(string pathWithoutExtension, NetworkSnapshot network, string title, double relativeThreshold, bool svg = false)
    {
        using var plot = new Plot();
        plot.Title(title);
        for (int i = 0; i < network.Depth; i++)
        {
            double max = network.MaxMagnitude(i);
            if (max == 0)
                continue;
            int columns = network.FanIn(i), inputs = network.Widths[i], outputs = network.Widths[i + 1];
            for (int r = 0; r < outputs; r++)
            for (int c = 0; c < columns; c++)
            {
                double w = network.Weights[i][r * columns + c];
                if (!(Math.Abs(w) > relativeThreshold * max))
                    continue;
                var line = plot.Add.Line(WiringGeometry.Position(c % inputs, inputs), Height(i, c / inputs),
                    WiringGeometry.Position(r, outputs), Height(i + 1, 0));
                double relative = Math.Abs(w) / max;
                line.LineColor = (w > 0 ? Colors.Blue : Colors.Red).WithAlpha(0.2 + 0.8 * relative);
                line.LineWidth = (float)(MaxLineWidth * relative);
            }
        }
        for (int layer = 0; layer <= network.Depth; layer++)
        for (int fold = 0; fold < (layer == 0 ? network.InputFold : 1); fold++)
        {
            int n = network.Widths[layer];
            plot.Add.Markers(Enumerable.Range(0, n).Select(s => WiringGeometry.Position(s, n)).ToArray(),
                Enumerable.Repeat(Height(layer, fold), n).ToArray(), MarkerShape.FilledCircle, 6, Colors.Black);
        }
        for (int layer = 0; layer <= network.Depth; layer++)
        {
            string label = layer == 0 ? "input" : layer == network.Depth ? "output" : $"hidden {layer}";
            var text = plot.Add.Text(label, -0.03, Height(layer, 0));
            text.Alignment = Alignment.MiddleRight;
            text.LabelFontSize = 12;
        }
        plot.Axes.SetLimits(-0.2, 1.02, Height(0, network.InputFold - 1) - 0.1, network.Depth + 0.1);
        plot.HideAxesAndGrid();
        plot.Axes.Title.IsVisible = true;
        int width = 900, height = 200 + 150 * network.Depth;
        if (svg)
            Charts.SaveBoth(plot, pathWithoutExtension, width, height);
        else
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(pathWithoutExtension))!);
            plot.SavePng(pathWithoutExtension + ".png", width, height);
        }
    }

    private static double Height(int layer, int fold) => layer - FoldSpacing * fold;
}
