using QuantaDiscovery.Tokenize;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Tokenize;

/// <summary>The GPT-NeoX-20B tokenizer committed in the repository, loaded once for all tests.</summary>
public static class ReferenceTokenizer
{
    public static string NeoxJsonPath { get; } = TestPaths.InRepo("models/tokenizers/gpt-neox-20b/tokenizer.json");

    private static readonly Lazy<ByteLevelBpeTokenizer> s_neox = new(() => ByteLevelBpeTokenizer.Load(NeoxJsonPath));

    public static ByteLevelBpeTokenizer Neox => s_neox.Value;
}
