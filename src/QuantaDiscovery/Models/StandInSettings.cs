using QuantaDiscovery.Pipeline;

namespace QuantaDiscovery.Models;

/// <summary>The options of a stand-in Pythia tree (the <c>standins</c> command, <see cref="StandInSuite"/>).</summary>
public static class StandInSettings
{
    public static readonly StageSetting Output = new("output", SettingKind.Text, "root of the stand-in tree (then: quanta run pipelines/pythia.yaml --root <it>)", Required: true);
    public static readonly StageSetting Suite = new("suite", SettingKind.Text, "which Pythia suite's names (v0 is the paper's)",
        Default: "v0", Paper: "v0", Choices: ["v0", "current", "deduped", "deduped-v0"]);
    public static readonly StageSetting Steps = new("steps", SettingKind.Text, "first..last..every checkpoint steps", Default: "1000..143000..1000");
    public static readonly StageSetting Documents = new("documents", SettingKind.Integer, "documents copied from --corpus", Default: "24");
    public static readonly StageSetting Tokenizer = new("tokenizer", SettingKind.InputPath, "a small tokenizer.json for the tiny models", Default: "models/pico/tokenizer.json");
    public static readonly StageSetting Corpus = new("corpus", SettingKind.InputPath, "Pile-format corpus to copy documents from", Default: "data/mini-pile/test.jsonl.zst");
    public static readonly StageSetting Hub = new("hub", SettingKind.Flag,
        "write a Hugging Face hub cache (models/hub/models--EleutherAI--…) instead of plain folders", Default: "false");

    /// <summary>The <c>standins</c> command's flags.</summary>
    public static IReadOnlyList<StageSetting> Command { get; } = [Output, Suite, Steps, Documents, Tokenizer, Corpus, Hub];
}
