using System.Runtime.InteropServices;
using System.Text.Json;
using QuantaDiscovery.Common;
using QuantaDiscovery.Gradients;
using QuantaDiscovery.Select;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Gradients;

[CollectionDefinition(nameof(TorchThreadCountSensitive), DisableParallelization = true)]
public sealed class TorchThreadCountSensitive;

/// <summary>
/// gradients.npy is streamed to disk with durable progress records: a run stopped part-way, whose unrecorded rows are
/// then overwritten with garbage (what a kill mid-block leaves), resumes from the last record and ends byte-identical to
/// an uninterrupted run. Equal floats need libtorch's intra-op thread count (set process-wide by the in-process commands
/// that run beside it) to stay put during both runs: this class runs alone.
/// </summary>
[Collection(nameof(TorchThreadCountSensitive))]
public class StreamedGradientsTests
{
    private sealed class Synchronous<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("factored:300")]
    public async Task AStoppedRunResumesToTheSameFile(string projection)
    {
        var folder = TestPaths.NewTempFolder();
        var model = TinyModels.Create(Path.Combine(folder, "model"), seed: 6, layers: 2);
        var random = new Random(3);
        var documents = Enumerable.Range(0, 12).Select(d => string.Join(' ', Enumerable.Range(0, 14).Select(_ => (char)('a' + random.Next(26)) + "x"))).ToArray();
        var corpus = Path.Combine(folder, "corpus.jsonl");
        File.WriteAllLines(corpus, documents.Select(t => JsonSerializer.Serialize(new { text = t })));
        var samples = new List<TokenSample>();
        for (int d = 0; d < documents.Length; d++)
        {
            var ids = TinyModels.Tokenizer.Encode(documents[d]);
            foreach (var pos in new[] { 2, 5, 9 })
                samples.Add(new TokenSample(samples.Count, d, pos, ids[pos], 0.1f, null, "", ""));
        }
        var samplesPath = Path.Combine(folder, SampleTable.FileName);
        await SampleTable.WriteAsync(samplesPath, samples, hasSet: false);
        var (k, method) = GradientOptions.ParseProjection(projection);
        var options = new GradientOptions { Projection = k, Method = method, Context = 32, Seed = 4, ResumeBlockRows = 6 };

        var whole = await GradientComputation.RunAsync(model.Directory, corpus, samplesPath, Path.Combine(folder, "whole"), options);
        var expected = File.ReadAllBytes(whole.GradientsPath);

        var output = Path.Combine(folder, "stopped");
        using (var stop = new CancellationTokenSource())
        {
            var progress = new Synchronous<GradientProgress>(p => { if (p.Tokens >= 21) stop.Cancel(); });
            await Assert.ThrowsAsync<OperationCanceledException>(() => GradientComputation.RunAsync(model.Directory, corpus, samplesPath, output, options, progress, stop.Token));
        }
        var gradientsPath = Path.Combine(output, GradientComputation.GradientsFileName);
        Assert.False(File.Exists(gradientsPath));
        var progressRecord = JsonDocument.Parse(File.ReadAllText(gradientsPath + ".progress.json")).RootElement;
        int committedRows = progressRecord.GetProperty("RowsDone").GetInt32();
        Assert.Equal(18, committedRows);    // blocks of ≥ 6 rows: records after 6, 12 and 18 rows; stopped at 21
        // A kill mid-block leaves anything in the rows after the record: garbage there must be rewritten.
        using (var partial = new FileStream(gradientsPath + ".partial", FileMode.Open, FileAccess.Write))
        {
            long rowBytes = (long)whole.Columns * sizeof(float);
            partial.Seek(partial.Length - (samples.Count - committedRows) * rowBytes, SeekOrigin.Begin);
            partial.Write(Enumerable.Repeat((byte)0x7F, (int)rowBytes * 3).ToArray());
        }

        var resumed = await GradientComputation.RunAsync(model.Directory, corpus, samplesPath, output, options);
        AssertSameGradients(expected, File.ReadAllBytes(resumed.GradientsPath), resumed.GradientsPath);
        Assert.False(File.Exists(gradientsPath + ".progress.json"));
        var settings = JsonDocument.Parse(File.ReadAllText(resumed.SettingsPath)).RootElement;
        Assert.Equal(committedRows, settings.GetProperty("resumed_from_row").GetInt32());
        Assert.Equal(samples.Count - committedRows, resumed.BackwardPasses);

        // Another setting does not resume a stale partial file: a changed seed starts over.
        var reseeded = await GradientComputation.RunAsync(model.Directory, corpus, samplesPath, output, options with { Seed = 5 });
        Assert.Equal(samples.Count, reseeded.BackwardPasses);
    }

    /// <summary>
    /// The same header and every float within 1e-5 of the largest magnitude: rewritten garbage or a wrong row would differ wholesale, while
    /// libtorch's thread count can move the last bits of a reduction: the count belongs to the thread a continuation runs on, and
    /// in-process CLI tests (`quanta run` stages with `threads: 1`) set the process-wide count that new threads start from.
    /// </summary>
    private static void AssertSameGradients(byte[] expected, byte[] actual, string path)
    {
        Assert.Equal(expected.Length, actual.Length);
        using var header = new MemoryStream(expected);
        long dataOffset = Npy.ReadHeader(header, path).DataOffset;
        Assert.Equal(expected.AsSpan(0, (int)dataOffset).ToArray(), actual.AsSpan(0, (int)dataOffset).ToArray());
        var want = MemoryMarshal.Cast<byte, float>(expected.AsSpan((int)dataOffset));
        var got = MemoryMarshal.Cast<byte, float>(actual.AsSpan((int)dataOffset));
        float largest = 0;
        foreach (float value in want) largest = Math.Max(largest, Math.Abs(value));
        for (int i = 0; i < want.Length; i++)
            Assert.True(Math.Abs(want[i] - got[i]) <= 1e-5f * largest, $"value {i}: {got[i]} instead of {want[i]} (largest {largest})");
    }
}
