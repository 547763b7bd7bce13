using QuantaDiscovery.Gradients;
using QuantaDiscovery.Models;
using QuantaDiscovery.Models.GptNeoX;
using QuantaDiscovery.Tests.Common;
using static TorchSharp.torch;

namespace QuantaDiscovery.Tests.Gradients;

/// <summary>
/// The shared-forward gradients against an independent route (a fresh full forward and backward per token, the
/// paper's way), and against a central finite difference in float64 arithmetic of the model's own loss.
/// </summary>
public class TokenGradientsTests
{
    internal static CausalLanguageModel Model(bool parallel, int seed)
    {
        var folder = RandomModel.Create(TestPaths.NewTempFolder(), new GptNeoXConfig
        {
            HiddenSize = 16, NumHiddenLayers = 2, NumAttentionHeads = 2, IntermediateSize = 32,
            VocabSize = 40, MaxPositionEmbeddings = 64, UseParallelResidual = parallel, InitializerRange = 0.2,
        }, seed);
        return CausalLanguageModel.Load(folder);
    }

    internal static int[] Tokens(int length, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, length).Select(_ => random.Next(40))];
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SharedForwardMatchesAFreshForwardPerToken(bool parallel)
    {
        using var model = Model(parallel, 7);
        var engine = new TokenGradients(model, ParameterFilter.Paper);
        var tokens = Tokens(30, 1);
        int[] positions = [3, 17, 1, 29, 10];
        var shared = new float[positions.Length][];
        engine.ForDocument(tokens, positions, (t, blocks) =>
        {
            shared[t] = new float[engine.Dimension];
            TokenGradients.CopyTo(blocks, shared[t]);
        });
        Assert.Equal(1, engine.ForwardPasses);
        Assert.Equal(positions.Length, engine.BackwardPasses);

        for (int t = 0; t < positions.Length; t++)
        {
            var fresh = engine.ForToken(tokens, positions[t]);
            double diff = Math.Sqrt(fresh.Zip(shared[t], (a, b) => (double)(a - b) * (a - b)).Sum());
            double norm = Math.Sqrt(fresh.Sum(a => (double)a * a));
            Assert.True(norm > 0);
            Assert.True(diff <= 1e-5 * norm, $"target {positions[t]}: ‖Δ‖/‖g‖ = {diff / norm:E2}");
        }
        Assert.Equal(2 * positions.Length, engine.BackwardPasses);
    }

    [Fact]
    public void GradientMatchesAFiniteDifferenceOfTheLoss()
    {
        const string name = "gpt_neox.layers.0.mlp.dense_h_to_4h.weight";
        using var model = Model(true, 9);
        var engine = new TokenGradients(model, ParameterFilter.Paper);
        var tokens = Tokens(12, 2);
        const int position = 8;
        var parameter = model.named_parameters().First(p => p.name == name).parameter;
        int blockIndex = engine.Parameters.ToList().FindIndex(p => p.Name == name);

        float[] analytic = [];
        engine.ForDocument(tokens, [position], (_, blocks) => analytic = TokenGradients.Values(blocks[blockIndex]).ToArray());

        using var input = tensor(tokens.Take(position + 1).Select(t => (long)t).ToArray(), [1, position + 1]);
        double Loss()
        {
            using var noGrad = no_grad();
            return model.TokenLosses(input)[0, position - 1].item<float>();
        }
        // Central differences in float32: the three largest entries, where rounding (~1e-7 · loss / h) is small beside them.
        const float h = 5e-3f;
        using var flat = parameter.detach().view(-1);
        foreach (var i in Enumerable.Range(0, analytic.Length).OrderByDescending(i => Math.Abs(analytic[i])).Take(3))
        {
            float original = flat[i].item<float>();
            flat[i] = original + h;
            double plus = Loss();
            flat[i] = original - h;
            double minus = Loss();
            flat[i] = original;
            double numeric = (plus - minus) / (2 * h);
            Assert.True(Math.Abs(numeric - analytic[i]) <= 2e-4 + 0.02 * Math.Abs(analytic[i]), $"entry {i}: {numeric} vs {analytic[i]}");
        }
    }

    [Fact]
    public void FilterDimensionIsTheSumOfMatchingParameterSizes()
    {
        using var model = Model(true, 3);
        var shapes = model.ParameterShapes;
        long Size(long[] s) => s.Aggregate(1L, (a, b) => a * b);
        var paper = new TokenGradients(model, ParameterFilter.Paper);
        Assert.Equal(shapes.Where(p => !p.Name.Contains("layernorm") && !p.Name.Contains("embed")).Sum(p => Size(p.Shape)), paper.Dimension);
        Assert.Contains(paper.Parameters, p => p.Name == "gpt_neox.final_layer_norm.weight");
        Assert.DoesNotContain(paper.Parameters, p => p.Name.Contains("input_layernorm") || p.Name.Contains("embed"));
        var all = new TokenGradients(model, ParameterFilter.All);
        Assert.Equal(shapes.Sum(p => Size(p.Shape)), all.Dimension);
        Assert.Equal(ParameterFilter.Paper.Dimension(model.Config), paper.Dimension);
    }

    [Fact]
    public void TargetsOutsideTheDocumentAreRefused()
    {
        using var model = Model(true, 3);
        var engine = new TokenGradients(model, ParameterFilter.Paper);
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.ForDocument(Tokens(5, 1), [0], (_, _) => { }));
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.ForDocument(Tokens(5, 1), [5], (_, _) => { }));
    }
}
