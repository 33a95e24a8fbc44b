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
}

/// One metric a spec can ask for: its name (results.json's `metric`), what it is measured from, and,
/// for the metrics the runner computes from logits or text, how. A metric with FromAnswerDifference
/// depends only on logit_c − logit_w, so the null of random directions measures it cheaply.
public sealed record Metric(string Name, MetricSource Source, string Description)
{
    /// Per prompt, from the edited and the unedited last-token logits of a prompt set.
    public Func<PromptSet, Tensor, Tensor, double[]>? PerPrompt { get; init; }
    /// Per prompt, from the answer logit difference alone (the null's cheap path).
    public Func<double, double>? FromAnswerDifference { get; init; }
    /// Its measurement on running text, from what an edit does to it.
    public Func<TextDamage, TextMeasure>? OnText { get; init; }
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
            PerPrompt = (set, logits, _) => PronounBias.Compute(logits, set.Correct, set.Wrong).PerPrompt,
            FromAnswerDifference = d => PronounBias.Score(d, 0),
        },
        new(MetricNames.LogitDiff, MetricSource.PromptLogits, "mean logit_c - logit_w at the last prompt position")
        {
            PerPrompt = (set, logits, _) => LogitDifference.Compute(logits, set.Correct, set.Wrong).PerPrompt,
            FromAnswerDifference = d => d,
        },
        new(MetricNames.AnswerAccuracy, MetricSource.PromptLogits, "fraction of prompts preferring the correct answer (logit_c > logit_w) at the last prompt position")
        {
            PerPrompt = (set, logits, _) => LogitDifference.Compute(logits, set.Correct, set.Wrong).PerPrompt.Select(d => d > 0 ? 1.0 : 0.0).ToArray(),
            FromAnswerDifference = d => d > 0 ? 1 : 0,
        },
        new(MetricNames.KlDamage, MetricSource.PromptLogits, "mean KL(unedited || edited) of the next-token distributions at the last prompt position, and at every position of text.jsonl")
        {
            PerPrompt = (_, logits, unedited) => KlDamage.PerRow(unedited, logits),
            OnText = damage => new(damage.KlPerPosition, damage.PositionTexts),
        },
        new(MetricNames.Perplexity, MetricSource.Text, "perplexity of text.jsonl") { OnText = damage => new(damage.NllPerToken, damage.TokenTexts, Math.Exp) },
        new(MetricNames.ProbeAccuracy, MetricSource.Probe, "held-out accuracy of a logistic-regression probe retrained on the edited activations"),
        new(MetricNames.GenerationDivergence, MetricSource.Generations, "mean index of the first differing token of greedy generations"),
        new(MetricNames.Confusion, MetricSource.Patch, "mean change of log p(correct) - log p(wrong) when the partner prompt's component is patched in"),
    ];

    public static Metric? Find(string name) => All.FirstOrDefault(m => m.Name == name);

    /// The spec's metrics measured from a source, or with a given way of measuring.
    public static IEnumerable<Metric> Of(ExperimentSpec spec, Func<Metric, bool> select) =>
        All.Where(m => spec.Wants(m.Name) && select(m));
}
