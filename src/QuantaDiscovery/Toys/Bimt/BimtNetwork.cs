using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace QuantaDiscovery.Toys.Bimt;

/// <summary>
/// The MLP that BIMT trains, with every layer's weights held as explicit tensors so that moving a neuron to
/// another slot is an index permutation. Neuron layer 0 holds the input slots: the d embedding dimensions, in
/// <see cref="InputFold"/> folds (one per operand) that share positions; layers 1…L−1 are SiLU hidden layers;
/// layer L holds one slot per class. <c>Weights[i]</c> [n_{i+1}, fold_i·n_i] and <c>Biases[i]</c> [n_{i+1}] connect
/// layer i to layer i+1. Input and output slots may be reordered by swaps too: the network keeps which embedding
/// dimension sits in each input slot and which class in each output slot, so its function never changes.
/// </summary>
public sealed class BimtNetwork : nn.Module<Tensor, Tensor>
{
    private readonly Parameter embedding;
    private readonly Parameter[] weights;
    private readonly Parameter[] biases;
    private readonly int[] inputOrder;   // input slot s holds embedding dimension inputOrder[s]
    private readonly int[] outputOrder;  // output slot s holds class outputOrder[s]
    private Tensor inputOrderTensor, slotOfClassTensor;

    /// <summary>Neurons per layer: [d, hidden…, classes].</summary>
    public IReadOnlyList<int> Widths { get; }

    /// <summary>Operands per example; each has its own embedding copy in the input layer.</summary>
    public int InputFold { get; }

    public IReadOnlyList<Parameter> Weights => weights;
    public IReadOnlyList<Parameter> Biases => biases;
    /// <summary>The operand-token embedding [classes, d], in embedding-dimension order (not slot order).</summary>
    public Parameter Embedding => embedding;
    public IReadOnlyList<int> InputOrder => inputOrder;
    public IReadOnlyList<int> OutputOrder => outputOrder;

    /// <summary>Number of weight layers L.</summary>
    public int Depth => weights.Length;

    /// <summary>
    /// Embedding N(0, 1) as in the authors' code; every linear layer U(−1/√fan_in, 1/√fan_in) for weights and biases
    /// (PyTorch's nn.Linear default). Draws from the global generator: build inside <see cref="SeededInit"/>.
    /// </summary>
    /// <param name="dtype">the parameters' type, fixed at construction (the weight arrays are held here, so the module is not converted later)</param>
    public BimtNetwork(int classes, int embeddingDim, IReadOnlyList<int> hiddenWidths, ScalarType dtype = ScalarType.Float32, int inputFold = 2)
        : base(nameof(BimtNetwork))
    {
        Widths = [embeddingDim, .. hiddenWidths, classes];
        InputFold = inputFold;
        embedding = new Parameter(randn(classes, embeddingDim, dtype: dtype));
        register_parameter("embedding", embedding);
        weights = new Parameter[Widths.Count - 1];
        biases = new Parameter[Widths.Count - 1];
        for (int i = 0; i < weights.Length; i++)
        {
            int fanIn = FanIn(i);
            double bound = 1 / Math.Sqrt(fanIn);
            weights[i] = new Parameter(rand(Widths[i + 1], fanIn, dtype: dtype).mul_(2 * bound).sub_(bound));
            biases[i] = new Parameter(rand(Widths[i + 1], dtype: dtype).mul_(2 * bound).sub_(bound));
            register_parameter($"weight{i}", weights[i]);
            register_parameter($"bias{i}", biases[i]);
        }
        inputOrder = Enumerable.Range(0, embeddingDim).ToArray();
        outputOrder = Enumerable.Range(0, classes).ToArray();
        (inputOrderTensor, slotOfClassTensor) = OrderTensors();
    }

    /// <summary>Columns of <c>Weights[layer]</c>: the input fold for layer 0, else the layer's width.</summary>
    public int FanIn(int layer) => (layer == 0 ? InputFold : 1) * Widths[layer];

    /// <summary>Logits [batch, classes] of operand pairs [batch, fold] (token ids).</summary>
    public override Tensor forward(Tensor operands) => Forward(operands, null);

    /// <param name="knockout">neurons (layer → slots) whose activations are set to zero; layer 0 zeroes the slot in every fold</param>
    public Tensor Forward(Tensor operands, IReadOnlyDictionary<int, int[]>? knockout)
    {
        using var scope = NewDisposeScope();
        long batch = operands.shape[0];
        int d = Widths[0];
        var x = embedding.index_select(0, operands.reshape(-1)).view(batch, InputFold, d).index_select(2, inputOrderTensor);
        if (Mask(knockout, 0) is { } inputMask)
            x = x * inputMask;
        x = x.reshape(batch, InputFold * d);
        for (int i = 0; i < Depth; i++)
        {
            x = nn.functional.linear(x, weights[i], biases[i]);
            if (i == Depth - 1)
                break;
            x = nn.functional.silu(x);
            if (Mask(knockout, i + 1) is { } mask)
                x = x * mask;
        }
        return x.index_select(1, slotOfClassTensor).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Moves neurons of layer <paramref name="layer"/> so that new slot s holds the neuron that was in slot order[s]:
    /// permutes its incoming weight rows and bias, its outgoing weight columns (in every fold), and the slot maps.
    /// <paramref name="permuteAlso"/> is called for each parameter with the dimension and index used, so that
    /// tensors shaped like it (an optimiser's moment estimates) can follow.
    /// </summary>
    public void Permute(int layer, int[] order, Action<Parameter, int, Tensor>? permuteAlso = null)
    {
        int width = Widths[layer];
        if (order.Length != width || order.Order().Where((v, i) => v != i).Any())
            throw new ArgumentException($"order must be a permutation of 0…{width - 1}", nameof(order));
        PermuteParameters(layer, order, permuteAlso);
        if (layer == 0)
            Reorder(inputOrder, order);
        if (layer == Depth)
            Reorder(outputOrder, order);
        inputOrderTensor.Dispose();
        slotOfClassTensor.Dispose();
        (inputOrderTensor, slotOfClassTensor) = OrderTensors();
    }

    private void PermuteParameters(int layer, int[] order, Action<Parameter, int, Tensor>? permuteAlso)
    {
        int width = Widths[layer];
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var rows = tensor(order.Select(v => (long)v).ToArray());
        void Apply(Parameter parameter, int dim, Tensor index)
        {
            parameter.copy_(parameter.index_select(dim, index));
            permuteAlso?.Invoke(parameter, dim, index);
        }
        if (layer > 0)
        {
            Apply(weights[layer - 1], 0, rows);
            Apply(biases[layer - 1], 0, rows);
        }
        if (layer < Depth)
        {
            int fold = layer == 0 ? InputFold : 1;
            var columns = tensor(Enumerable.Range(0, fold).SelectMany(f => order.Select(v => (long)(f * width + v))).ToArray());
            Apply(weights[layer], 1, columns);
        }
    }

    /// <summary>Weights of every layer as row-major arrays [n_{i+1} × fold_i·n_i] in double precision.</summary>
    public double[][] WeightArrays()
    {
        using var _ = no_grad();
        return weights.Select(w =>
        {
            using var values = w.detach().to(ScalarType.Float64).contiguous();
            return values.data<double>().ToArray();
        }).ToArray();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inputOrderTensor.Dispose();
            slotOfClassTensor.Dispose();
        }
        base.Dispose(disposing);
    }

    private Tensor? Mask(IReadOnlyDictionary<int, int[]>? knockout, int layer)
    {
        if (knockout is null || !knockout.TryGetValue(layer, out var slots) || slots.Length == 0)
            return null;
        var keep = Enumerable.Repeat(1.0, Widths[layer]).ToArray();
        foreach (int s in slots)
            keep[s] = 0;
        return tensor(keep, dtype: weights[0].dtype);
    }

    private static void Reorder(int[] map, int[] order)
    {
        var old = (int[])map.Clone();
        for (int s = 0; s < map.Length; s++)
            map[s] = old[order[s]];
    }

    private (Tensor InputOrder, Tensor SlotOfClass) OrderTensors()
    {
        var slotOfClass = new long[outputOrder.Length];
        for (int s = 0; s < outputOrder.Length; s++)
            slotOfClass[outputOrder[s]] = s;
        return (tensor(inputOrder.Select(v => (long)v).ToArray()), tensor(slotOfClass));
    }
}
