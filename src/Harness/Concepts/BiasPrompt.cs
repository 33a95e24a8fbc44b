namespace Harness.Concepts;

/// A prompt for the bias metric: `Prompt` ends right before the answer; `Correct` is the next token
/// that agrees with the prompt's concept value and `Wrong` the one that agrees with the other value
/// (both single tokens with their leading space, e.g. " she" / " he"). `Pair` links the prompts that
/// differ only in the concept. On disk:
/// `{"prompt": "Her car is broken. But", "correct": " she", "wrong": " he", "label": "female", "pair": 3}`.
/// An optional `"cue"` says which cue the prompt carries (gender-attributes: "hair", "occupation", ...;
/// gender-cues: "1", "2", "3" consistent cues or "conflict"); the runner adds one row per cue value
/// (label `cue=<value>`) beside the pooled and per-label rows.
public sealed record BiasPrompt(string Prompt, string Correct, string Wrong, string Label, int Pair)
{
    public string? Cue { get; init; }
}
