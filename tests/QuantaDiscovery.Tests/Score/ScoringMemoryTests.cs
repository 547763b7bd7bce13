using QuantaDiscovery.Models;
using QuantaDiscovery.Models.Onnx;
using QuantaDiscovery.Score;

namespace QuantaDiscovery.Tests.Score;

public class ScoringMemoryTests
{
    /// <summary>pythia-70m's dimensions (d 512, 6 layers, 8 heads, d_ff 2048, V 50,304) at 1,024 tokens, by hand.</summary>
    [Fact]
    public void Estimate_for_pythia_70m_at_1024_tokens()
    {
        var pythia70m = new ModelDimensions(Hidden: 512, Layers: 6, Heads: 8, Intermediate: 2048);
        // f32: logits 1024·50304·(4+4) + attention 8·1024²·16 + MLP 1024·2048·3·4 + residual 1024·512·8·4
        Assert.Equal(412_090_368L + 134_217_728 + 25_165_824 + 16_777_216,
            ScoringMemory.BytesPerDocument(pythia70m, 50_304, 1024, OnnxPrecision.Float32));
        // f16: logits 1024·50304·(2+4+4) + attention 8·1024²·(16+4) + MLP 1024·2048·3·2 + residual 1024·512·8·2
        Assert.Equal(515_112_960L + 167_772_160 + 12_582_912 + 8_388_608,
            ScoringMemory.BytesPerDocument(pythia70m, 50_304, 1024, OnnxPrecision.Float16));
        Assert.Equal(ScoringMemory.BytesPerDocument(pythia70m, 50_304, 1024, OnnxPrecision.Float16),
            ScoringMemory.BytesPerDocument(pythia70m, 50_304, 1024, OnnxPrecision.BFloat16));
        // Attention grows as T², the rest as T.
        long at512 = ScoringMemory.BytesPerDocument(pythia70m, 50_304, 512, OnnxPrecision.Float32);
        Assert.Equal((412_090_368L + 25_165_824 + 16_777_216) / 2 + 134_217_728 / 4, at512);
    }

    [Fact]
    public void Documents_fill_the_budget_and_never_drop_below_one()
    {
        Assert.Equal(108, ScoringMemory.Documents((long)(80e9 * ScoringMemory.UsableFraction), 588_251_136));
        Assert.Equal(1, ScoringMemory.Documents(1000, 588_251_136));
    }

    [Fact]
    public void MemAvailable_is_read_in_bytes()
    {
        const string meminfo = "MemTotal:       16303456 kB\nMemFree:          512000 kB\nMemAvailable:    8151728 kB\nBuffers:  1 kB\n";
        Assert.Equal(8151728L * 1024, ScoringMemory.ParseMemAvailable(meminfo));
        Assert.Null(ScoringMemory.ParseMemAvailable("MemTotal: 1 kB\n"));
    }

    [Fact]
    public void Free_memory_of_the_cpu_is_read_on_linux()
    {
        if (!File.Exists("/proc/meminfo")) return;
        Assert.InRange(ScoringMemory.FreeBytes("cpu") ?? -1, 1, long.MaxValue);
#if !QUANTA_GPU
        Assert.Null(ScoringMemory.FreeBytes("cuda"));
#endif
    }
}
