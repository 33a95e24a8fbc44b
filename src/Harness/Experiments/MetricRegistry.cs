using Harness.Metrics;
using static TorchSharp.torch;

namespace Harness.Experiments;

/// What a metric is measured from, and so which passes the runner makes for it.
public enum MetricSource
{
    /// The last-token logits of every evaluated prompt, edited and unedited (one pass per set).
    PromptLogits,
    /// The dataset's running text (text.jsonl), split "text".
    Text,
    /// Greedy generations with and without the edit.
    Generations,
    /// A probe retrained on the concept's edited activations, scored on its held-out sentences.
    Probe,
    /// Passes with the partner prompt's component along the directions patched in.
    Patch,
    /// The unedited activations at the edited site and what the edit makes of them.
    Site,
    /// Other metrics' rows, once measured (a ratio of two of them).
    Derived,
    /// The fitted directions themselves, and the concept's held-out activations along them.
    Direction,
}

/// One metric a spec can ask for: its name (results.json's `metric`), what it is measured from, and,
/// for the metrics the runner computes from logits or text, how. A metric with FromAnswerDifference
/// depends only on logit_c − logit_w, so the null of random directions measures it cheaply.
public sealed record Metric(string Name, MetricSource Source, string Description)
{
    /// Per prompt of a batch, from its edited last-token logits and the set's unedited ones.
    public Func<PromptBatch, double[]>? PerPrompt { get; init; }
    /// Per prompt, from the answer logit difference alone (the null's cheap path).
    public Func<double, double>? FromAnswerDifference { get; init; }
    /// Its measurement on running text, from what an edit does to it.
    public Func<TextDamage, TextMeasure>? OnText { get; init; }
    /// Whether it is measured only on the prompts that have a partner (PromptSet.Partners): its
    /// PerPrompt gives NaN for the others, and a set without pairs gets no row.
    public bool PartneredOnly { get; init; }
}

/// One batch of a prompt set's last-token logits for the metrics: `Edited` [b, vocab] for the
/// prompts Offset .. Offset + b - 1 (the unedited logits themselves for the baseline), and the
/// whole set's unedited logits [n, vocab]. Metrics see a batch at a time so that no [n, vocab]
/// tensor is made per edit (each one faulted in ~80 MB for 400 prompts).
public sealed record PromptBatch(PromptSet Set, int Offset, Tensor Edited, Tensor Unedited)
{
    public int Count => (int)Edited.shape[0];
    public IReadOnlyList<int> Correct => new ArraySegment<int>(Set.Correct, Offset, Count);
    public IReadOnlyList<int> Wrong => new ArraySegment<int>(Set.Wrong, Offset, Count);
    /// The unedited logits of the batch's own prompts (a view).
    public Tensor UneditedRows => Unedited.narrow(0, Offset, Count);
}

/// A text metric's measurement: per-item values, clustered by text (the positions of one text are
/// not independent), and the increasing map from their mean to the metric's value: none for a mean
/// (KL per position), exp for perplexity (the exp of the mean -log p per token). A percentile
/// interval maps through an increasing function unchanged, so the metric's interval is the map of
/// the mean's.
public sealed record TextMeasure(double[] Values, int[] Texts, Func<double, double>? OfMean = null);

/// Every metric, in the order results are reported; the runner's passes follow from their sources.
public static class MetricRegistry
{
    public static IReadOnlyList<Metric> All { get; } =
    [
        new(MetricNames.PronounBias, MetricSource.PromptLogits, "mean b = (p_c - p_w) / max(p_c, p_w) at the last prompt position")
        {
            PerPrompt = b => PronounBias.Compute(b.Edited, b.Correct, b.Wrong).PerPrompt,
            FromAnswerDifference = d => PronounBias.Score(d, 0),
        },
        new(MetricNames.LogitDiff, MetricSource.PromptLogits, "mean logit_c - logit_w at the last prompt position")
        {
            PerPrompt = b => LogitDifference.Compute(b.Edited, b.Correct, b.Wrong).PerPrompt,
            FromAnswerDifference = d => d,
        },
        new(MetricNames.AnswerAccuracy, MetricSource.PromptLogits, "fraction of prompts preferring the correct answer (logit_c > logit_w) at the last prompt position")
        {
            PerPrompt = b => LogitDifference.Compute(b.Edited, b.Correct, b.Wrong).PerPrompt.Select(d => d > 0 ? 1.0 : 0.0).ToArray(),
            FromAnswerDifference = d => d > 0 ? 1 : 0,
        },
        new(MetricNames.KlDamage, MetricSource.PromptLogits, "mean KL(unedited || edited) of the next-token distributions at the last prompt position, and at every position of text.jsonl")
        {
            PerPrompt = b => KlDamage.PerRow(b.UneditedRows, b.Edited),
            OnText = damage => new(damage.KlPerPosition, damage.PositionTexts),
        },
        new(MetricNames.PartnerKl, MetricSource.PromptLogits, "mean KL(partner unedited || edited) at the last prompt position, over the prompts with a partner (same pair, other label)")
        {
            PerPrompt = PartnerKl,
            PartneredOnly = true,
        },
        new(MetricNames.Perplexity, MetricSource.Text, "perplexity of text.jsonl") { OnText = damage => new(damage.NllPerToken, damage.TokenTexts, Math.Exp) },
        new(MetricNames.ProbeAccuracy, MetricSource.Probe, "held-out accuracy of a logistic-regression probe retrained on the edited activations"),
        new(MetricNames.MlpProbeAccuracy, MetricSource.Probe, "held-out accuracy of a small MLP probe (64 ReLU units, seeded) retrained on the edited activations: what linear erasure leaves recoverable"),
        new(MetricNames.GenerationDivergence, MetricSource.Generations, "mean index of the first differing token of greedy generations"),
        new(MetricNames.PartnerDivergence, MetricSource.Generations, "mean index of the first token where the edited greedy generation differs from the partner prompt's unedited one") { PartneredOnly = true },
        new(MetricNames.Confusion, MetricSource.Patch, "mean change of log p(correct) - log p(wrong) when the partner prompt's component is patched in"),
        new(MetricNames.KlPerBiasChange, MetricSource.Derived, "mean kl_damage on every dataset but the concept / |mean effect on the concept's pronoun_bias|, per method and edit"),
        new(MetricNames.DirectionStats, MetricSource.Direction, "each direction's class-mean difference, within-class spread, d' and variance on the concept's held-out activations, the cosines between methods, and (with a null) the rank correlations of the effect with them"),
        new(MetricNames.EditSize, MetricSource.Site, "mean ||edited - unedited|| of the activations at the site, over the edited positions (prompts and text)"),
    ];

    /// KL(unedited partner || edited) per prompt of the batch; NaN for a prompt without a partner.
    private static double[] PartnerKl(PromptBatch b)
    {
        var partners = b.Set.Partners();
        var values = Enumerable.Repeat(double.NaN, b.Count).ToArray();
        var mine = Enumerable.Range(0, b.Count).Where(i => partners[b.Offset + i] >= 0).ToArray();
        if (mine.Length == 0) return values;
        using var scope = NewDisposeScope();
        var partnerLogits = b.Unedited.index_select(0, tensor(mine.Select(i => (long)partners[b.Offset + i]).ToArray()));
        var editedLogits = b.Edited.index_select(0, tensor(mine.Select(i => (long)i).ToArray()));
        var kl = KlDamage.PerRow(partnerLogits, editedLogits);
        for (int j = 0; j < mine.Length; j++) values[mine[j]] = kl[j];
        return values;
    }

    public static Metric? Find(string name) => All.FirstOrDefault(m => m.Name == name);

    /// The spec's metrics measured from a source, or with a given way of measuring.
    public static IEnumerable<Metric> Of(ExperimentSpec spec, Func<Metric, bool> select) =>
        All.Where(m => spec.Wants(m.Name) && select(m));
}
