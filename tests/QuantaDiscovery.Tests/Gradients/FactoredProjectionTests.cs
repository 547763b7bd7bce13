using QuantaDiscovery.Gradients;
using QuantaDiscovery.Models;
using static TorchSharp.torch;

namespace QuantaDiscovery.Tests.Gradients;

/// <summary>
/// The factored (LoGra-style) projection computed from per-layer inputs and output gradients against the explicit route:
/// the exact per-token gradient, each linear layer's weight gradient multiplied by P_out ⊗ P_in, its bias by P_out, the
/// rest projected directly.
/// </summary>
public class FactoredProjectionTests
{
    private static CausalLanguageModel Model(bool parallel, int seed) => TokenGradientsTests.Model(parallel, seed);

    private static int[] Tokens(int length, int seed) => TokenGradientsTests.Tokens(length, seed);

    [Theory]
    [InlineData("paper", true, 600)]
    [InlineData("paper", false, 97)]
    [InlineData("all", true, 2000)]
    public void EqualsTheExplicitKroneckerProjectionOfTheExactGradient(string filterName, bool parallel, int budget)
    {
        using var model = Model(parallel, 3);
        var filter = ParameterFilter.Parse(filterName);
        var exact = new TokenGradients(model, filter);
        using var factored = new FactoredGradients(model, filter, budget, seed: 12);
        var projection = factored.Projection;
        Assert.Equal(2 * 4 + (filterName == "all" ? 1 : 0), projection.Layers.Count);
        Assert.True(projection.OutputDimension <= budget + projection.Layers.Count, $"{projection.OutputDimension} columns for a budget of {budget}");
        Assert.Contains(projection.Rest, p => p.Name == "gpt_neox.final_layer_norm.weight");
        Assert.DoesNotContain(projection.Rest, p => p.Name.EndsWith(".dense.bias", StringComparison.Ordinal));

        var tokens = Tokens(30, 1);
        int[] positions = [3, 17, 1, 29, 10];
        var expected = new float[positions.Length][];
        exact.ForDocument(tokens, positions, (t, blocks) => expected[t] = projection.ProjectExact(exact.Parameters, blocks));
        var actual = new float[positions.Length][];
        factored.ForDocument(tokens, positions, (t, row) => actual[t] = row.ToArray());
        Assert.Equal(1, factored.Gradients.ForwardPasses);
        Assert.Equal(positions.Length, factored.Gradients.BackwardPasses);

        for (int t = 0; t < positions.Length; t++)
        {
            double diff = Math.Sqrt(expected[t].Zip(actual[t], (a, b) => (double)(a - b) * (a - b)).Sum());
            double norm = Math.Sqrt(expected[t].Sum(a => (double)a * a));
            Assert.True(norm > 0);
            Assert.True(diff <= 1e-5 * norm, $"target {positions[t]}: ‖Δ‖/‖Pg‖ = {diff / norm:E2}");
        }
    }

    [Fact]
    public void TheLayerBlockIsTheKroneckerProductAppliedToTheFlatWeightGradient()
    {
        using var model = Model(true, 5);
        var exact = new TokenGradients(model, ParameterFilter.Paper);
        using var factored = new FactoredGradients(model, ParameterFilter.Paper, 800, seed: 2);
        var projection = factored.Projection;
        var layer = projection.Layers[0];
        int weightIndex = exact.Parameters.ToList().FindIndex(p => p.Name == layer.WeightName);
        float[] row = [];
        float[] flat = [];
        exact.ForDocument(Tokens(20, 4), [19], (_, blocks) =>
        {
            row = projection.ProjectExact(exact.Parameters, blocks);
            flat = TokenGradients.Values(blocks[weightIndex]).ToArray();
        });
        // vec(P_out ∇W P_inᵀ) (row-major) = (P_out ⊗ P_in) vec(∇W): the Kronecker product as one explicit matrix.
        using var kronecker = kron(projection.OutputMatrix(0), projection.InputMatrix(0));
        Assert.Equal(new long[] { layer.OutputRank * layer.InputRank, layer.Outputs * layer.Inputs }, kronecker.shape);
        var viaKronecker = kronecker.mv(tensor(flat)).data<float>().ToArray();
        for (int c = 0; c < viaKronecker.Length; c++)
            Assert.True(Math.Abs(viaKronecker[c] - row[c]) <= 1e-5 * (1 + Math.Abs(viaKronecker[c])), $"column {c}");
    }

    [Fact]
    public void RanksFollowTheBudgetAndTheSeed()
    {
        (string, long[])[] parameters =
        [
            ("a.weight", [48, 16]), ("a.bias", [48]), ("b.weight", [16, 64]), ("norm.weight", [16]), ("norm.bias", [16]),
        ];
        using var small = new FactoredProjection(parameters, ["a", "b"], 64, seed: 1);
        using var large = new FactoredProjection(parameters, ["a", "b"], 1024, seed: 1);
        using var again = new FactoredProjection(parameters, ["a", "b"], 1024, seed: 1);
        using var other = new FactoredProjection(parameters, ["a", "b"], 1024, seed: 2);
        Assert.True(small.OutputDimension <= 64 + 2 && large.OutputDimension <= 1024 + 2);
        Assert.True(large.Layers.Sum(l => l.Columns) > 4 * small.Layers.Sum(l => l.Columns));
        Assert.All(large.Layers, l => Assert.InRange(l.InputRank, 1, l.Inputs));
        Assert.True(large.Layers[0].Bias && !large.Layers[1].Bias);
        Assert.Equal(["norm.weight", "norm.bias"], large.Rest.Select(p => p.Name));
        Assert.Equal(16, small.RestColumns);        // the floor of 16 columns, less than the 32 rest values: projected
        Assert.NotNull(small.RestProjection);
        Assert.Equal(18, large.RestColumns);        // round(1024 · 32 / 1872): its share of the budget
        using var huge = new FactoredProjection(parameters, ["a", "b"], 4096, seed: 1);
        Assert.Equal(32, huge.RestColumns);         // the share reaches the rest's size: copied exactly
        Assert.Null(huge.RestProjection);
        Assert.Equal(large.InputMatrix(1).data<float>().ToArray(), again.InputMatrix(1).data<float>().ToArray());
        Assert.NotEqual(large.InputMatrix(1).data<float>().ToArray(), other.InputMatrix(1).data<float>().ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => new FactoredProjection(parameters, ["a", "b"], 4, seed: 1));
    }
}
