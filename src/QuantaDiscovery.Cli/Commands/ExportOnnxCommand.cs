using System.CommandLine;
using QuantaDiscovery.Models;
using QuantaDiscovery.Models.Onnx;

namespace QuantaDiscovery.Cli.Commands;

/// <summary>`quanta export-onnx --model DIR`: writes DIR/model.onnx from DIR's config.json and safetensors weights.</summary>
internal static class ExportOnnxCommand
{
    public static Command Create()
    {
        var model = SettingOptions.From<DirectoryInfo>(OnnxExportSettings.Model);
        var dtype = SettingOptions.From<string>(OnnxExportSettings.DType);
        var command = new Command("export-onnx",
            "Export a GPT-NeoX or Llama model folder to model.onnx (inputs input_ids and attention_mask, output logits; opset " +
            $"{OnnxExporter.Opset}; weights over 2 GB go to {OnnxExporter.ExternalDataFileName})") { model, dtype };
        command.SetAction(parseResult =>
        {
            var precision = OnnxPrecisions.Parse(parseResult.GetValue(dtype)!, "--dtype");
            var folder = ModelFolder.Open(parseResult.GetValue(model)!.FullName);
            var path = OnnxExporter.Export(folder, precision: precision);
            parseResult.Out().WriteLine($"wrote {path}");
            return 0;
        });
        return command;
    }
}
