using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
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
            double sum = 0;
            foreach (var x in row)
            {
                if (!float.IsFinite(x))
                    throw new InputException($"row {i} of the gradient matrix holds a non-finite value ({x})", path);
                sum += (double)x * x;
            }
            if (sum == 0)
                throw new InputException($"row {i} of the gradient matrix is all zeros: its direction (and so its cosine similarity) is undefined", path);
            norms[i] = Math.Sqrt(sum);
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
            string descriptor;
            int[] shape;
            long dataOffset;
            long length;
            using (var stream = File.OpenRead(path))
            {
                (descriptor, shape, dataOffset) = Npy.ReadHeader(stream, path);
                length = stream.Length;
            }
            if (descriptor != Npy.DescriptorOf<float>())
                throw new InputException($"gradients have dtype '{descriptor}', expected float32 ('<f4')", path);
            if (shape.Length != 2)
                throw new InputException($"gradients must be a 2-D array [samples, parameters], got shape ({string.Join(", ", shape)})", path);
            if (dataOffset + (long)shape[0] * shape[1] * sizeof(float) > length)
                throw new InputException($"file is shorter than its shape ({shape[0]}, {shape[1]}) requires", path);
            var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            var view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            return new MappedSource(file, view, dataOffset, shape[0], shape[1]);
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
