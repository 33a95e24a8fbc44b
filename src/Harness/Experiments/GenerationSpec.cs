namespace Harness.Experiments;

/// Settings of the generation_divergence metric: `{"max_new_tokens": 8, "max_prompts": 16}`.
/// Greedy decoding of max_new_tokens tokens (no stop at end-of-text, so every pair of generations
/// has the same length) for the first max_prompts prompts of each evaluated dataset and split.
public sealed record GenerationSpec(int MaxNewTokens, int MaxPrompts)
{
    public static GenerationSpec Default { get; } = new(8, 16);

    internal static GenerationSpec Parse(SpecObject spec)
    {
        if (!spec.Has("generation")) return Default;
        var o = spec.Object("generation", ["max_new_tokens", "max_prompts"]);
        return new GenerationSpec(o.Int("max_new_tokens", Default.MaxNewTokens, min: 1, max: 1000), o.Int("max_prompts", Default.MaxPrompts, min: 1));
    }
}
