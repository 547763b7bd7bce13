using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using QuantaDiscovery.Cluster;
using QuantaDiscovery.Common;
using TorchSharp;
using static TorchSharp.torch;

namespace QuantaDiscovery.Similarity;

/// <summary>
/// Pairwise similarity of per-sample gradients, as in quanta discovery (Michaud et al. 2023, §5):
/// rows of G are normalised, C = Ĝ Ĝᵀ is their cosine matrix and the affinity is
/// A = 1 − arccos(clip(C, −1, 1)) / π, which is 1 for parallel gradients, ½ for orthogonal ones and
/// 0 for opposite ones. (A is the order-0 arc-cosine kernel of Cho &amp; Saul 2009, so it is positive
/// semi-definite.)
/// </summary>
public static class GradientSimilarity
{
    /// <summary>Columns of G multiplied at once; bounds the working memory to samples × this many floats.</summary>
    public const int DefaultSlabColumns = 8192;

    /// <summary>The angular affinity of one cosine: 1 − arccos(clip(c, −1, 1)) / π.</summary>
    public static float AngularAffinity(double cosine) => (float)(1 - Math.Acos(Math.Clamp(cosine, -1, 1)) / Math.PI);

    /// <summary>
    /// The affinity matrix A (samples × samples, row-major) of a gradient matrix G (samples × parameters,
    /// row-major, float32). A row of G that is all zeros has no direction: it is an error naming the row.
    /// </summary>
    public static float[] Affinity(float[] gradients, int samples, int parameters, string? source = null)
    {
        if ((long)samples * parameters != gradients.Length)
            throw new ArgumentException($"{gradients.Length} values do not form a {samples} × {parameters} matrix");
        return Affinity(new ArraySource(gradients, samples, parameters), source);
    }

    /// <summary>
    /// The affinity matrix of the gradients in a .npy file (float32 [samples, parameters]). The file is
    /// memory-mapped and read in column slabs, so G itself need not fit in memory; A (samples² floats) does.
    /// </summary>
    public static float[] Affinity(string gradientsPath, out int samples, int slabColumns = DefaultSlabColumns)
    {
        using var source = MappedSource.Open(gradientsPath);
        samples = source.Rows;
        return Affinity(source, gradientsPath, slabColumns);
    }

    /// <summary>Reads G from <paramref name="gradientsPath"/> and writes A as float32 [samples, samples] .npy.</summary>
    public static void WriteAffinity(string gradientsPath, string affinityPath, int slabColumns = DefaultSlabColumns)
    {
        var affinity = Affinity(gradientsPath, out int samples, slabColumns);
        Npy.Write<float>(affinityPath, affinity, samples, samples);
    }

    /// <summary>Rows of the cosine matrix computed at once per thread by <see cref="ExactNeighbours"/>.</summary>
    private const int NeighbourBlockRows = 256;

    /// <summary>
    /// The symmetric m-nearest-neighbour graph of the angular affinity, as CSR: each sample keeps its
    /// <paramref name="neighbours"/> largest affinities to other samples, and the graph is their union, the
    /// "k-nearest neighbour graph" of von Luxburg (2007, "A tutorial on spectral clustering", §2.2): i and j are joined
    /// when either is among the other's m nearest, with weight A_ij, so every stored entry equals the dense affinity's.
    /// (scikit-learn's <c>affinity="nearest_neighbors"</c> instead averages 0/1 connectivities, 0.5 (C + Cᵀ), which
    /// drops the weights and halves one-sided edges.) The diagonal is not stored. The neighbours are found exactly
    /// (C = Ĝ Ĝᵀ in blocks of rows, only the top m of each row kept) or by a <see cref="RandomProjectionForest"/>
    /// (<paramref name="search"/>; by default from 100,000 samples on). Memory: the unit rows once (n·d floats) plus
    /// O(n·m), never n².
    /// </summary>
    public static SparseAffinity NearestNeighbourAffinity(float[] gradients, int samples, int parameters, int neighbours,
        string? source = null, NeighbourSearchOptions? search = null)
    {
        if ((long)samples * parameters != gradients.Length)
            throw new ArgumentException($"{gradients.Length} values do not form a {samples} × {parameters} matrix");
        var arraySource = new ArraySource(gradients, samples, parameters);
        CheckNeighbours(samples, parameters, neighbours, source);
        return GraphOfUnitRows(UnitRows(arraySource, source), samples, parameters, neighbours, source, search ?? new());
    }

    /// <summary>
    /// The m-nearest-neighbour graph of the gradients in a .npy file (float32 [samples, parameters]), read in blocks of
    /// rows straight into the one normalised copy the search works on.
    /// </summary>
    public static SparseAffinity NearestNeighbourAffinity(string gradientsPath, int neighbours, NeighbourSearchOptions? search = null)
    {
        var (n, d, dataOffset) = GradientShape(gradientsPath);
        CheckNeighbours(n, d, neighbours, gradientsPath);
        return GraphOfUnitRows(UnitRows(gradientsPath, n, d, dataOffset), n, d, neighbours, gradientsPath, search ?? new());
    }

    /// <summary>Reads G from <paramref name="gradientsPath"/> and writes its m-nearest-neighbour graph in scipy's save_npz layout.</summary>
    public static SparseAffinity WriteNearestNeighbourAffinity(string gradientsPath, string graphPath, int neighbours, NeighbourSearchOptions? search = null)
    {
        var graph = NearestNeighbourAffinity(gradientsPath, neighbours, search);
        graph.Save(graphPath);
        return graph;
    }

    /// <summary>Samples and columns of a gradient .npy and where its data start; a wrong dtype, rank or length is an error naming the file.</summary>
    public static (int Samples, int Columns, long DataOffset) GradientShape(string path)
    {
        using var stream = File.OpenRead(path);
        var (descriptor, shape, dataOffset) = Npy.ReadHeader(stream, path);
        if (descriptor != Npy.DescriptorOf<float>())
            throw new InputException($"gradients have dtype '{descriptor}', expected float32 ('<f4')", path);
        if (shape.Length != 2)
            throw new InputException($"gradients must be a 2-D array [samples, parameters], got shape ({string.Join(", ", shape)})", path);
        if (dataOffset + (long)shape[0] * shape[1] * sizeof(float) > stream.Length)
            throw new InputException($"file is shorter than its shape ({shape[0]}, {shape[1]}) requires", path);
        return (shape[0], shape[1], dataOffset);
    }

    /// <summary>Refuses an m outside 1 … n − 1 for an m-nearest-neighbour graph of n samples.</summary>
    public static void RequireNeighbourCount(int neighbours, long n, string? path)
    {
        if (neighbours < 1 || neighbours >= n)
            throw new InputException($"{neighbours} nearest neighbours asked for, but there are {n} samples: use 1 to {n - 1}", path);
    }

    private static void CheckNeighbours(int n, int d, int neighbours, string? path)
    {
        if (n == 0 || d == 0)
            throw new InputException($"gradient matrix is empty ({n} × {d})", path);
        RequireNeighbourCount(neighbours, n, path);
        if ((long)n * d > Array.MaxLength)
            throw new InputException($"a {n} × {d} gradient matrix does not fit in one array: project it to fewer dimensions first", path);
    }

    private static SparseAffinity GraphOfUnitRows(float[] unit, int n, int d, int neighbours, string? path, NeighbourSearchOptions search)
    {
        var (nearest, cosines) = search.Resolve(n) == NeighbourSearch.Forest
            ? RandomProjectionForest.Search(unit, n, d, neighbours, search)
            : ExactNeighbours(unit, n, d, neighbours);
        return SymmetricUnion(n, neighbours, nearest, cosines, path);
    }

    /// <summary>Rows of G read at once by <see cref="UnitRows(string, int, int, long)"/>.</summary>
    private const int ReadBlockRows = 4096;

    /// <summary>The rows of a gradient file divided by their norms, read block by block into one array (no memory map).</summary>
    private static float[] UnitRows(string path, int n, int d, long dataOffset)
    {
        var unit = new float[(long)n * d];
        using var file = File.OpenHandle(path);
        for (int start = 0; start < n; start += ReadBlockRows)
        {
            int rows = Math.Min(ReadBlockRows, n - start);
            var block = MemoryMarshal.AsBytes(unit.AsSpan(start * d, rows * d));
            long offset = dataOffset + (long)start * d * sizeof(float);
            for (int read = 0; read < block.Length;)
            {
                int got = RandomAccess.Read(file, block[read..], offset + read);
                if (got == 0) throw new InputException("file ended before its rows did", path);
                read += got;
            }
        }
        Normalise(unit, n, d, path);
        return unit;
    }

    private static float[] UnitRows(IGradientSource source, string? path)
    {
        var unit = new float[(long)source.Rows * source.Columns];
        source.CopyColumns(0, source.Columns, unit);
        Normalise(unit, source.Rows, source.Columns, path);
        return unit;
    }

    private static void Normalise(float[] unit, int n, int d, string? path)
    {
        for (int i = 0; i < n; i++)
        {
            var row = unit.AsSpan(i * d, d);
            float inverse = (float)(1 / RowNorm(row, i, path));
            foreach (ref var x in row) x *= inverse;
        }
    }

    /// <summary>‖row‖ in float64; a non-finite value or an all-zero row (no direction) is an error naming the row.</summary>
    private static double RowNorm(ReadOnlySpan<float> row, int i, string? path)
    {
        double sum = 0;
        foreach (var x in row)
        {
            if (!float.IsFinite(x))
                throw new InputException($"row {i} of the gradient matrix holds a non-finite value ({x})", path);
            sum += (double)x * x;
        }
        if (sum == 0)
            throw new InputException($"row {i} of the gradient matrix is all zeros: its direction (and so its cosine similarity) is undefined", path);
        return Math.Sqrt(sum);
    }

    /// <summary>Each row's m largest cosines to other rows, comparing blocks of rows with all rows (the unit rows are shared with libtorch, not copied).</summary>
    private static (int[] Nearest, float[] Cosines) ExactNeighbours(float[] unit, int n, int d, int neighbours)
    {
        var nearest = new int[(long)n * neighbours];
        var cosines = new float[(long)n * neighbours];
        TorchThreads.SingleThreaded(() =>
        {
            using var g = frombuffer(unit, ScalarType.Float32).reshape(n, d);
            using var gt = g.t();
            int blocks = (n + NeighbourBlockRows - 1) / NeighbourBlockRows;
            // At most one block per thread of the caller's count (the thread pool adds threads on a loaded machine; each block holds 256 × n cosines).
            TorchThreads.For(blocks, block =>
            {
                using var scope = NewDisposeScope();
                int start = block * NeighbourBlockRows, rows = Math.Min(NeighbourBlockRows, n - start);
                var cosine = mm(g.narrow(0, start, rows), gt);
                cosine.diagonal(start).fill_(-2f); // below every cosine: a sample is not its own neighbour
                var (values, indexes) = cosine.topk(neighbours, dim: 1);
                MemoryMarshal.Cast<byte, float>(values.contiguous().bytes).CopyTo(cosines.AsSpan(start * neighbours));
                MemoryMarshal.Cast<byte, int>(indexes.to_type(ScalarType.Int32).contiguous().bytes).CopyTo(nearest.AsSpan(start * neighbours));
            });
            return 0;
        });
        GC.KeepAlive(unit);
        return (nearest, cosines);
    }

    /// <summary>CSR of the union of the directed neighbour lists, weighted by the angular affinity (the larger of the two
    /// computed values when both directions hold an edge, which keeps the matrix exactly symmetric).</summary>
    private static SparseAffinity SymmetricUnion(int n, int neighbours, int[] nearest, float[] cosines, string? path)
    {
        var counts = new int[n + 1];
        for (int i = 0; i < n; i++)
            for (int r = 0; r < neighbours; r++)
            {
                counts[i + 1]++;
                counts[nearest[(long)i * neighbours + r] + 1]++;
            }
        for (int i = 0; i < n; i++) counts[i + 1] += counts[i];
        var fill = counts[..^1];
        var columns = new int[counts[n]];
        var values = new float[counts[n]];
        for (int i = 0; i < n; i++)
            for (int r = 0; r < neighbours; r++)
            {
                long p = (long)i * neighbours + r;
                int j = nearest[p];
                float a = AngularAffinity(cosines[p]);
                columns[fill[i]] = j;
                values[fill[i]++] = a;
                columns[fill[j]] = i;
                values[fill[j]++] = a;
            }
        var rowStarts = SparseAffinity.SortAndMergeRows(n, counts, columns, values, Math.Max);
        return SparseAffinity.Create(n, rowStarts, columns[..rowStarts[n]], values[..rowStarts[n]], path);
    }

    private static float[] Affinity(IGradientSource source, string? path, int slabColumns = DefaultSlabColumns)
    {
        int n = source.Rows, d = source.Columns;
        if (n == 0 || d == 0)
            throw new InputException($"gradient matrix is empty ({n} × {d})", path);
        var norms = RowNorms(source, path);
        int width = Math.Min(Math.Max(1, slabColumns), d);
        var slab = new float[(long)n * width];
        using var scope = NewDisposeScope();
        var cosine = zeros(n, n, ScalarType.Float32);
        var inverseNorms = tensor(norms.Select(x => (float)(1 / x)).ToArray()).unsqueeze(1);
        for (int start = 0; start < d; start += width)
        {
            int w = Math.Min(width, d - start);
            source.CopyColumns(start, w, slab);
            using var block = tensor(slab.AsSpan(0, n * w).ToArray()).reshape(n, w).mul_(inverseNorms);
            cosine.addmm_(block, block.t());
        }
        // arccos in float64: near c = 1 float32 arccos loses most of its digits.
        var angle = cosine.to_type(ScalarType.Float64).clamp_(-1, 1).acos_();
        var affinity = angle.div_(-Math.PI).add_(1).to_type(ScalarType.Float32);
        affinity.diagonal().fill_(1f);
        return affinity.data<float>().ToArray();
    }

    private static double[] RowNorms(IGradientSource source, string? path)
    {
        var norms = new double[source.Rows];
        var row = new float[source.Columns];
        for (int i = 0; i < source.Rows; i++)
        {
            source.CopyRow(i, row);
            norms[i] = RowNorm(row, i, path);
        }
        return norms;
    }

    private interface IGradientSource
    {
        int Rows { get; }
        int Columns { get; }
        void CopyRow(int row, Span<float> destination);

        /// <summary>Copies G[:, start:start+width] into <paramref name="destination"/> as a Rows × width row-major block.</summary>
        void CopyColumns(int start, int width, Span<float> destination);
    }

    private sealed class ArraySource(float[] data, int rows, int columns) : IGradientSource
    {
        public int Rows => rows;
        public int Columns => columns;
        public void CopyRow(int row, Span<float> destination) => data.AsSpan(row * columns, columns).CopyTo(destination);

        public void CopyColumns(int start, int width, Span<float> destination)
        {
            for (int i = 0; i < rows; i++)
                data.AsSpan(i * columns + start, width).CopyTo(destination.Slice(i * width, width));
        }
    }

    private sealed unsafe class MappedSource : IGradientSource, IDisposable
    {
        private readonly MemoryMappedFile _file;
        private readonly MemoryMappedViewAccessor _view;
        private readonly byte* _base;
        private readonly long _dataOffset;

        public int Rows { get; }
        public int Columns { get; }

        private MappedSource(MemoryMappedFile file, MemoryMappedViewAccessor view, long dataOffset, int rows, int columns)
        {
            _file = file;
            _view = view;
            _dataOffset = dataOffset;
            Rows = rows;
            Columns = columns;
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            _base = pointer + view.PointerOffset;
        }

        public static MappedSource Open(string path)
        {
            var (rows, columns, dataOffset) = GradientShape(path);
            var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            var view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            return new MappedSource(file, view, dataOffset, rows, columns);
        }

        private ReadOnlySpan<float> Row(int row) =>
            new(_base + _dataOffset + (long)row * Columns * sizeof(float), Columns);

        public void CopyRow(int row, Span<float> destination) => Row(row).CopyTo(destination);

        public void CopyColumns(int start, int width, Span<float> destination)
        {
            for (int i = 0; i < Rows; i++)
                Row(i).Slice(start, width).CopyTo(destination.Slice(i * width, width));
        }

        public void Dispose()
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
            _file.Dispose();
        }
    }
}
