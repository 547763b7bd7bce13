using System.Numerics;
using QuantaDiscovery.Common;
using TorchSharp;
using static TorchSharp.torch;
using static QuantaDiscovery.Common.Scalars;

namespace QuantaDiscovery.Cluster;

/// <summary>
/// M = D^(−1/2) A′ D^(−1/2) as a symmetric linear operator on blocks of column vectors (n × b, float32), with
/// scipy.sparse.csgraph.laplacian's conventions: A′ is A without its diagonal, d = A′·1, and an isolated sample gets
/// √d = 1 (its row of M is zero). The eigenvalues of L = I − M are 1 − those of M, so the smallest of L are the
/// largest of M. The eigensolvers only multiply by M, so a dense and a sparse affinity share them.
/// </summary>
internal abstract class NormalisedAffinity
{
    /// <summary>Number of samples n.</summary>
    public abstract int Size { get; }

    /// <summary>√d (float64, n), with 1 on isolated samples: the embedding divides the eigenvectors of M by it.</summary>
    public required Tensor SqrtDegree { get; init; }

    /// <summary>
    /// v = √d with 0 on isolated samples, or null for an empty graph: M·v = v (row i is Σ_j A′_ij / √d_i = √d_i) and no
    /// eigenvalue of M exceeds 1 (L is positive semi-definite), so v is a leading eigenvector known for free.
    /// </summary>
    public required Tensor? TopEigenvector { get; init; }

    /// <summary>M·X for an n × b block X.</summary>
    public abstract Tensor Multiply(Tensor block);

    /// <summary>
    /// One step of a Chebyshev recurrence in place: <paramref name="previous"/> ← scale·(M − centre)·<paramref name="current"/> − previous,
    /// for n × b float32 blocks, <paramref name="previous"/> contiguous.
    /// </summary>
    public abstract void ChebyshevStep(Tensor current, Tensor previous, float centre, float scale);

    /// <summary>M as a dense float32 n × n tensor (for the dense eigensolver).</summary>
    public abstract Tensor ToDense();

    public static NormalisedAffinity Of(AffinityMatrix affinity)
    {
        int n = affinity.Size;
        var a = tensor(affinity.Values).reshape(n, n);
        var m = a.add(a.t(), One).mul_(OneHalf);
        a.Dispose();
        m.diagonal().fill_(Zero);
        var degree = m.sum(1, type: ScalarType.Float64);
        var sqrtDegree = SafeSqrt(degree);
        var inverse = sqrtDegree.reciprocal().to_type(ScalarType.Float32);
        m.mul_(inverse.unsqueeze(1)).mul_(inverse.unsqueeze(0));
        return new Dense(m) { SqrtDegree = sqrtDegree, TopEigenvector = TopOf(degree) };
    }

    public static NormalisedAffinity Of(SparseAffinity affinity)
    {
        int n = affinity.Size;
        var degree = new double[n];
        for (int i = 0; i < n; i++)
            for (int p = affinity.RowStarts[i]; p < affinity.RowStarts[i + 1]; p++)
                if (affinity.Columns[p] != i) degree[i] += affinity.Values[p];
        var inverse = degree.Select(d => d == 0 ? 1 : 1 / Math.Sqrt(d)).ToArray();
        var values = new float[affinity.Entries];
        for (int i = 0; i < n; i++)
            for (int p = affinity.RowStarts[i]; p < affinity.RowStarts[i + 1]; p++)
            {
                int j = affinity.Columns[p];
                values[p] = j == i ? 0 : (float)(affinity.Values[p] * inverse[i] * inverse[j]);
            }
        var degreeTensor = tensor(degree);
        return new Sparse(n, affinity.RowStarts, affinity.Columns, values)
        {
            SqrtDegree = SafeSqrt(degreeTensor), TopEigenvector = TopOf(degreeTensor),
        };
    }

    private static Tensor SafeSqrt(Tensor degree) => where(degree.eq(Zero), ones_like(degree), degree.sqrt());

    private static Tensor? TopOf(Tensor degree) => degree.sum().item<double>() > 0 ? degree.sqrt() : null;

    private sealed class Dense(Tensor matrix) : NormalisedAffinity
    {
        public override int Size => (int)matrix.shape[0];
        public override Tensor Multiply(Tensor block) => TorchThreads.MatMul(matrix, block);
        public override Tensor ToDense() => matrix;

        public override void ChebyshevStep(Tensor current, Tensor previous, float centre, float scale)
        {
            using var scope = NewDisposeScope();
            using Scalar minusCentre = -centre, factor = scale;
            previous.neg_().add_(Multiply(current).add_(current, minusCentre).mul_(factor));
        }
    }

    /// <summary>CSR M (same pattern as A; the diagonal stored as 0); products split by rows over .NET threads.</summary>
    private sealed class Sparse(int size, int[] rowStarts, int[] columns, float[] values) : NormalisedAffinity
    {
        public override int Size => size;

        public override Tensor ToDense()
        {
            var dense = new float[(long)size * size];
            for (int i = 0; i < size; i++)
                for (int p = rowStarts[i]; p < rowStarts[i + 1]; p++)
                    dense[(long)i * size + columns[p]] = values[p];
            return tensor(dense).reshape(size, size);
        }

        public override unsafe Tensor Multiply(Tensor block)
        {
            // contiguous() returns a second handle even when it copies nothing; disposing it keeps the caller's block collectable.
            using var x = block.contiguous();
            int width = (int)x.shape[1];
            var y = zeros(size, width, ScalarType.Float32);
            int chunks = Math.Min(size, 16 * TorchThreads.Width);
            // libtorch owns the memory (nothing to pin); the addresses let the row chunks run on .NET threads.
            nint xAddress = TensorAddress.Of(x), yAddress = TensorAddress.Of(y);
            TorchThreads.For(chunks, chunk =>
            {
                float* xs = (float*)xAddress, ys = (float*)yAddress;
                for (int i = (int)((long)chunk * size / chunks); i < (int)((long)(chunk + 1) * size / chunks); i++)
                {
                    var row = new Span<float>(ys + (long)i * width, width);
                    for (int p = rowStarts[i]; p < rowStarts[i + 1]; p++)
                        MultiplyAdd(values[p], new ReadOnlySpan<float>(xs + (long)columns[p] * width, width), row);
                }
            });
            return y;
        }

        /// <summary>Row by row (row i of the result needs only row i of <paramref name="previous"/>), so no third n × b block.</summary>
        public override unsafe void ChebyshevStep(Tensor current, Tensor previous, float centre, float scale)
        {
            using var x = current.contiguous();
            if (!previous.is_contiguous()) throw new ArgumentException("the block written in place must be contiguous", nameof(previous));
            int width = (int)x.shape[1];
            int chunks = Math.Min(size, 16 * TorchThreads.Width);
            nint xAddress = TensorAddress.Of(x), yAddress = TensorAddress.Of(previous);
            TorchThreads.For(chunks, chunk =>
            {
                float* xs = (float*)xAddress, ys = (float*)yAddress;
                var sum = new float[width];
                for (int i = (int)((long)chunk * size / chunks); i < (int)((long)(chunk + 1) * size / chunks); i++)
                {
                    Array.Clear(sum);
                    for (int p = rowStarts[i]; p < rowStarts[i + 1]; p++)
                        MultiplyAdd(values[p], new ReadOnlySpan<float>(xs + (long)columns[p] * width, width), sum);
                    Combine(sum, new ReadOnlySpan<float>(xs + (long)i * width, width), new Span<float>(ys + (long)i * width, width), centre, scale);
                }
            });
        }

        /// <summary>y ← scale·(s − centre·x) − y.</summary>
        private static void Combine(ReadOnlySpan<float> s, ReadOnlySpan<float> x, Span<float> y, float centre, float scale)
        {
            int i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var c = new Vector<float>(centre);
                var f = new Vector<float>(scale);
                for (; i <= y.Length - Vector<float>.Count; i += Vector<float>.Count)
                    (f * (new Vector<float>(s[i..]) - c * new Vector<float>(x[i..])) - new Vector<float>(y[i..])).CopyTo(y[i..]);
            }
            for (; i < y.Length; i++) y[i] = scale * (s[i] - centre * x[i]) - y[i];
        }

        /// <summary>y += a·x.</summary>
        private static void MultiplyAdd(float a, ReadOnlySpan<float> x, Span<float> y)
        {
            int i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var scale = new Vector<float>(a);
                for (; i <= y.Length - Vector<float>.Count; i += Vector<float>.Count)
                    (scale * new Vector<float>(x[i..]) + new Vector<float>(y[i..])).CopyTo(y[i..]);
            }
            for (; i < y.Length; i++) y[i] += a * x[i];
        }
    }
}
