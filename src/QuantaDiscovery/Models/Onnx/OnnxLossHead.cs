using QuantaDiscovery.Common;
using static QuantaDiscovery.Models.Onnx.OnnxGraphBuilder;
using DataType = QuantaDiscovery.Models.Onnx.TensorProto.Types.DataType;

namespace QuantaDiscovery.Models.Onnx;

/// <summary>
/// Appends a per-token loss head to any causal language model graph with input <c>input_ids</c> [batch, sequence]
/// and output <c>logits</c> [batch, sequence, vocab]; the graph's only output becomes
/// <c>token_losses</c>, float32 [batch, sequence − 1], entry j − 1 being −log p(x_j | x_&lt;j) = −log_softmax(logits[j−1])[x_j].
/// Logits never leave the inference session, and the head adds one [batch, sequence, vocab] tensor (the log-probabilities)
/// to the logits themselves: LogSoftmax over the vocabulary, GatherElements of the next token's entry, Neg.
/// </summary>
public static class OnnxLossHead
{
    public const string OutputName = "token_losses";

    /// <summary>Edits <paramref name="model"/> in place; <paramref name="path"/> names the file in errors.</summary>
    public static void Append(ModelProto model, string path)
    {
        var graph = model.Graph ?? throw new InputException("the ONNX file has no graph", path);
        var logits = graph.Output.FirstOrDefault(o => o.Name == "logits")
            ?? throw new InputException($"the graph has no output 'logits' (outputs: {string.Join(", ", graph.Output.Select(o => o.Name))})", path);
        if (graph.Input.All(i => i.Name != "input_ids"))
            throw new InputException("the graph has no input 'input_ids'", path);
        long opset = model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max();
        if (opset < 13)
            throw new InputException($"opset {opset} is older than 13, the oldest this loss head supports; re-export the model", path);

        var g = new OnnxGraphBuilder(graph, "/loss_head/");
        var scores = "logits";
        if (logits.Type?.TensorType?.ElemType is int type && type != (int)DataType.Float)
            scores = g.Op("Cast", [scores], Int("to", (long)DataType.Float));

        // LogSoftmax over the last axis is one vectorised pass per row in ONNX Runtime; ReduceLogSumExp took 2.6× its
        // kernel time (8.6 s against 3.4 s over the mixed-length case of benchmarks/losses, RESULTS.md 2026-12-03).
        var logProbabilities = g.Op("LogSoftmax", [scores], Int("axis", -1));
        // Targets x_1..x_{T−1}, padded with a valid id to length T; the last position is cut off below.
        var next = g.Op("Slice", ["input_ids", g.Int64s(1), g.Int64s(long.MaxValue), g.Int64s(1)]);
        var first = g.Op("Slice", ["input_ids", g.Int64s(0), g.Int64s(1), g.Int64s(1)]);
        var targets = g.Op("Unsqueeze", [g.Op("Concat", [next, first], Int("axis", 1)), g.Int64s(2)]);
        var targetLogProbabilities = g.Op("Squeeze", [g.Op("GatherElements", [logProbabilities, targets], Int("axis", 2)), g.Int64s(2)]);
        var losses = g.Op("Neg", [targetLogProbabilities]);
        g.OpNamed(OutputName, "Slice", [losses, g.Int64s(0), g.Int64s(-1), g.Int64s(1)]);

        graph.Output.Clear();
        graph.Output.Add(TensorValue(OutputName, DataType.Float, "batch", "sequence_minus_1"));
    }
}
