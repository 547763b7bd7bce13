using Google.Protobuf;
using QuantaDiscovery.Common;

namespace QuantaDiscovery.Models.Onnx;

/// <summary>
/// Reads an ONNX file's graph without its weights: every initializer of the main graph whose bytes are inline
/// (TensorProto.raw_data) becomes an external-data reference to those same bytes in the same file (ONNX external data:
/// location, offset, length; https://onnx.ai/onnx/repo-docs/ExternalData.html). The model that comes back is a few
/// hundred kilobytes whatever the weights, so appending the loss head and handing the model to ONNX Runtime as bytes
/// no longer copies, parses and re-serialises them; ONNX Runtime reads them from the file (the folder is given to it
/// by the session option <c>session.model_external_initializers_file_folder_path</c>).
/// Works on the protobuf wire format (https://protobuf.dev/programming-guides/encoding/): fields are copied as they
/// are except the raw_data of the main graph's initializers.
/// </summary>
public static class OnnxWeightsInPlace
{
    // Field numbers of onnx.proto3.
    private const int ModelGraph = 7, GraphInitializer = 5, TensorRawData = 9, TensorExternalData = 13, TensorDataLocation = 14;
    private const int StringStringKey = 1, StringStringValue = 2, DataLocationExternal = 1;
    private const int LengthDelimited = 2;

    /// <summary>Inline weights smaller than this stay inline (scalars and shape constants that the optimiser folds).</summary>
    public const int SmallestMovedBytes = 1024;

    public static ModelProto Read(string path)
    {
        var file = File.ReadAllBytes(path);
        var location = Path.GetFileName(path);
        try
        {
            var model = new MemoryStream();
            foreach (var field in Fields(file, 0, file.Length, path))
                if (field.Number == ModelGraph && field.WireType == LengthDelimited)
                    WriteLengthDelimited(model, ModelGraph, Graph(file, field.ValueStart, field.End, location, path));
                else
                    model.Write(file, field.Start, field.End - field.Start);
            return ModelProto.Parser.ParseFrom(model.ToArray());
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InputException($"not an ONNX model: {e.Message}", path, inner: e);
        }
    }

    private static byte[] Graph(byte[] file, int start, int end, string location, string path)
    {
        var graph = new MemoryStream();
        foreach (var field in Fields(file, start, end, path))
            if (field.Number == GraphInitializer && field.WireType == LengthDelimited)
                WriteLengthDelimited(graph, GraphInitializer, Initializer(file, field.ValueStart, field.End, location, path));
            else
                graph.Write(file, field.Start, field.End - field.Start);
        return graph.ToArray();
    }

    private static byte[] Initializer(byte[] file, int start, int end, string location, string path)
    {
        var fields = Fields(file, start, end, path).ToList();
        var raw = fields.Where(f => f.Number == TensorRawData && f.WireType == LengthDelimited).ToList();
        if (raw.Count != 1 || raw[0].End - raw[0].ValueStart < SmallestMovedBytes || fields.Any(f => f.Number is TensorExternalData or TensorDataLocation))
            return file[start..end];
        var tensor = new MemoryStream();
        foreach (var field in fields.Where(f => f != raw[0]))
            tensor.Write(file, field.Start, field.End - field.Start);
        foreach (var (key, value) in new[] { ("location", location), ("offset", raw[0].ValueStart.ToString()), ("length", (raw[0].End - raw[0].ValueStart).ToString()) })
        {
            var entry = new MemoryStream();
            WriteLengthDelimited(entry, StringStringKey, System.Text.Encoding.UTF8.GetBytes(key));
            WriteLengthDelimited(entry, StringStringValue, System.Text.Encoding.UTF8.GetBytes(value));
            WriteLengthDelimited(tensor, TensorExternalData, entry.ToArray());
        }
        WriteVarint(tensor, (ulong)(TensorDataLocation << 3));
        WriteVarint(tensor, DataLocationExternal);
        return tensor.ToArray();
    }

    /// <summary>One field of a message: where it starts (its tag), where its value starts (after a length prefix) and ends.</summary>
    private readonly record struct Field(int Number, int WireType, int Start, int ValueStart, int End);

    private static IEnumerable<Field> Fields(byte[] bytes, int start, int end, string path)
    {
        for (int position = start; position < end;)
        {
            int fieldStart = position;
            ulong tag = ReadVarint(bytes, ref position, end, path);
            int wireType = (int)(tag & 7);
            int valueStart = position;
            switch (wireType)
            {
                case 0:
                    ReadVarint(bytes, ref position, end, path);
                    break;
                case 1:
                    position += 8;
                    break;
                case LengthDelimited:
                    ulong length = ReadVarint(bytes, ref position, end, path);
                    valueStart = position;
                    position = length <= (ulong)(end - position) ? position + (int)length : int.MaxValue;
                    break;
                case 5:
                    position += 4;
                    break;
                default:
                    throw new InputException($"not an ONNX model: wire type {wireType} at byte {fieldStart}", path);
            }
            if (position > end)
                throw new InputException($"not an ONNX model: a field at byte {fieldStart} runs past the end of its message", path);
            yield return new Field((int)(tag >> 3), wireType, fieldStart, valueStart, position);
        }
    }

    private static ulong ReadVarint(byte[] bytes, ref int position, int end, string path)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (position >= end)
                throw new InputException($"not an ONNX model: a varint runs past the end of its message at byte {position}", path);
            byte b = bytes[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw new InputException($"not an ONNX model: a varint longer than 10 bytes before byte {position}", path);
    }

    private static void WriteLengthDelimited(Stream output, int number, byte[] value)
    {
        WriteVarint(output, (ulong)((number << 3) | LengthDelimited));
        WriteVarint(output, (ulong)value.Length);
        output.Write(value);
    }

    private static void WriteVarint(Stream output, ulong value)
    {
        for (; value >= 0x80; value >>= 7) output.WriteByte((byte)(value | 0x80));
        output.WriteByte((byte)value);
    }
}
