using System.Text.Json;
using QuantaDiscovery.Common;

namespace QuantaDiscovery.Models;

/// <summary>
/// A model folder in Hugging Face's layout: config.json, model.safetensors (or shards listed in
/// model.safetensors.index.json), tokenizer.json, and model.onnx (with external data for models over 2 GB).
/// </summary>
public sealed class ModelFolder
{
    public const string ConfigFileName = "config.json";
    public const string SafetensorsFileName = "model.safetensors";
    public const string SafetensorsIndexFileName = "model.safetensors.index.json";
    public const string TokenizerFileName = "tokenizer.json";
    public const string OnnxFileName = "model.onnx";

    public string Directory { get; }
    public IModelConfig Config { get; }

    public string ConfigPath => Path.Combine(Directory, ConfigFileName);
    public string SafetensorsPath => Path.Combine(Directory, SafetensorsFileName);
    public string SafetensorsIndexPath => Path.Combine(Directory, SafetensorsIndexFileName);
    public string TokenizerPath => Path.Combine(Directory, TokenizerFileName);
    public string OnnxPath => Path.Combine(Directory, OnnxFileName);

    private ModelFolder(string directory, IModelConfig config)
    {
        Directory = directory;
        Config = config;
    }

    /// <summary>Opens a model folder and reads its config.json (required); the other files are checked when used.</summary>
    public static ModelFolder Open(string directory)
    {
        directory = HubCache.ResolveModelFolder(directory);
        if (!System.IO.Directory.Exists(directory))
            throw new InputException("model folder not found", directory);
        var full = Path.GetFullPath(directory);
        return new ModelFolder(full, ModelFamilies.LoadConfig(Path.Combine(full, ConfigFileName)));
    }

    /// <summary>The path of model.onnx; an error naming it when it is missing (run `quanta export-onnx` first).</summary>
    public string RequireOnnx()
    {
        if (!File.Exists(OnnxPath))
            throw new InputException("model.onnx not found; create it with `quanta export-onnx --model <folder>`", OnnxPath);
        return OnnxPath;
    }

    /// <summary>Every token id of a tokenizer with this many entries must index a row of the embedding.</summary>
    public void ValidateVocabulary(int tokenizerVocabularySize)
    {
        if (tokenizerVocabularySize > Config.VocabSize)
            throw new InputException(
                $"the tokenizer has {tokenizerVocabularySize} tokens but vocab_size is {Config.VocabSize}: " +
                "ids past vocab_size have no embedding", ConfigPath);
    }

    /// <summary>
    /// Opens the safetensors weights (single file, or shards through the index), memory-mapped, after checking each file
    /// against its recorded sha256 (<see cref="WeightChecksums"/>).
    /// </summary>
    public ModelWeights OpenWeights()
    {
        if (File.Exists(SafetensorsPath))
        {
            WeightChecksums.Verify(Directory, [SafetensorsPath]);
            return new ModelWeights([SafetensorsFile.Open(SafetensorsPath)]);
        }
        if (!File.Exists(SafetensorsIndexPath))
            throw new InputException($"neither {SafetensorsFileName} nor {SafetensorsIndexFileName} found", Directory);
        var shardPaths = ReadShardNames(SafetensorsIndexPath).Select(shard => Path.Combine(Directory, shard)).ToArray();
        foreach (var missing in shardPaths.Where(p => !File.Exists(p)))
            throw new InputException($"shard listed in {SafetensorsIndexFileName} is missing", missing);
        WeightChecksums.Verify(Directory, shardPaths);
        var files = new List<SafetensorsFile>();
        try
        {
            foreach (var shard in shardPaths)
                files.Add(SafetensorsFile.Open(shard));
        }
        catch
        {
            foreach (var file in files) file.Dispose();
            throw;
        }
        return new ModelWeights(files);
    }

    private static IReadOnlyList<string> ReadShardNames(string indexPath)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(indexPath));
            return document.RootElement.GetProperty("weight_map").EnumerateObject()
                .Select(p => p.Value.GetString() ?? throw new InputException($"tensor '{p.Name}' maps to no file", indexPath))
                .Distinct().ToList();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InputException($"not a safetensors index (expected {{\"weight_map\": {{name: file}}}}): {e.Message}", indexPath, inner: e);
        }
    }
}

/// <summary>The tensors of one checkpoint, across one or more memory-mapped safetensors files.</summary>
public sealed class ModelWeights : IDisposable
{
    private readonly IReadOnlyList<SafetensorsFile> _files;
    private readonly Dictionary<string, SafetensorsFile> _fileOf = new();

    public ModelWeights(IReadOnlyList<SafetensorsFile> files)
    {
        _files = files;
        foreach (var file in files)
            foreach (var name in file.Entries.Keys)
                if (!_fileOf.TryAdd(name, file))
                    throw new InputException($"tensor '{name}' appears in both {_fileOf[name].Path} and this file", file.Path);
    }

    public IEnumerable<string> Names => _fileOf.Keys;

    /// <summary>The file holding the tensor and its header entry, or false when no file has it.</summary>
    public bool TryFind(string name, out SafetensorsFile file, out SafetensorsEntry entry)
    {
        if (_fileOf.TryGetValue(name, out var found))
        {
            file = found;
            entry = found.Entries[name];
            return true;
        }
        file = null!;
        entry = null!;
        return false;
    }

    /// <summary>
    /// The tensor as float32 values, checked against the shape the config implies; errors name the file and
    /// tensor (or every file searched, when the tensor is missing).
    /// </summary>
    public float[] Read(string name, long[] expectedShape)
    {
        if (!TryFind(name, out var file, out var entry))
            throw new InputException($"tensor '{name}' is missing", string.Join(", ", _files.Select(f => f.Path)));
        if (!entry.Shape.SequenceEqual(expectedShape))
            throw new InputException(
                $"tensor '{name}' has shape [{string.Join(", ", entry.Shape)}] but config.json implies " +
                $"[{string.Join(", ", expectedShape)}]", file.Path);
        var values = new float[entry.ElementCount];
        file.ReadFloat32(entry, values);
        return values;
    }

    public void Dispose()
    {
        foreach (var file in _files) file.Dispose();
    }
}
