using QuantaDiscovery.Common;
using QuantaDiscovery.Models;
using QuantaDiscovery.Models.GptNeoX;
using QuantaDiscovery.Models.Onnx;
using QuantaDiscovery.Score;
using QuantaDiscovery.Tests.Common;
using QuantaDiscovery.Tests.Models;
using static TorchSharp.torch;

namespace QuantaDiscovery.Tests.Score;

public class OnnxLossScorerTests
{
    private static ModelFolder Exported(string name, long externalDataThresholdBytes = OnnxExporter.DefaultExternalDataThresholdBytes)
    {
        var folder = ModelFolder.Open(ReferenceFixtures.Copy(name));
        OnnxExporter.Export(folder, externalDataThresholdBytes: externalDataThresholdBytes);
        return folder;
    }

    private static void AssertMatchesReference(string fixture, ModelFolder folder, double tolerance)
    {
        var expected = ReferenceFixtures.Load(fixture);
        using var scorer = new OnnxLossScorer(folder, new OnnxScorerOptions { IntraOpThreads = 1 });
        var actual = scorer.ScoreBatch(expected.Documents);
        for (int d = 0; d < expected.Documents.Length; d++)
            Assert.True(ReferenceFixtures.MaxAbsDifference(expected.Losses[d], actual[d]) < tolerance, $"document {d}");
    }

    [Theory]
    [InlineData("tiny-parallel")]
    [InlineData("tiny-sequential")]
    public void Exported_model_matches_the_PyTorch_reference(string name) =>
        AssertMatchesReference(name, Exported(name), 2e-5);

    [Theory]
    [InlineData("tiny-parallel")]
    [InlineData("tiny-sequential")]
    public void Exported_model_agrees_with_TorchSharp_within_1e4_nats(string name)
    {
        var folder = Exported(name);
        var documents = ReferenceFixtures.Load(name).Documents;
        using var scorer = new OnnxLossScorer(folder);
        var onnx = scorer.ScoreBatch(documents);
        using var model = CausalLanguageModel.Load(folder);
        using var noGrad = no_grad();
        for (int d = 0; d < documents.Length; d++)
        {
            if (documents[d].Length < 2) continue;
            using var ids = tensor(documents[d].Select(t => (long)t).ToArray(), [1, documents[d].Length]);
            var torchSharp = model.TokenLosses(ids).data<float>().ToArray();
            Assert.Equal(torchSharp.Length, onnx[d].Length);
            for (int j = 0; j < torchSharp.Length; j++)
                Assert.True(Math.Abs(torchSharp[j] - onnx[d][j]) < 1e-4, $"document {d}, token {j + 1}");
        }
    }

    [Fact]
    public void Onnx_file_from_torch_onnx_export_scores_like_the_reference() =>
        AssertMatchesReference("tiny-torch-onnx", ModelFolder.Open(ReferenceFixtures.Folder("tiny-torch-onnx")), 2e-5);

    [Fact]
    public void Onnx_file_without_a_model_folder_checks_ids_against_the_logits_vocabulary()
    {
        var expected = ReferenceFixtures.Load("tiny-torch-onnx");
        using var scorer = new OnnxLossScorer(Path.Combine(ReferenceFixtures.Folder("tiny-torch-onnx"), "model.onnx"));
        var actual = scorer.ScoreBatch(expected.Documents);
        Assert.True(ReferenceFixtures.MaxAbsDifference(expected.Losses[^1], actual[^1]) < 2e-5);
        var error = Assert.Throws<InputException>(() => scorer.ScoreBatch([[5, 128]]));
        Assert.Contains("vocab_size = 128", error.Message);
    }

    [Fact]
    public void Loss_head_scores_alike_when_the_graph_imports_opset_18()
    {
        // Every operator of the export means the same at opsets 17 and 18 (opset 18 moved the axes of Reduce* to an
        // input), so any operator of the loss head whose form differs by opset is checked here.
        var folder = Exported("tiny-parallel");
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(folder.OnnxPath));
        model.OpsetImport.Single().Version = 18;
        File.WriteAllBytes(folder.OnnxPath, Google.Protobuf.MessageExtensions.ToByteArray(model));
        AssertMatchesReference("tiny-parallel", folder, 2e-5);
    }

    [Fact]
    public void Weights_in_external_data_give_the_same_losses()
    {
        var folder = Exported("tiny-parallel", externalDataThresholdBytes: 0);
        Assert.True(File.Exists(Path.Combine(folder.Directory, OnnxExporter.ExternalDataFileName)));
        Assert.True(new FileInfo(folder.OnnxPath).Length < 64 * 1024);
        AssertMatchesReference("tiny-parallel", folder, 2e-5);
    }

    /// <summary>The IO-binding path (cuda's default) run on the CPU provider gives the same losses, bit for bit.</summary>
    [Fact]
    public void Io_binding_gives_the_same_losses_as_plain_runs()
    {
        var folder = Exported("tiny-parallel");
        var random = new Random(5);
        var documents = Enumerable.Range(0, 17).Select(_ => Enumerable.Range(0, random.Next(0, 40)).Select(_ => random.Next(128)).ToArray()).ToArray();
        using var bound = new OnnxLossScorer(folder, new OnnxScorerOptions { IoBinding = true, MaxBatchSize = 4, IntraOpThreads = 1 });
        using var plain = new OnnxLossScorer(folder, new OnnxScorerOptions { IoBinding = false, MaxBatchSize = 4, IntraOpThreads = 1 });
        var withBinding = bound.ScoreBatch(documents);
        var without = plain.ScoreBatch(documents);
        Assert.True(without.Sum(l => l.Length) > 100);
        for (int d = 0; d < documents.Length; d++)
            Assert.Equal(without[d], withBinding[d]);
        var expected = ReferenceFixtures.Load("tiny-parallel");
        var reference = bound.ScoreBatch(expected.Documents);
        for (int d = 0; d < expected.Documents.Length; d++)
            Assert.True(ReferenceFixtures.MaxAbsDifference(expected.Losses[d], reference[d]) < 2e-5, $"document {d}");
    }

    /// <summary>
    /// Auto batch size: as many documents as the estimate fits in the budget, capped on cpu at 32 documents and 1,024
    /// positions; the losses do not depend on the batching.
    /// </summary>
    [Fact]
    public void Auto_batch_size_fits_the_memory_budget()
    {
        var folder = Exported("tiny-parallel");
        var config = folder.Config;
        long perDocument = ScoringMemory.BytesPerDocument(config.Dimensions, config.VocabSize, 40, OnnxPrecision.Float32);
        using var tight = new OnnxLossScorer(folder, new OnnxScorerOptions { MaxBatchSize = null, MemoryBudgetBytes = perDocument * 7 / 2 });
        Assert.Equal(3, tight.DocumentsPerBatch(40));
        Assert.Contains("batch size auto", tight.BatchSizeDescription);
        using var roomy = new OnnxLossScorer(folder, new OnnxScorerOptions { MaxBatchSize = null, MemoryBudgetBytes = long.MaxValue / 2 });
        Assert.Equal((1024 / 40, 32), (roomy.DocumentsPerBatch(40), roomy.DocumentsPerBatch(8)));
        using var fromFreeRam = new OnnxLossScorer(folder, new OnnxScorerOptions { MaxBatchSize = null });
        Assert.InRange(fromFreeRam.DocumentsPerBatch(40), 1, 25);
        Assert.Contains("of cpu's free memory", fromFreeRam.BatchSizeDescription);

        var random = new Random(9);
        var documents = Enumerable.Range(0, 11).Select(_ => Enumerable.Range(0, 40).Select(_ => random.Next(128)).ToArray()).ToArray();
        using var single = new OnnxLossScorer(folder, new OnnxScorerOptions { MaxBatchSize = 1 });
        var alone = single.ScoreBatch(documents);
        var batched = tight.ScoreBatch(documents);
        for (int d = 0; d < documents.Length; d++)
            for (int j = 0; j < alone[d].Length; j++)
                Assert.True(Math.Abs(alone[d][j] - batched[d][j]) < 1e-5, $"document {d}, token {j + 1}");
    }

    [Fact]
    public void Batch_size_parses_auto_or_a_positive_number()
    {
        Assert.Null(OnnxScorerOptions.ParseBatchSize("auto", "--batch-size"));
        Assert.Equal(8, OnnxScorerOptions.ParseBatchSize("8", "--batch-size"));
        Assert.Contains("--batch-size '0'", Assert.Throws<InputException>(() => OnnxScorerOptions.ParseBatchSize("0", "--batch-size")).Message);
    }

    /// <summary>
    /// Each reference document alone, unpadded: a 2-token sequence leaves some of the attention's query blocks empty
    /// (OnnxTensorOps.QueryBlocks), and llama-gqa takes the grouped-query path through them.
    /// </summary>
    [Theory]
    [InlineData("tiny-parallel")]
    [InlineData("llama-gqa")]
    public void Documents_scored_one_at_a_time_match_the_PyTorch_reference(string name)
    {
        var expected = ReferenceFixtures.Load(name);
        using var scorer = new OnnxLossScorer(Exported(name), new OnnxScorerOptions { MaxBatchSize = 1, IntraOpThreads = 1 });
        for (int d = 0; d < expected.Documents.Length; d++)
            Assert.True(ReferenceFixtures.MaxAbsDifference(expected.Losses[d], scorer.ScoreBatch([expected.Documents[d]])[0]) < 1e-4, $"document {d}");
    }

    [Fact]
    public void Batched_scores_equal_one_document_at_a_time()
    {
        var folder = Exported("tiny-parallel");
        var random = new Random(3);
        var documents = Enumerable.Range(0, 23).Select(_ => Enumerable.Range(0, random.Next(0, 50)).Select(_ => random.Next(128)).ToArray()).ToArray();
        using var batched = new OnnxLossScorer(folder, new OnnxScorerOptions { MaxBatchSize = 8 });
        using var single = new OnnxLossScorer(folder, new OnnxScorerOptions { MaxBatchSize = 1 });
        var together = batched.ScoreBatch(documents);
        var alone = single.ScoreBatch(documents);
        for (int d = 0; d < documents.Length; d++)
        {
            Assert.Equal(Math.Max(documents[d].Length - 1, 0), together[d].Length);
            Assert.Equal(alone[d].Length, together[d].Length);
            for (int j = 0; j < alone[d].Length; j++)
                Assert.True(Math.Abs(alone[d][j] - together[d][j]) < 1e-5, $"document {d}, token {j + 1}");
        }
    }

    /// <summary>
    /// A mix of short documents as the scorer batches them by default (up to 32 documents and 1,024 positions, padded to
    /// the longest of each batch): each document's losses are those it gets alone, and again when the same documents
    /// come in the opposite order (other batches, so other shapes on the same session). The model's logits are spread
    /// (initializer range 0.2), so losses differ from token to token by far more than the tolerance.
    /// </summary>
    [Fact]
    public void Mixed_lengths_batched_by_default_score_as_each_document_alone()
    {
        var folder = RandomModel.Create(TestPaths.NewTempFolder(), new GptNeoXConfig
        {
            HiddenSize = 32, NumHiddenLayers = 2, NumAttentionHeads = 4, IntermediateSize = 64, VocabSize = 300,
            MaxPositionEmbeddings = 64, InitializerRange = 0.2,
        }, seed: 13);
        OnnxExporter.Export(folder);
        var random = new Random(17);
        var documents = Enumerable.Range(0, 40).Select(_ => Enumerable.Range(0, random.Next(1, 61)).Select(_ => random.Next(300)).ToArray()).ToArray();

        using var batched = new OnnxLossScorer(folder, new OnnxScorerOptions { IntraOpThreads = 1 });
        Assert.Equal(32, batched.DocumentsPerBatch(20));
        var together = batched.ScoreBatch(documents);
        var reversed = Enumerable.Reverse(batched.ScoreBatch(Enumerable.Reverse(documents).ToArray())).ToArray();
        using var single = new OnnxLossScorer(folder, new OnnxScorerOptions { MaxBatchSize = 1, IntraOpThreads = 1 });
        var alone = documents.Select(d => single.ScoreBatch([d])[0]).ToArray();

        var all = alone.SelectMany(l => l).ToArray();
        double mean = all.Average();
        Assert.True(Math.Sqrt(all.Average(l => (l - mean) * (l - mean))) > 0.5, "losses barely vary, so the comparison would say little");
        for (int d = 0; d < documents.Length; d++)
        {
            Assert.Equal(documents[d].Length - 1, alone[d].Length);
            Assert.Equal(alone[d].Length, together[d].Length);
            Assert.Equal(alone[d].Length, reversed[d].Length);
            for (int j = 0; j < alone[d].Length; j++)
            {
                Assert.True(Math.Abs(alone[d][j] - together[d][j]) < 1e-5, $"document {d}, token {j + 1}: {together[d][j]} batched, {alone[d][j]} alone");
                Assert.True(Math.Abs(alone[d][j] - reversed[d][j]) < 1e-5, $"document {d}, token {j + 1}: {reversed[d][j]} batched in reverse, {alone[d][j]} alone");
            }
        }
    }

    [Fact]
    public void Out_of_vocabulary_token_is_an_error_naming_the_document()
    {
        using var scorer = new OnnxLossScorer(Exported("tiny-parallel"));
        var error = Assert.Throws<InputException>(() => scorer.ScoreBatch([[1, 2, 3], [4, 128]]));
        Assert.Equal(1, error.DocumentIndex);
        Assert.Contains("128", error.Message);
    }

    [Fact]
    public void Missing_model_onnx_is_an_error_naming_it()
    {
        var folder = ModelFolder.Open(ReferenceFixtures.Copy("tiny-parallel"));
        var error = Assert.Throws<InputException>(() => new OnnxLossScorer(folder));
        Assert.Contains("model.onnx", error.Message);
        Assert.Contains("export-onnx", error.Message);
    }

    [Fact]
    public void Cuda_without_a_CUDA_build_is_a_clear_error_not_a_CPU_fallback()
    {
        // The CPU build says to build with -p:QuantaGpu=true; the GPU build, on a machine without CUDA 13, what is missing.
        var error = Assert.Throws<InputException>(() =>
            new OnnxLossScorer(Exported("tiny-parallel"), new OnnxScorerOptions { Device = "cuda" }));
        Assert.StartsWith(OnnxLossScorer.CudaUnavailableMessage, error.Message);
#if QUANTA_GPU
        Assert.Contains("GPU build", error.Message);
#else
        Assert.Contains("QuantaGpu", error.Message);
#endif
    }
}
