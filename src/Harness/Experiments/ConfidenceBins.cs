namespace Harness.Experiments;

/// Neel's "esp if the answer is obvious": prompts grouped by how confident the unedited model is.
/// A pair's confidence is the mean over its prompts of the unedited pronoun-bias score b (1 = the
/// right answer certain, 0 = no preference, -1 = the wrong one certain); pairs are ranked by it and
/// cut into `bins` parts of (nearly) equal numbers of pairs, bin 1 the least confident. Whole pairs
/// go to one bin, so a bin's bootstrap still resamples pairs. The bins come from the model's own
/// outputs, which are deterministic, so no regression to the mean follows from selecting on them.
public static class ConfidenceBins
{
    /// Each prompt's bin label (EvidenceRows.ConfidenceLabel), from its unedited score and its pair.
    public static string[] Of(IReadOnlyList<double> scores, IReadOnlyList<int> pairs, int bins)
    {
        if (scores.Count != pairs.Count) throw new ArgumentException($"scores: {scores.Count} values for {pairs.Count} prompts");
        if (bins < 2) throw new ArgumentOutOfRangeException(nameof(bins), bins, "at least 2 bins");
        var ranked = Enumerable.Range(0, pairs.Count).GroupBy(i => pairs[i])
            .Select(g => (Pair: g.Key, Mean: g.Average(i => scores[i])))
            .OrderBy(p => p.Mean).ThenBy(p => p.Pair).Select(p => p.Pair).ToList();
        var bin = new Dictionary<int, int>();
        for (int r = 0; r < ranked.Count; r++) bin[ranked[r]] = (int)((long)r * bins / ranked.Count) + 1;
        return pairs.Select(p => Evidence.EvidenceRows.ConfidenceLabel(bin[p])).ToArray();
    }
}
