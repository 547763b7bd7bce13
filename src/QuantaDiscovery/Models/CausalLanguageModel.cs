using QuantaDiscovery.Common;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace QuantaDiscovery.Models;

/// <summary>
/// A causal language model of any registered family as a TorchSharp module: its parameters are the family's
/// <see cref="IModelFamily.Parameters"/>, registered under their Hugging Face names (so HF safetensors load and save by
/// name), and its forward is the family's, run on <see cref="TorchTensorOps"/>.
/// <c>forward(input_ids [B, T] int64, attention_mask [B, T] or null) → logits [B, T, V]</c>.
/// </summary>
public sealed class CausalLanguageModel : Module<Tensor, Tensor?, Tensor>
{
    public IModelConfig Config { get; }
    public IModelFamily Family => Config.Family;

    private readonly Dictionary<string, Parameter> _byName;

    public CausalLanguageModel(IModelConfig config) : base(nameof(CausalLanguageModel))
    {
        config.Validate();
        Config = config;
        var specs = config.Family.Parameters(config);
        var nodes = new Dictionary<string, ParameterNode>();
        foreach (var spec in specs)
        {
            var path = spec.Name.Split('.');
            if (path.Length == 1)
            {
                register_parameter(path[0], new Parameter(empty(spec.Shape)));
                continue;
            }
            if (!nodes.TryGetValue(path[0], out var node))
            {
                nodes[path[0]] = node = new ParameterNode(path[0]);
                register_module(path[0], node);
            }
            node.Add(path.AsSpan(1), new Parameter(empty(spec.Shape)));
        }
        _byName = named_parameters().ToDictionary(p => p.name, p => p.parameter);
        if (!_byName.Keys.SequenceEqual(specs.Select(s => s.Name)))
            throw new InvalidOperationException($"{config.Family.ModelType}: parameter names must be grouped by prefix in declaration order");
    }

    /// <summary>HF names and shapes of every parameter, read off the module, in HF order.</summary>
    public IReadOnlyList<(string Name, long[] Shape)> ParameterShapes =>
        [.. named_parameters().Select(p => (p.name, p.parameter.shape))];

    /// <param name="inputIds">token ids, int64 [batch, sequence]</param>
    /// <param name="attentionMask">1 for tokens, 0 for padding on the right, [batch, sequence]; null: no padding</param>
    /// <returns>logits, float32 [batch, sequence, vocab_size]</returns>
    public override Tensor forward(Tensor inputIds, Tensor? attentionMask) => Logits(Hidden(inputIds, attentionMask));

    /// <summary>Hidden states after the final norm, [batch, sequence, hidden] (the trunk, without the unembedding).</summary>
    public Tensor Hidden(Tensor inputIds, Tensor? attentionMask) =>
        Family.Hidden(new TorchTensorOps(_byName, inputIds, attentionMask, LinearObserver), Config);

    /// <summary>Logits of hidden states (any leading shape).</summary>
    public Tensor Logits(Tensor hidden) => Family.Logits(new TorchTensorOps(_byName, null, null, LinearObserver), Config, hidden);

    /// <summary>Called after every linear layer of a forward pass with (weight name, input, output); null: none.</summary>
    public Action<string, Tensor, Tensor>? LinearObserver { get; set; }

    /// <summary>
    /// Per-token losses −log p(x_j | x_&lt;j) for j = 1..T−1, float32 [batch, sequence − 1]; entries past a
    /// document's end (where attention_mask is 0) are meaningless.
    /// </summary>
    public Tensor TokenLosses(Tensor inputIds, Tensor? attentionMask = null)
    {
        using var scope = NewDisposeScope();
        long batch = inputIds.shape[0], length = inputIds.shape[1];
        var logits = forward(inputIds, attentionMask).narrow(1, 0, length - 1);
        var targets = inputIds.narrow(1, 1, length - 1);
        var losses = functional.cross_entropy(logits.reshape(-1, Config.VocabSize), targets.reshape(-1),
            reduction: Reduction.None);
        return losses.reshape(batch, length - 1).MoveToOuterDisposeScope();
    }

    /// <summary>Reads a model folder's config.json and safetensors weights (F32, F16 or BF16) into a float32 model.</summary>
    public static CausalLanguageModel Load(ModelFolder folder)
    {
        var model = new CausalLanguageModel(folder.Config);
        using var weights = folder.OpenWeights();
        model.LoadWeights(weights);
        model.eval();
        return model;
    }

    /// <summary>Copies every parameter from <paramref name="weights"/>; a missing, misshapen or unknown tensor is an error.</summary>
    public void LoadWeights(ModelWeights weights)
    {
        foreach (var name in weights.Names)
            if (!_byName.ContainsKey(name) && !Family.IsIgnoredTensor(Config, name) && weights.TryFind(name, out var file, out _))
                throw new InputException($"tensor '{name}' is not a {Family.ModelType} parameter", file.Path);
        using var noGrad = no_grad();
        foreach (var (name, parameter) in _byName)
        {
            var values = weights.Read(name, parameter.shape);
            using var loaded = tensor(values, parameter.shape);
            parameter.copy_(loaded);
        }
    }

    /// <summary>Writes every parameter by its HF name as a safetensors file (F32 or F16).</summary>
    public void SaveSafetensors(string path, SafetensorsDType dtype = SafetensorsDType.F32)
    {
        var tensors = named_parameters().Select(p =>
        {
            using var cpu = p.parameter.detach().cpu().contiguous();
            return (p.name, cpu.shape, (ReadOnlyMemory<float>)cpu.data<float>().ToArray());
        }).ToList();
        SafetensorsFile.Write(path, tensors, dtype);
    }

    /// <summary>
    /// Initial weights for training, by each parameter's <see cref="ParameterInit"/> (HF's _init_weights: normal with
    /// std initializer_range, biases 0, norm weights 1), drawn in HF order from torch's generator seeded with <paramref name="seed"/>.
    /// </summary>
    public void Initialize(int seed)
    {
        using var noGrad = no_grad();
        var generator = new Generator((ulong)seed);
        var inits = Family.Parameters(Config).ToDictionary(s => s.Name, s => s.Init);
        foreach (var (name, parameter) in _byName)
            switch (inits[name])
            {
                case ParameterInit.Zeros: parameter.zero_(); break;
                case ParameterInit.Ones: parameter.fill_(1); break;
                default: parameter.normal_(0, Config.InitializerRange, generator); break;
            }
    }

    /// <summary>A module holding the parameters and sub-modules under one dotted-name prefix.</summary>
    private sealed class ParameterNode(string name) : Module(name)
    {
        private readonly Dictionary<string, ParameterNode> _children = [];

        public void Add(ReadOnlySpan<string> path, Parameter parameter)
        {
            if (path.Length == 1)
            {
                register_parameter(path[0], parameter);
                return;
            }
            if (!_children.TryGetValue(path[0], out var child))
            {
                child = new ParameterNode(path[0]);
                _children[path[0]] = child;
                register_module(path[0], child);
            }
            child.Add(path[1..], parameter);
        }
    }
}
