using System.IO.Compression;
using System.Text;
using QuantaDiscovery.Common;

namespace QuantaDiscovery.Cluster;

/// <summary>
/// A validated sparse affinity in CSR form (row i = sample i; absent entries are 0): square, finite,
/// non-negative and symmetric within <see cref="AffinityMatrix.DefaultSymmetryTolerance"/>, with each row's
/// column indices strictly increasing. The sparse counterpart of <see cref="AffinityMatrix"/>, as scikit-learn's
/// <c>SpectralClustering(affinity="precomputed")</c> accepts a scipy.sparse matrix.
/// Files use scipy's <c>save_npz</c> layout (a .npz holding data.npy, indices.npy, indptr.npy, format.npy = b"csr" and
/// shape.npy), so <c>scipy.sparse.load_npz</c> opens them.
/// </summary>
public sealed class SparseAffinity
{
    /// <summary>Number of samples n; the matrix is n × n.</summary>
    public int Size { get; }

    /// <summary>indptr: row i's entries are at positions RowStarts[i] .. RowStarts[i + 1] − 1 (n + 1 values).</summary>
    public int[] RowStarts { get; }

    /// <summary>indices: the column of each stored entry.</summary>
    public int[] Columns { get; }

    /// <summary>data: the value of each stored entry.</summary>
    public float[] Values { get; }

    /// <summary>Where the matrix came from (a file path), used in error messages.</summary>
    public string? Source { get; }

    /// <summary>Number of stored entries (nnz).</summary>
    public int Entries => Values.Length;

    private SparseAffinity(int size, int[] rowStarts, int[] columns, float[] values, string? source)
    {
        Size = size;
        RowStarts = rowStarts;
        Columns = columns;
        Values = values;
        Source = source;
    }

    /// <summary>
    /// Validates CSR arrays. Within a row, unsorted columns are sorted and duplicates summed (scipy's
    /// <c>sum_duplicates</c>); the arrays passed in may be reordered in place.
    /// </summary>
    public static SparseAffinity Create(int size, int[] rowStarts, int[] columns, float[] values, string? source = null,
        double symmetryTolerance = AffinityMatrix.DefaultSymmetryTolerance)
    {
        if (size < 2)
            throw new InputException($"an affinity matrix needs at least 2 samples, got {size}", source);
        if (rowStarts.Length != size + 1)
            throw new InputException($"indptr has {rowStarts.Length} entries; a {size} × {size} CSR matrix needs {size + 1}", source);
        if (columns.Length != values.Length)
            throw new InputException($"indices has {columns.Length} entries but data has {values.Length}", source);
        if (rowStarts[0] != 0 || rowStarts[size] != values.Length)
            throw new InputException($"indptr must run from 0 to nnz = {values.Length}, got {rowStarts[0]} .. {rowStarts[size]}", source);
        for (int i = 0; i < size; i++)
        {
            int start = rowStarts[i], end = rowStarts[i + 1];
            if (end < start)
                throw new InputException($"indptr decreases at row {i} ({start} then {end})", source);
            for (int p = start; p < end; p++)
            {
                if (columns[p] < 0 || columns[p] >= size)
                    throw new InputException($"row {i} has column index {columns[p]}, outside [0, {size})", source);
                if (!float.IsFinite(values[p]))
                    throw new InputException($"entry (row {i}, column {columns[p]}) is {values[p]}: affinities must be finite", source);
                if (values[p] < 0)
                    throw new InputException($"entry (row {i}, column {columns[p]}) is {values[p]}: affinities must be non-negative", source);
            }
        }
        var merged = SortAndMergeRows(size, rowStarts, columns, values, static (a, b) => a + b);
        int written = merged[size];
        var affinity = new SparseAffinity(size, merged, columns[..written], values[..written], source);
        affinity.CheckSymmetric(symmetryTolerance);
        return affinity;
    }

    /// <summary>
    /// Sorts each CSR row by column and merges the entries of a repeated column into one with <paramref name="combine"/>
    /// (a sum, as scipy's <c>sum_duplicates</c>; or the larger, for a symmetric union), in place. Returns the new row
    /// starts: the first <c>result[size]</c> entries of the arrays hold the merged rows.
    /// </summary>
    public static int[] SortAndMergeRows(int size, int[] rowStarts, int[] columns, float[] values, Func<float, float, float> combine)
    {
        var merged = new int[size + 1];
        int written = 0;
        for (int i = 0; i < size; i++)
        {
            int start = rowStarts[i], end = rowStarts[i + 1];
            Array.Sort(columns, values, start, end - start);
            merged[i] = written;
            for (int p = start; p < end; p++)
                if (written > merged[i] && columns[written - 1] == columns[p])
                    values[written - 1] = combine(values[written - 1], values[p]);
                else
                {
                    columns[written] = columns[p];
                    values[written++] = values[p];
                }
        }
        merged[size] = written;
        return merged;
    }

    private void CheckSymmetric(double tolerance)
    {
        // Rows are sorted, so the mirrors (j, i) of row i's entries are met in increasing i: one cursor per row j moves forward.
        // An entry of row j that a cursor passes unmatched mirrors an absent entry, i.e. a zero.
        var cursor = RowStarts[..^1];
        void CheckAgainstZero(int row, int position)
        {
            if (Values[position] > tolerance)
                throw new InputException(
                    $"matrix is not symmetric: entry (row {row}, column {Columns[position]}) is {Values[position]} but (row {Columns[position]}, column {row}) is absent", Source);
        }
        for (int i = 0; i < Size; i++)
            for (int p = RowStarts[i]; p < RowStarts[i + 1]; p++)
            {
                int j = Columns[p];
                while (cursor[j] < RowStarts[j + 1] && Columns[cursor[j]] < i) CheckAgainstZero(j, cursor[j]++);
                bool found = cursor[j] < RowStarts[j + 1] && Columns[cursor[j]] == i;
                float mirror = found ? Values[cursor[j]++] : 0;
                if (Math.Abs(Values[p] - mirror) > tolerance)
                    throw new InputException(
                        $"matrix is not symmetric: entry (row {i}, column {j}) is {Values[p]} but (row {j}, column {i}) is {(found ? mirror : "absent")}", Source);
            }
        for (int j = 0; j < Size; j++)
            while (cursor[j] < RowStarts[j + 1]) CheckAgainstZero(j, cursor[j]++);
    }

    /// <summary>The entry (i, j), 0 when absent (binary search within row i).</summary>
    public float this[int i, int j]
    {
        get
        {
            int p = Array.BinarySearch(Columns, RowStarts[i], RowStarts[i + 1] - RowStarts[i], j);
            return p >= 0 ? Values[p] : 0;
        }
    }

    /// <summary>Writes scipy's <c>save_npz</c> layout (uncompressed, as <c>save_npz(..., compressed=False)</c>).</summary>
    public void Save(string path)
    {
        using var published = new PublishedFile(path);
        using (var zip = ZipFile.Open(published.TemporaryPath, ZipArchiveMode.Create))
        {
            WriteEntry(zip, "data.npy", stream => Npy.Write<float>(stream, Values, Values.Length));
            WriteEntry(zip, "indices.npy", stream => Npy.Write<int>(stream, Columns, Columns.Length));
            WriteEntry(zip, "indptr.npy", stream => Npy.Write<int>(stream, RowStarts, RowStarts.Length));
            WriteEntry(zip, "format.npy", stream =>
            {
                Npy.WriteHeader(stream, "|S3");
                stream.Write(Encoding.ASCII.GetBytes("csr"));
            });
            WriteEntry(zip, "shape.npy", stream => Npy.Write<long>(stream, [Size, Size], 2));
        }
        published.Complete();
    }

    private static void WriteEntry(ZipArchive zip, string name, Action<Stream> write)
    {
        using var stream = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
        write(stream);
    }

    /// <summary>
    /// Reads a CSR matrix saved by <c>scipy.sparse.save_npz</c> (compressed or not; data float32 or float64, indices and
    /// indptr int32 or int64) or by <see cref="Save"/>, and validates it.
    /// </summary>
    public static SparseAffinity Load(string path)
    {
        if (!File.Exists(path)) throw new InputException("file not found", path);
        ZipArchive zip;
        try { zip = ZipFile.OpenRead(path); }
        catch (InvalidDataException) { throw new InputException("not a .npz file (scipy.sparse.save_npz writes one)", path); }
        using (zip)
        {
            var format = ReadEntry(zip, path, "format.npy", (stream, name) =>
            {
                var (descriptor, _, _) = Npy.ReadHeader(stream, name);
                using var reader = new StreamReader(stream, descriptor.StartsWith("<U") ? Encoding.UTF32 : Encoding.ASCII);
                return reader.ReadToEnd().TrimEnd('\0');
            });
            if (format != "csr")
                throw new InputException($"sparse format is '{format}'; save a CSR matrix (scipy.sparse.csr_matrix(m))", path);
            var shape = ReadEntry(zip, path, "shape.npy", Integers);
            if (shape.Length != 2 || shape[0] != shape[1])
                throw new InputException($"an affinity matrix must be square [n, n], got shape ({string.Join(", ", shape)})", path);
            var data = ReadEntry(zip, path, "data.npy", (stream, name) =>
            {
                var bytes = Buffer(stream);
                string descriptor = Npy.ReadHeader(new MemoryStream(bytes), name).Descriptor;
                return descriptor == Npy.DescriptorOf<double>()
                    ? Array.ConvertAll(Npy.Read<double>(new MemoryStream(bytes), name).Data, x => (float)x)
                    : Npy.Read<float>(new MemoryStream(bytes), name).Data;
            });
            var indices = ReadEntry(zip, path, "indices.npy", Integers);
            var indptr = ReadEntry(zip, path, "indptr.npy", Integers);
            if (indices.Length > int.MaxValue || shape[0] > int.MaxValue)
                throw new InputException($"matrix too large ({shape[0]} samples, {indices.Length} entries)", path);
            return Create((int)shape[0], Array.ConvertAll(indptr, x => checked((int)x)), Array.ConvertAll(indices, x => (int)x), data, path);
        }
    }

    /// <summary>Samples and stored entries of a .npz CSR matrix, from its shape and the size of its indices, without reading the data.</summary>
    public static (int Size, long Entries) PeekShape(string path)
    {
        if (!File.Exists(path)) throw new InputException("file not found", path);
        ZipArchive zip;
        try { zip = ZipFile.OpenRead(path); }
        catch (InvalidDataException) { throw new InputException("not a .npz file (scipy.sparse.save_npz writes one)", path); }
        using (zip)
        {
            var shape = ReadEntry(zip, path, "shape.npy", Integers);
            if (shape.Length != 2 || shape[0] != shape[1] || shape[0] > int.MaxValue)
                throw new InputException($"an affinity matrix must be square [n, n], got shape ({string.Join(", ", shape)})", path);
            var (_, indicesShape, _) = ReadEntry(zip, path, "indices.npy", (stream, name) => Npy.ReadHeader(stream, name));
            return ((int)shape[0], indicesShape.Length == 1 ? indicesShape[0] : 0);
        }
    }

    private static long[] Integers(Stream stream, string name)
    {
        var bytes = Buffer(stream);
        string descriptor = Npy.ReadHeader(new MemoryStream(bytes), name).Descriptor;
        return descriptor == Npy.DescriptorOf<int>()
            ? Array.ConvertAll(Npy.Read<int>(new MemoryStream(bytes), name).Data, x => (long)x)
            : Npy.Read<long>(new MemoryStream(bytes), name).Data;
    }

    private static byte[] Buffer(Stream stream)
    {
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    private static T ReadEntry<T>(ZipArchive zip, string path, string name, Func<Stream, string, T> read)
    {
        var entry = zip.GetEntry(name) ?? throw new InputException($"no {name} in the archive (scipy.sparse.save_npz writes one)", path);
        using var stream = entry.Open();
        return read(stream, $"{path}:{name}");
    }
}
