using System.Globalization;

namespace Harness.Organisms;

/// Everything that shapes the generated corpus and datasets. The same options always give the same
/// text, byte for byte.
public sealed record CorpusOptions
{
    /// Seeds every random choice (through System.Random, in separate streams for the training corpus,
    /// the held-out corpus and each dataset file).
    public int Seed { get; init; } = 20240601;

    /// Probability that a person has the attribute typical of their gender (long hair / short hair,
    /// dress / beard, ...): 0.8 means the typical one 80% of the time; 0.5 makes attributes carry no
    /// gender; 1 makes them a perfect cue.
    public double AttributeCorrelation { get; init; } = 0.8;

    /// Probability that a gender-leaning occupation is held by the gender it leans to (nurse: a woman,
    /// engineer: a man); neutral occupations are always 50/50.
    public double OccupationSkew { get; init; } = 0.85;

    /// Share of people in the corpus who are given an occupation (and so the skew above).
    public double OccupationRate { get; init; } = 0.4;

    /// How often a sentence of a document is about gender, politics or neither (relative weights).
    public double GenderWeight { get; init; } = 0.5;
    public double PoliticsWeight { get; init; } = 0.22;
    public double ControlWeight { get; init; } = 0.28;

    /// Sentences (rendered templates) per document, and the word budget that keeps a document well
    /// under the organisms' 64-token context.
    public int MinSentences { get; init; } = 2;
    public int MaxSentences { get; init; } = 5;
    public int MaxWords { get; init; } = 40;

    /// Throws a one-line HarnessException naming the first bad option.
    public CorpusOptions Validate()
    {
        Probability(nameof(AttributeCorrelation), AttributeCorrelation);
        Probability(nameof(OccupationSkew), OccupationSkew);
        Probability(nameof(OccupationRate), OccupationRate);
        foreach (var (name, w) in new[] { (nameof(GenderWeight), GenderWeight), (nameof(PoliticsWeight), PoliticsWeight), (nameof(ControlWeight), ControlWeight) })
            if (!double.IsFinite(w) || w < 0) throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"corpus option {name} must be a finite number >= 0, got {w}"));
        if (GenderWeight + PoliticsWeight + ControlWeight <= 0)
            throw new UsageException("corpus options GenderWeight, PoliticsWeight and ControlWeight cannot all be 0");
        if (MinSentences < 1 || MaxSentences < MinSentences)
            throw new UsageException($"corpus options need 1 <= MinSentences <= MaxSentences, got {MinSentences} and {MaxSentences}");
        if (MaxWords < 20 * MinSentences)
            throw new UsageException($"corpus option MaxWords must be at least 20 per sentence ({20 * MinSentences}), got {MaxWords}");
        return this;
    }

    private static void Probability(string name, double p)
    {
        if (!double.IsFinite(p) || p < 0 || p > 1)
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"corpus option {name} must be between 0 and 1, got {p}"));
    }
}
