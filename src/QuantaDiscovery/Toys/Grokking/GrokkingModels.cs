using QuantaDiscovery.Common;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace QuantaDiscovery.Toys.Grokking;

/// <summary>A model of "x ∘ y = ?": maps operand pairs [batch, 2] (token ids) to result logits [batch, classes].</summary>
public abstract class GrokkingModel(string name) : nn.Module<Tensor, Tensor>(name)
{
    /// <summary>The learned operand-token embedding matrix [classes, d]; its PCA shows the "clock" of modular addition.</summary>
    public abstract Tensor TokenEmbedding { get; }
}

/// <summary>
/// The minimal grokking model: one embedding table shared by both operands, the two embeddings
/// concatenated, one ReLU hidden layer, and logits over the result tokens.
/// </summary>
public sealed class GrokkingMlp : GrokkingModel
{
    private readonly Embedding embedding;
    private readonly Linear hidden;
    private readonly Linear output;

    public GrokkingMlp(int classes, int embeddingDim = 128, int hiddenWidth = 256) : base(nameof(GrokkingMlp))
    {
        embedding = nn.Embedding(classes, embeddingDim);
        hidden = nn.Linear(2 * embeddingDim, hiddenWidth);
        output = nn.Linear(hiddenWidth, classes);
        RegisterComponents();
    }

    public override Tensor TokenEmbedding => embedding.weight!;

    public override Tensor forward(Tensor operands)
    {
        using var scope = NewDisposeScope();
        var pair = embedding.forward(operands).flatten(1);
        return output.forward(nn.functional.relu(hidden.forward(pair))).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// The one-layer transformer of Nanda et al., "Progress measures for grokking via mechanistic
/// interpretability" (ICLR 2023): inputs are the three tokens "x y =", token and learned positional
/// embeddings, one causal multi-head attention layer and one ReLU MLP, both residual, no LayerNorm,
/// unembedding read at the last ("=") position. Weights are normal with standard deviation 1/√fan-in, biases zero
/// (<see cref="TransformerInit.FanIn"/>), or as in Nanda et al.'s notebook that Omnigrok ran
/// (<see cref="TransformerInit.Nanda"/>: the MLP output 1/√d_model, the unembedding 1/√d_vocab).
/// </summary>
public sealed class GrokkingTransformer : GrokkingModel
{
    private const int Positions = 3;
    private readonly int heads;
    private readonly int classes;
    private readonly Parameter tokenEmbedding, positionEmbedding;
    private readonly Parameter query, key, value, attentionOut;
    private readonly Parameter mlpIn, mlpInBias, mlpOut, mlpOutBias;
    private readonly Parameter unembedding;

    public GrokkingTransformer(int classes, int modelDim = 128, int heads = 4, int mlpDim = 512, TransformerInit init = TransformerInit.FanIn)
        : base(nameof(GrokkingTransformer))
    {
        if (modelDim % heads != 0)
            throw new InputException($"d_model {modelDim} is not divisible by {heads} heads");
        this.heads = heads;
        this.classes = classes;
        int vocabulary = classes + 1; // the operand tokens and "="
        tokenEmbedding = Normal(vocabulary, modelDim, fanIn: modelDim);
        positionEmbedding = Normal(Positions, modelDim, fanIn: modelDim);
        query = Normal(modelDim, modelDim, fanIn: modelDim);
        key = Normal(modelDim, modelDim, fanIn: modelDim);
        value = Normal(modelDim, modelDim, fanIn: modelDim);
        attentionOut = Normal(modelDim, modelDim, fanIn: modelDim);
        mlpIn = Normal(modelDim, mlpDim, fanIn: modelDim);
        mlpInBias = new Parameter(zeros(mlpDim));
        mlpOut = Normal(mlpDim, modelDim, fanIn: init == TransformerInit.Nanda ? modelDim : mlpDim);
        mlpOutBias = new Parameter(zeros(modelDim));
        unembedding = Normal(modelDim, classes, fanIn: init == TransformerInit.Nanda ? vocabulary : modelDim);
        RegisterComponents();
    }

    public override Tensor TokenEmbedding => tokenEmbedding[..classes];

    public override Tensor forward(Tensor operands)
    {
        using var scope = NewDisposeScope();
        long batch = operands.shape[0];
        var equals = full(batch, 1, classes, dtype: ScalarType.Int64);
        var tokens = cat([operands, equals], 1);
        var residual = tokenEmbedding[tokens] + positionEmbedding;          // [batch, 3, d]

        long d = residual.shape[2], headDim = d / heads;
        Tensor SplitHeads(Tensor t) => t.view(batch, Positions, heads, headDim).transpose(1, 2); // [batch, heads, 3, dh]
        var q = SplitHeads(residual.matmul(query));
        var k = SplitHeads(residual.matmul(key));
        var v = SplitHeads(residual.matmul(value));
        var scores = q.matmul(k.transpose(-2, -1)).div(Math.Sqrt(headDim)).masked_fill(CausalMask(), double.NegativeInfinity);
        var attended = scores.softmax(-1).matmul(v).transpose(1, 2).reshape(batch, Positions, d);
        residual = residual + attended.matmul(attentionOut);

        var last = residual[.., -1];                                           // the "=" position
        last = last + nn.functional.relu(last.matmul(mlpIn) + mlpInBias).matmul(mlpOut) + mlpOutBias;
        return last.matmul(unembedding).MoveToOuterDisposeScope();
    }

    /// <summary>True above the diagonal: position i may not attend to positions after it.</summary>
    private static Tensor CausalMask() => ones(Positions, Positions, dtype: ScalarType.Bool).triu(1);

    private static Parameter Normal(int rows, int columns, int fanIn) => new(randn(rows, columns).div_(Math.Sqrt(fanIn)));
}
