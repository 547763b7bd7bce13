namespace QuantaDiscovery.Common;

/// <summary>
/// How many tokens of each document a model sees: the paper's 1024 (Michaud et al. 2023, §4) unless the models have
/// fewer positions, in which case all of them (the shipped pico models have 128).
/// </summary>
public static class TokenContext
{
    public const int Paper = 1024;

    /// <summary>The context to use: <paramref name="requested"/>, or min(1024, the fewest positions of the models); refuses one the models cannot take.</summary>
    /// <param name="models">each model's max_position_embeddings and the config.json it comes from</param>
    public static int Resolve(int? requested, IReadOnlyList<(int Positions, string ConfigPath)> models)
    {
        if (requested is { } context)
        {
            if (context < 2) throw InputException.Invalid("context", context, "must be at least 2 tokens");
            foreach (var (positions, configPath) in models)
                if (context > positions)
                    throw new InputException($"context {context} exceeds max_position_embeddings {positions}", configPath);
            return context;
        }
        return models.Count == 0 ? Paper : Math.Min(Paper, models.Min(m => m.Positions));
    }

    /// <summary>One line saying which context was used and why, for the log.</summary>
    public static string Describe(int context, int? requested) => requested is not null
        ? $"context: {context} tokens"
        : context == Paper ? $"context: {Paper} tokens (the paper's)"
        : $"context: {context} tokens (the models' max_position_embeddings; the paper's {Paper} is longer)";
}
