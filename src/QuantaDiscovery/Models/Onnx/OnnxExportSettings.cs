using QuantaDiscovery.Pipeline;

namespace QuantaDiscovery.Models.Onnx;

/// <summary>The options of the ONNX export (the <c>export-onnx</c> stage, over several model folders, and command, over one).</summary>
public static class OnnxExportSettings
{
    public static readonly StageSetting Models = new("models", SettingKind.InputPaths, "model folders (config.json, model.safetensors, tokenizer.json)", Required: true);
    public static readonly StageSetting Model = new("model", SettingKind.InputPath,
        "model folder in Hugging Face layout (config.json, model.safetensors or its sharded index); model.onnx is written into it", Required: true);
    public static readonly StageSetting DType = new("dtype", SettingKind.Text,
        "f32, f16 or bf16: weights and matrix products in that type (norms' statistics, attention softmax and the loss head stay float32); " +
        "f16 is checked against f32 with ONNX Runtime's CPU provider, bf16 has not been run", Default: "f32", Choices: ["f32", "f16", "bf16"]);

    /// <summary>The <c>export-onnx</c> stage's settings, in the order pipelines/README.md lists them.</summary>
    public static IReadOnlyList<StageSetting> Stage { get; } = [Models, DType];

    /// <summary>The <c>export-onnx</c> command's flags.</summary>
    public static IReadOnlyList<StageSetting> Command { get; } = [Model, DType];
}
