using Google.Protobuf;

namespace QuantaDiscovery.Models.Onnx;

/// <summary>Appends nodes and initializers to an ONNX graph, naming every new value with a prefix.</summary>
internal sealed class OnnxGraphBuilder(GraphProto graph, string prefix)
{
    private int _counter;

    public GraphProto Graph { get; } = graph;

    private string Fresh(string hint) => $"{prefix}{hint}_{_counter++}";

    /// <summary>Adds one node and returns the name of its single output.</summary>
    public string Op(string opType, IEnumerable<string> inputs, params AttributeProto[] attributes) =>
        Op(opType, inputs, 1, attributes)[0];

    public string[] Op(string opType, IEnumerable<string> inputs, int outputCount, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = Fresh(opType) };
        node.Input.AddRange(inputs);
        var outputs = Enumerable.Range(0, outputCount).Select(_ => Fresh(opType.ToLowerInvariant())).ToArray();
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return outputs;
    }

    /// <summary>Like <see cref="Op(string, IEnumerable{string}, AttributeProto[])"/> but with a chosen output name.</summary>
    public string OpNamed(string output, string opType, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = Fresh(opType) };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return output;
    }

    public string Int64s(params long[] values) => Int64Tensor(values, [values.Length]);

    public string Int64Scalar(long value) => Int64Tensor([value], []);

    private string Int64Tensor(long[] values, long[] dims)
    {
        var tensor = new TensorProto { Name = Fresh("const"), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.AddRange(dims);
        tensor.Int64Data.AddRange(values);
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    public string FloatScalar(float value) => Scalar(value, OnnxPrecision.Float32);

    /// <summary>A scalar initializer in <paramref name="precision"/>.</summary>
    public string Scalar(float value, OnnxPrecision precision) => Floats(Fresh("const"), [value], [], precision);

    /// <summary>A floating-point initializer in <paramref name="precision"/>, stored as raw little-endian bytes.</summary>
    public string Floats(string name, ReadOnlySpan<float> values, long[] dims, OnnxPrecision precision = OnnxPrecision.Float32)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)precision.DataType() };
        tensor.Dims.AddRange(dims);
        tensor.RawData = ByteString.CopyFrom(precision.Encode(values));
        Graph.Initializer.Add(tensor);
        return name;
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>A tensor type with named (dynamic) or fixed dimensions: a string is a dim_param, a long a dim_value.</summary>
    public static ValueInfoProto TensorValue(string name, TensorProto.Types.DataType elementType, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
            shape.Dim.Add(dim is string param ? new TensorShapeProto.Types.Dimension { DimParam = param }
                : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(dim) });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)elementType, Shape = shape } },
        };
    }
}
