using QuantaDiscovery.Models;
using QuantaDiscovery.Models.Onnx;
using QuantaDiscovery.Score;

namespace QuantaDiscovery.Pipeline.Stages;

/// <summary>
/// <c>export-onnx</c>: for each model folder (config.json, safetensors, tokenizer.json), writes
/// <c>&lt;output&gt;/&lt;model name&gt;/</c> with config.json, tokenizer.json and model.onnx: a folder the
/// <c>losses</c> stage can score. Names follow <see cref="CorpusScoring.ModelNames"/> (checkpoints of one size: "size/step").
/// </summary>
public sealed class ExportOnnxStage : PipelineStage
{
    public override string Kind => "export-onnx";
    public override string Description => "ONNX export of GPT-NeoX or Llama model folders, for scoring";

    public override IReadOnlyList<StageSetting> Settings => OnnxExportSettings.Stage;

    public override Task RunAsync(StageContext context, CancellationToken cancellationToken)
    {
        var sources = context.Paths("models");
        var names = CorpusScoring.ModelNames(sources);
        var precision = OnnxPrecisions.ByName[context.Text("dtype")];
        for (int i = 0; i < sources.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            context.Report($"exporting {names[i]}", (double)i / sources.Count);
            var source = ModelFolder.Open(sources[i]);
            var target = Path.Combine(context.OutputFolder, names[i]);
            Directory.CreateDirectory(target);
            File.Copy(source.ConfigPath, Path.Combine(target, ModelFolder.ConfigFileName));
            if (File.Exists(source.TokenizerPath)) File.Copy(source.TokenizerPath, Path.Combine(target, Path.GetFileName(source.TokenizerPath)));
            OnnxExporter.Export(source, Path.Combine(target, Path.GetFileName(source.OnnxPath)), precision: precision);
            context.Log($"exported {sources[i]} → {target}");
        }
        return Task.CompletedTask;
    }
}
