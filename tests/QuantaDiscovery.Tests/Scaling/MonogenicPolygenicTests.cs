using QuantaDiscovery.Scaling;

namespace QuantaDiscovery.Tests.Scaling;

public class MonogenicPolygenicTests
{
    private static readonly MonogenicPolygenicOptions Options = new(Dominance: 0.5, MinDecreaseNats: 1.0);

    [Fact]
    public void One_dominant_step_is_monogenic_at_that_step()
    {
        var (kind, drop, share) = MonogenicPolygenic.Classify([8f, 7.9f, 2f, 1.9f, 1.8f], Options);
        Assert.Equal(MonogenicPolygenic.Monogenic, kind);
        Assert.Equal(1, drop);
        Assert.Equal(5.9 / 6.2, share, 5);
    }

    [Fact]
    public void Two_equal_steps_are_not_most_of_the_decrease()
    {
        Assert.Equal(MonogenicPolygenic.Polygenic, MonogenicPolygenic.Classify([8f, 5f, 2f], Options).Class);
    }

    [Fact]
    public void An_even_decrease_is_polygenic()
    {
        var (kind, _, share) = MonogenicPolygenic.Classify([8f, 6.5f, 5f, 3.5f, 2f], Options);
        Assert.Equal(MonogenicPolygenic.Polygenic, kind);
        Assert.Equal(0.25, share, 5);
    }

    [Fact]
    public void A_small_or_rising_curve_is_neither()
    {
        Assert.Equal(MonogenicPolygenic.Unchanged, MonogenicPolygenic.Classify([5f, 4.8f, 4.5f], Options).Class);
        Assert.Equal(MonogenicPolygenic.Unchanged, MonogenicPolygenic.Classify([2f, 5f, 9f], Options).Class);
    }

    [Fact]
    public void A_matrix_is_classified_per_token_over_final_checkpoints_by_size()
    {
        // Columns out of size order, plus an early checkpoint that must be ignored.
        var suite = new ModelSuite([
            new ModelInfo("big", 300, 10), new ModelInfo("small", 100, 10), new ModelInfo("mid", 200, 10), new ModelInfo("small-early", 100, 1),
            new ModelInfo("huge", 400, 10),
        ], "models.csv");
        float[][] losses =
        [
            [1f, 4f, 5f],         // big
            [6f, 8f, 5.2f],       // small
            [1.2f, 6f, 5.1f],     // mid
            [0f, 0f, 0f],         // small-early: would make every curve rise if it were used
            [0.9f, 2f, 4.9f],     // huge
        ];
        var matrix = new LossMatrix(suite, losses, null, []);
        var result = MonogenicPolygenic.Run(matrix, Options);
        Assert.Equal([MonogenicPolygenic.Monogenic, MonogenicPolygenic.Polygenic, MonogenicPolygenic.Unchanged], result.Classes);
        Assert.Equal(0, result.DominantDrop[0]); // small → mid carries 4.8 of 5.1 nats
        var summary = MonogenicPolygenic.Summarise(matrix, result, Options);
        Assert.Equal((1, 1, 1), (summary.Monogenic, summary.Polygenic, summary.Unchanged));
        Assert.Equal(["small", "mid", "big", "huge"], summary.Sizes);
        Assert.Equal([1L, 0L, 0L], summary.MonogenicDropAt);
    }
}
