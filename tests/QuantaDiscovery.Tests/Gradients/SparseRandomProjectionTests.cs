using QuantaDiscovery.Gradients;

namespace QuantaDiscovery.Tests.Gradients;

public class SparseRandomProjectionTests
{
    private static float[] Gaussian(Random random, int length) =>
        [.. Enumerable.Range(0, length).Select(_ => (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())))];

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
        return dot / Math.Sqrt(na * nb);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(1.0 / 3)]
    public void PreservesCosinesWithinTheJohnsonLindenstraussTolerance(double? density)
    {
        // Blocks like a model's parameters; vectors sharing a common part so their cosines spread over (0, 1).
        long[] blocks = [3000, 64, 5000, 1936];
        const int k = 1024;
        var projection = new SparseRandomProjection(blocks, k, seed: 11, density);
        var random = new Random(5);
        var common = Gaussian(random, 10_000);
        var vectors = Enumerable.Range(0, 12).Select(i =>
        {
            var own = Gaussian(random, 10_000);
            double w = i / 12.0;
            return own.Select((v, j) => (float)(w * common[j] + (1 - w) * v)).ToArray();
        }).ToList();
        var projected = vectors.Select(v => projection.Project(v)).ToList();
        double worst = 0;
        for (int a = 0; a < vectors.Count; a++)
        {
            // Norms: E‖Rx‖² = ‖x‖², relative sd ≈ √(2/k) ≈ 0.044.
            double ratio = projected[a].Sum(x => (double)x * x) / vectors[a].Sum(x => (double)x * x);
            Assert.InRange(ratio, 1 - 6 * Math.Sqrt(2.0 / k), 1 + 6 * Math.Sqrt(2.0 / k));
            for (int b = a + 1; b < vectors.Count; b++)
                worst = Math.Max(worst, Math.Abs(Cosine(projected[a], projected[b]) - Cosine(vectors[a], vectors[b])));
        }
        // Cosine error sd ≤ about (1 − cos²)/√k ≤ 0.031; 66 pairs: the largest stays well under 5 sd.
        Assert.True(worst < 5 / Math.Sqrt(k), $"largest cosine error {worst:F4}");
    }

    [Fact]
    public void SameSeedSameMatrixOtherSeedOtherMatrix()
    {
        long[] blocks = [500, 700];
        var x = Gaussian(new Random(1), 1200);
        var a = new SparseRandomProjection(blocks, 64, seed: 3).Project(x);
        var b = new SparseRandomProjection(blocks, 64, seed: 3).Project(x);
        var c = new SparseRandomProjection(blocks, 64, seed: 4).Project(x);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void DensityAndScaleFollowLiHastieChurch()
    {
        long[] blocks = [40_000, 60_000];
        var projection = new SparseRandomProjection(blocks, 256, seed: 2);
        Assert.Equal(1 / Math.Sqrt(100_000), projection.Density, 12);
        double expected = 100_000 * 256 * projection.Density;
        Assert.InRange(projection.NonZeros, expected - 5 * Math.Sqrt(expected), expected + 5 * Math.Sqrt(expected));
        Assert.Equal(1 / Math.Sqrt(256 * projection.Density), projection.Scale, 5);
    }

    [Fact]
    public void BlockwiseAccumulationEqualsProjectingTheConcatenation()
    {
        long[] blocks = [30, 50];
        var projection = new SparseRandomProjection(blocks, 16, seed: 9, density: 0.3);
        var x = Gaussian(new Random(2), 80);
        var blockwise = new float[16];
        projection.Accumulate(1, x.AsSpan(30), blockwise);
        projection.Accumulate(0, x.AsSpan(0, 30), blockwise);
        var whole = projection.Project(x);
        for (int i = 0; i < 16; i++) Assert.Equal(whole[i], blockwise[i], 5);
    }
}
