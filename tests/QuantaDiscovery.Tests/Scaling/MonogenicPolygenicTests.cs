using QuantaDiscovery.Scaling;

namespace QuantaDiscovery.Tests.Scaling;

public class MonogenicPolygenicTests
{
    private static readonly CurveClassifierOptions Options = new(MinimumDecreaseNats: 1.0, MonogenicShare: 0.6);

    [Fact]
    public void ASingleSharpDropIsMonogenicAtItsStep()
    {
        var (kind, share, step) = MonogenicPolygenic.Classify([6.0, 5.9, 5.95, 0.3, 0.25, 0.2], Options);
        Assert.Equal(ScalingCurveKind.Monogenic, kind);
        Assert.Equal(2, step);
        Assert.Equal(5.65 / 5.85, share, 1e-12);   // the largest drop over all drops (the 0.05 rise adds 0.05 of drops)
    }

    [Fact]
    public void AGradualDeclineIsPolygenic()
    {
        // Equal steps of 0.8 nats over six sizes: each carries a fifth of the decrease.
        var (kind, share, _) = MonogenicPolygenic.Classify([5.0, 4.2, 3.4, 2.6, 1.8, 1.0], Options);
        Assert.Equal(ScalingCurveKind.Polygenic, kind);
        Assert.Equal(0.2, share, 1e-12);
    }

    [Fact]
    public void ACurveThatBarelyMovesIsFlatWhateverItsShape()
    {
        Assert.Equal(ScalingCurveKind.Flat, MonogenicPolygenic.Classify([2.0, 2.0, 1.2, 1.1], Options).Kind);
        Assert.Equal(ScalingCurveKind.Flat, MonogenicPolygenic.Classify([1.0, 3.0, 2.0, 4.0], Options).Kind);
    }

    [Fact]
    public void ACurveThatRisesOnTheWayByMoreThanTheAllowedShareIsIrregular()
    {
        // Falls 3 nats overall but rises 2 nats between the second and third size: noise, not a quantum.
        Assert.Equal(ScalingCurveKind.Irregular, MonogenicPolygenic.Classify([5.0, 2.0, 4.0, 2.0], Options).Kind);
        Assert.Equal(ScalingCurveKind.Monogenic, MonogenicPolygenic.Classify([5.0, 5.2, 1.0, 1.0], Options).Kind);
    }

    [Fact]
    public void TheShareThresholdSeparatesTwoEqualJumpsFromOne()
    {
        // Two equal jumps of 2 nats: each carries half, below any admissible threshold (> 0.5).
        Assert.Equal(ScalingCurveKind.Polygenic, MonogenicPolygenic.Classify([5.0, 3.0, 3.0, 1.0], Options).Kind);
        Assert.Equal(ScalingCurveKind.Monogenic, MonogenicPolygenic.Classify([5.0, 4.6, 1.4, 1.0], Options).Kind);
    }

    [Fact]
    public void ThresholdsThatCouldLetTwoStepsQualifyAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CurveClassifierOptions(MonogenicShare: 0.5).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new CurveClassifierOptions(MinimumDecreaseNats: 0).Validate());
    }

    [Fact]
    public void AMatrixOfPlantedCurvesIsCountedPerKindAndStep()
    {
        // 30 monogenic tokens dropping at step 1, 20 at step 3, 40 polygenic, 10 flat, 5 irregular; five sizes.
        var curves = new List<double[]>();
        for (int i = 0; i < 30; i++) curves.Add([5, 5, 1, 1, 1]);
        for (int i = 0; i < 20; i++) curves.Add([4, 4, 4, 4, 0.1]);
        for (int i = 0; i < 40; i++) curves.Add([5, 4, 3, 2, 1]);
        for (int i = 0; i < 10; i++) curves.Add([0.05, 0.05, 0.04, 0.05, 0.04]);
        for (int i = 0; i < 5; i++) curves.Add([5, 1, 5, 1, 3]);
        var losses = Enumerable.Range(0, 5).Select(k => curves.Select(c => (float)c[k]).ToArray()).ToArray();
        var suite = new ModelSuite(Enumerable.Range(0, 5).Select(k => new ModelInfo($"m{k}", Math.Pow(10, k + 3))).ToArray(), "models.csv");
        var summary = MonogenicPolygenic.Run(new LossMatrix(suite, losses, null, []), [0, 1, 2, 3, 4], new CurveClassifierOptions(Examples: 3));

        Assert.Equal(105, summary.Tokens);
        Assert.Equal((50, 40, 10, 5), (summary.Monogenic, summary.Polygenic, summary.Flat, summary.Irregular));
        Assert.Equal([0L, 30, 0, 20], summary.MonogenicByStep);
        Assert.Equal(50 / 90.0, summary.MonogenicShare!.Value, 1e-12);
        Assert.Equal(3, summary.MonogenicExamples.Count);
        Assert.All(summary.MonogenicExamples, e => Assert.Equal(1.0, e.LargestStepShare, 1e-6));
        Assert.All(summary.PolygenicExamples, e => Assert.InRange(e.Token, 50, 89));
    }
}
