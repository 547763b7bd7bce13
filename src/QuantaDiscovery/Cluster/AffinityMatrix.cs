using QuantaDiscovery.Common;

namespace QuantaDiscovery.Cluster;

/// <summary>
/// A validated precomputed affinity: square, finite, non-negative and symmetric (within
/// <see cref="DefaultSymmetryTolerance"/>, absolute), stored row-major as float32 (row i = sample i).
/// The same contract as scikit-learn's <c>SpectralClustering(affinity="precomputed")</c>.
/// </summary>
public sealed class AffinityMatrix
{
    public const double DefaultSymmetryTolerance = 1e-5;

    /// <summary>Number of samples n; the matrix is n × n.</summary>
    public int Size { get; }

    /// <summary>The n² entries, row-major.</summary>
    public float[] Values { get; }

    /// <summary>Where the matrix came from (a file path), used in error messages.</summary>
    public string? Source { get; }

    private AffinityMatrix(float[] values, int size, string? source)
    {
        Values = values;
        Size = size;
        Source = source;
    }

    /// <summary>Reads a float32 (or float64) .npy [n, n] and validates it.</summary>
    public static AffinityMatrix Load(string path, double symmetryTolerance = DefaultSymmetryTolerance)
    {
        string descriptor;
        using (var stream = File.OpenRead(path))
            descriptor = Npy.ReadHeader(stream, path).Descriptor;
        NpyArray<float> array = descriptor == Npy.DescriptorOf<double>()
            ? ToSingle(Npy.Read<double>(path))
            : Npy.Read<float>(path);
        if (array.Shape.Length != 2 || array.Shape[0] != array.Shape[1])
            throw new InputException($"an affinity matrix must be square [n, n], got shape ({string.Join(", ", array.Shape)})", path);
        return Create(array.Data, array.Shape[0], path, symmetryTolerance);
    }

    /// <summary>Validates an in-memory n × n row-major matrix; <paramref name="source"/> names it in errors.</summary>
    public static AffinityMatrix Create(float[] values, int size, string? source = null,
        double symmetryTolerance = DefaultSymmetryTolerance)
    {
        if ((long)size * size != values.Length)
            throw new InputException($"{values.Length} values do not form a square {size} × {size} matrix", source);
        if (size < 2)
            throw new InputException($"an affinity matrix needs at least 2 samples, got {size}", source);
        for (int i = 0; i < size; i++)
        {
            var row = values.AsSpan(i * size, size);
            for (int j = 0; j < size; j++)
            {
                float a = row[j];
                if (!float.IsFinite(a))
                    throw new InputException($"entry (row {i}, column {j}) is {a}: affinities must be finite", source);
                if (a < 0)
                    throw new InputException($"entry (row {i}, column {j}) is {a}: affinities must be non-negative", source);
                if (j > i && Math.Abs(a - values[(long)j * size + i]) > symmetryTolerance)
                    throw new InputException(
                        $"matrix is not symmetric: entry (row {i}, column {j}) is {a} but (row {j}, column {i}) is {values[(long)j * size + i]}", source);
            }
        }
        return new AffinityMatrix(values, size, source);
    }

    private static NpyArray<float> ToSingle(NpyArray<double> array) =>
        new(Array.ConvertAll(array.Data, x => (float)x), array.Shape);
}
