using QuantaDiscovery.Pipeline;

namespace QuantaDiscovery.Corpus;

/// <summary>The options of the DM-Mathematics-style documents (the <c>math-questions</c> command, <see cref="MathQuestions"/>).</summary>
public static class MathQuestionsSettings
{
    public static readonly StageSetting Documents = new("documents", SettingKind.Integer, "documents to write", Default: "20000");
    public static readonly StageSetting Pairs = new("pairs", SettingKind.Integer, "question–answer pairs per document", Default: "40");
    public static readonly StageSetting Seed = new("seed", SettingKind.Integer, "random seed (the output is the same for a seed)", Default: "0");
    public static readonly StageSetting Output = new("output", SettingKind.Text, "JSON lines file to write ({\"text\": ...} per line)", Required: true);

    /// <summary>The <c>math-questions</c> command's flags.</summary>
    public static IReadOnlyList<StageSetting> Command { get; } = [Documents, Pairs, Seed, Output];
}
