using QuantaDiscovery.Common;
using TorchSharp;
using static TorchSharp.torch;

namespace QuantaDiscovery.Cluster;

/// <summary>
/// Labels from a spectral embedding without k-means: scikit-learn's <c>cluster_qr</c> (Damle, Minden &amp; Ying 2019,
/// "Simple, direct and efficient multi-way spectral clustering", Information and Inference 8(1)). With V the n × k
/// embedding: a QR factorisation of Vᵀ with column pivoting picks k samples (rows of V) that span it best; the orthogonal
/// polar factor U Wᵀ of V_pivotsᵀ = U Σ Wᵀ rotates V so each picked sample lies along one axis, and each sample joins the
/// axis where its rotated row is largest in magnitude. Deterministic, no restarts, and no memory beyond the embedding.
/// </summary>
public static class ClusterQr
{
    /// <summary>Rows per chunk of k float64 columns: about 4 MB (below glibc's 8 MiB mapping threshold under <c>quanta cluster</c>).</summary>
    private static int RowChunk(int k) => Math.Clamp((4 << 20) / (8 * k), 64, 1 << 12);

    /// <summary>Labels in [0, k) for the rows of <paramref name="vectors"/> [n, k].</summary>
    public static int[] Labels(Tensor vectors) => TorchThreads.SingleThreaded(() =>
    {
        using var scope = NewDisposeScope();
        int n = (int)vectors.shape[0], k = (int)vectors.shape[1];
        var pivots = Pivots(vectors, n, k);
        var picked = vectors.index_select(0, tensor(pivots)).to_type(ScalarType.Float64);
        var (u, _, wt) = linalg.svd(picked.t(), fullMatrices: false);
        var rotation = mm(u, wt);
        var labels = new int[n];
        int chunkRows = RowChunk(k);
        for (int start = 0; start < n; start += chunkRows)
        {
            using var chunk = NewDisposeScope();
            int rows = Math.Min(chunkRows, n - start);
            var best = mm(vectors.narrow(0, start, rows).to_type(ScalarType.Float64), rotation).abs_().argmax(1);
            best.to_type(ScalarType.Int32).data<int>().CopyTo(labels, start);
        }
        return labels;
    });

    /// <summary>
    /// The first k pivots of the column-pivoted QR of Vᵀ (LAPACK's xGEQP3 order): each step takes the row of V whose
    /// component orthogonal to the rows already taken is longest (the first on ties), with those residual norms downdated
    /// and recomputed exactly once they have fallen below √ε of their last exact value, as xGEQP3 does.
    /// </summary>
    private static long[] Pivots(Tensor vectors, int n, int k)
    {
        using var scope = NewDisposeScope();
        var residual = new double[n];
        ForChunks(vectors, n, (start, rows) => rows.pow(2).sum(1).data<double>().CopyTo(residual, start));
        var exact = (double[])residual.Clone();
        var taken = new bool[n];
        var basis = zeros(k, k, ScalarType.Float64);
        var pivots = new long[k];
        double threshold = Math.Sqrt(Math.Pow(2, -52));
        int chunkRows = RowChunk(k);
        var projections = new double[n];
        for (int j = 0; j < k; j++)
        {
            using var step = NewDisposeScope();
            int pivot = -1;
            for (int i = 0; i < n; i++)
                if (!taken[i] && (pivot < 0 || residual[i] > residual[pivot])) pivot = i;
            pivots[j] = pivot;
            taken[pivot] = true;
            var done = basis.narrow(1, 0, j);
            var direction = vectors[pivot].to_type(ScalarType.Float64);
            for (int pass = 0; pass < 2; pass++)
                direction = direction.sub(mv(done, mv(done.t(), direction)));
            double length = direction.norm().item<double>();
            if (length > 0) direction = direction.div(length);   // else the rows taken span every row: nothing is left to remove
            basis.select(1, j).copy_(direction);
            var recompute = new List<long>();
            Project(vectors, direction, projections);
            for (int row = 0; row < n; row++)
            {
                if (taken[row]) continue;
                residual[row] = Math.Max(0, residual[row] - projections[row] * projections[row]);
                if (residual[row] <= threshold * exact[row]) recompute.Add(row);
            }
            var through = basis.narrow(1, 0, j + 1);
            for (int first = 0; first < recompute.Count; first += chunkRows)
            {
                using var exactScope = NewDisposeScope();
                var group = recompute.GetRange(first, Math.Min(chunkRows, recompute.Count - first)).ToArray();
                var rows = vectors.index_select(0, tensor(group)).to_type(ScalarType.Float64);
                var norms = rows.sub(mm(mm(rows, through), through.t())).pow(2).sum(1).data<double>().ToArray();
                for (int r = 0; r < group.Length; r++)
                    residual[group[r]] = exact[group[r]] = norms[r];
            }
        }
        return pivots;
    }

    /// <summary>
    /// V·q for every row into <paramref name="projections"/>, in V's own precision: one pass over V per pivot is the pivot
    /// search's whole cost (k passes over n × k), so a float32 embedding is read as it is, its rows split over the caller's threads
    /// (<see cref="TorchThreads.MatMul"/>), rather than copied to float64 first. Rounding can reorder only pivots whose residuals tie within float32's precision.
    /// </summary>
    private static void Project(Tensor vectors, Tensor direction, double[] projections)
    {
        using var scope = NewDisposeScope();
        var q = direction.to_type(vectors.dtype).unsqueeze(1);
        TorchThreads.MatMul(vectors, q).squeeze(1).to_type(ScalarType.Float64).data<double>().CopyTo(projections);
    }

    /// <summary>Rows of <paramref name="vectors"/> as float64, a few thousand at a time (through one reused buffer).</summary>
    private static void ForChunks(Tensor vectors, int n, Action<int, Tensor> action)
    {
        using var scope = NewDisposeScope();
        int chunkRows = RowChunk((int)vectors.shape[1]);
        var buffer = empty(Math.Min(chunkRows, n), vectors.shape[1], ScalarType.Float64);
        for (int start = 0; start < n; start += chunkRows)
        {
            using var chunk = NewDisposeScope();
            int rows = Math.Min(chunkRows, n - start);
            action(start, buffer.narrow(0, 0, rows).copy_(vectors.narrow(0, start, rows)));
        }
    }
}
