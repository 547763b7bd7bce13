using System.Runtime.InteropServices;
using QuantaDiscovery.Common;
using DataType = QuantaDiscovery.Models.Onnx.TensorProto.Types.DataType;

namespace QuantaDiscovery.Models.Onnx;

/// <summary>
/// Floating-point type of an exported graph's weights and matrix products. Float16 and BFloat16 keep the numerically
/// delicate parts in float32, as Hugging Face's half-precision forward passes do: RMSNorm's mean square, attention's
/// masked softmax, the rotary tables, and the loss head's log-softmax (<see cref="OnnxLossHead"/>).
/// </summary>
public enum OnnxPrecision { Float32, Float16, BFloat16 }

public static class OnnxPrecisions
{
    /// <summary>The names the CLI and pipelines accept, each with its precision.</summary>
    public static IReadOnlyDictionary<string, OnnxPrecision> ByName { get; } = new Dictionary<string, OnnxPrecision>(StringComparer.OrdinalIgnoreCase)
    {
        ["f32"] = OnnxPrecision.Float32, ["float32"] = OnnxPrecision.Float32,
        ["f16"] = OnnxPrecision.Float16, ["float16"] = OnnxPrecision.Float16,
        ["bf16"] = OnnxPrecision.BFloat16, ["bfloat16"] = OnnxPrecision.BFloat16,
    };

    /// <summary>Parses f32/f16/bf16 (or float32/float16/bfloat16); <paramref name="flag"/> names the option in errors.</summary>
    public static OnnxPrecision Parse(string text, string flag) =>
        ByName.TryGetValue(text.Trim(), out var precision) ? precision
            : throw new InputException($"{flag} '{text}': expected f32, f16 or bf16");

    public static string Name(this OnnxPrecision precision) => precision switch
    {
        OnnxPrecision.Float16 => "f16",
        OnnxPrecision.BFloat16 => "bf16",
        _ => "f32",
    };

    public static DataType DataType(this OnnxPrecision precision) => precision switch
    {
        OnnxPrecision.Float16 => TensorProto.Types.DataType.Float16,
        OnnxPrecision.BFloat16 => TensorProto.Types.DataType.Bfloat16,
        _ => TensorProto.Types.DataType.Float,
    };

    public static int ElementBytes(this OnnxPrecision precision) => precision == OnnxPrecision.Float32 ? 4 : 2;

    /// <summary>The precision whose ONNX element type is <paramref name="elementType"/>; null for other types.</summary>
    public static OnnxPrecision? FromElementType(int elementType) => (DataType)elementType switch
    {
        TensorProto.Types.DataType.Float => OnnxPrecision.Float32,
        TensorProto.Types.DataType.Float16 => OnnxPrecision.Float16,
        TensorProto.Types.DataType.Bfloat16 => OnnxPrecision.BFloat16,
        _ => null,
    };

    /// <summary>Little-endian bytes of <paramref name="values"/> in this precision (float16 and bfloat16 round to nearest even).</summary>
    public static byte[] Encode(this OnnxPrecision precision, ReadOnlySpan<float> values)
    {
        switch (precision)
        {
            case OnnxPrecision.Float16:
                var halves = new Half[values.Length];
                for (int i = 0; i < values.Length; i++) halves[i] = (Half)values[i];
                return MemoryMarshal.AsBytes(halves.AsSpan()).ToArray();
            case OnnxPrecision.BFloat16:
                var bits = new ushort[values.Length];
                for (int i = 0; i < values.Length; i++) bits[i] = ToBFloat16Bits(values[i]);
                return MemoryMarshal.AsBytes(bits.AsSpan()).ToArray();
            default:
                return MemoryMarshal.AsBytes(values).ToArray();
        }
    }

    /// <summary>Decodes <see cref="Encode"/>'s bytes back to float32.</summary>
    public static float[] Decode(this OnnxPrecision precision, ReadOnlySpan<byte> bytes) => precision switch
    {
        OnnxPrecision.Float16 => [.. MemoryMarshal.Cast<byte, Half>(bytes).ToArray().Select(h => (float)h)],
        OnnxPrecision.BFloat16 => [.. MemoryMarshal.Cast<byte, ushort>(bytes).ToArray().Select(b => BitConverter.Int32BitsToSingle(b << 16))],
        _ => MemoryMarshal.Cast<byte, float>(bytes).ToArray(),
    };

    /// <summary>bfloat16 is the upper half of a float32's bits; rounding to nearest even on the lower half, NaN kept NaN.</summary>
    public static ushort ToBFloat16Bits(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return (ushort)((bits >> 16) | 0x40);
        return (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
    }
}
