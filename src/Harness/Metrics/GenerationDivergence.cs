namespace Harness.Metrics;

/// Where an edit first changes greedy generation: for the unedited and the edited greedy token
/// sequences of a prompt (generated tokens only, the prompt excluded), the index of the first
/// generated token that differs, or the length when the two are identical. A sequence that stops
/// early (at end-of-text) differs from a longer one at the shorter one's length.
public sealed record GenerationDivergenceResult(
    /// Mean first-difference index over prompts (identical pairs count with their length).
    double MeanFirstDifference,
    /// Fraction of prompts whose two generations are identical.
    double FractionIdentical,
    /// First-difference index per prompt.
    int[] FirstDifference,
    /// Whether each prompt's two generations are identical.
    bool[] Identical);

public static class GenerationDivergence
{
    /// The index of the first differing token, or the common length when the sequences are equal.
    public static int FirstDifference(IReadOnlyList<int> unedited, IReadOnlyList<int> edited)
    {
        int shorter = Math.Min(unedited.Count, edited.Count);
        for (int i = 0; i < shorter; i++)
            if (unedited[i] != edited[i]) return i;
        return shorter;
    }

    public static GenerationDivergenceResult Compute(IReadOnlyList<IReadOnlyList<int>> unedited, IReadOnlyList<IReadOnlyList<int>> edited)
    {
        if (unedited.Count != edited.Count)
            throw new HarnessException($"generation divergence: {unedited.Count} unedited generations but {edited.Count} edited ones");
        if (unedited.Count == 0)
            throw new HarnessException("generation divergence: no generations");
        var first = new int[unedited.Count];
        var same = new bool[unedited.Count];
        for (int i = 0; i < first.Length; i++)
        {
            first[i] = FirstDifference(unedited[i], edited[i]);
            same[i] = unedited[i].Count == edited[i].Count && first[i] == unedited[i].Count;
        }
        return new GenerationDivergenceResult(first.Average(), same.Count(s => s) / (double)same.Length, first, same);
    }
}
