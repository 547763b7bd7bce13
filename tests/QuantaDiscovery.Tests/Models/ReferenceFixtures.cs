using System.Text.Json;
using QuantaDiscovery.Models;
using QuantaDiscovery.Tests.Common;
using static TorchSharp.torch;

namespace QuantaDiscovery.Tests.Models;

/// <summary>The tiny models and expected losses written by Models/data/make_reference.py (plain PyTorch, float64).</summary>
public static class ReferenceFixtures
{
    public static string Folder(string name) => TestPaths.InRepo($"tests/QuantaDiscovery.Tests/Models/data/{name}");

    /// <summary>A temporary copy of a fixture folder, for tests that write into it (model.onnx).</summary>
    public static string Copy(string name)
    {
        var copy = TestPaths.NewTempFolder();
        foreach (var file in Directory.GetFiles(Folder(name)))
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        return copy;
    }

    public sealed record Expected(int[][] Documents, double[][] Losses);

    public static Expected Load(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder(name), "expected_losses.json")));
        var root = document.RootElement;
        var documents = root.GetProperty("documents").EnumerateArray().Select(d => d.EnumerateArray().Select(t => t.GetInt32()).ToArray()).ToArray();
        var losses = root.GetProperty("losses").EnumerateArray().Select(d => d.EnumerateArray().Select(t => t.GetDouble()).ToArray()).ToArray();
        return new Expected(documents, losses);
    }

    /// <summary>The TorchSharp module's per-token losses of one document (none for fewer than two tokens).</summary>
    public static float[] Losses(CausalLanguageModel model, int[] document)
    {
        if (document.Length < 2) return [];
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var ids = tensor(document.Select(t => (long)t).ToArray(), [1, document.Length]);
        return model.TokenLosses(ids).data<float>().ToArray();
    }

    /// <summary>Largest absolute difference, after checking that the lengths agree.</summary>
    public static double MaxAbsDifference(IReadOnlyList<double> expected, IReadOnlyList<float> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        double max = 0;
        for (int i = 0; i < expected.Count; i++)
            max = Math.Max(max, Math.Abs(expected[i] - actual[i]));
        return max;
    }
}
