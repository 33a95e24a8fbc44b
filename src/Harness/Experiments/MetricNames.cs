namespace Harness.Experiments;

/// The metrics a spec can ask for (`"metrics": [...]`), and the names of the extra rows some of
/// them write. Every name is a `metric` value of results.json.
public static class MetricNames
{
    /// Mean b = (p_c - p_w) / max(p_c, p_w) over the prompts (PronounBias).
    public const string PronounBias = "pronoun_bias";
    /// Mean logit_c - logit_w over the prompts (LogitDifference).
    public const string LogitDiff = "logit_diff";
    /// Fraction of prompts whose correct answer has the higher logit (logit_c > logit_w).
    public const string AnswerAccuracy = "answer_accuracy";
    /// Mean KL(unedited || edited) of the next-token distributions: at each prompt's last position,
    /// and (split "text") at every position of the dataset's text.jsonl.
    public const string KlDamage = "kl_damage";
    /// Perplexity of the dataset's text.jsonl (split "text"), edited and unedited.
    public const string Perplexity = "perplexity";
    /// Held-out accuracy of a logistic-regression probe retrained on edited activations of the
    /// concept's sentences (dataset = the concept dataset, split "test").
    public const string ProbeAccuracy = "probe_accuracy";
    /// The same with a small nonlinear probe (MlpProbe: one hidden layer of 64 ReLU units): what
    /// linear erasure leaves recoverable (no row for a method's own subspace, "keep").
    public const string MlpProbeAccuracy = "mlp_probe_accuracy";
    /// Mean index of the first generated token where greedy generation with and without the edit
    /// differ (max_new_tokens when they never do).
    public const string GenerationDivergence = "generation_divergence";
    /// Mean change of log p(correct) - log p(wrong) when the direction component of a prompt's
    /// residual is patched in from its paired prompt of the other label (edit "patch").
    public const string Confusion = "confusion";
    /// Counterfactual damage: mean KL(partner unedited || edited) at the last position, over the
    /// prompts that have a partner (same pair, other label). A perfect swap makes a female prompt's
    /// distribution that of its male partner (0); unedited, it is the distance between the two.
    public const string PartnerKl = "partner_kl";
    /// Mean index of the first generated token where the edited greedy generation differs from the
    /// partner prompt's unedited one (higher: the edit made the prompt continue as its partner does).
    public const string PartnerDivergence = "partner_divergence";
    /// Mean ||edited - unedited|| of the activations at the edited site, over the positions the edit
    /// applies to (per prompt its positions' mean; on text, per position): the size of the edit, by
    /// which the damage rows *_per_edit_size are divided.
    public const string EditSize = "edit_size";
    /// Damage per unit of the concept's bias change: for each method and edit, the mean kl_damage on
    /// every dataset but the method's concept (prompts and text) divided by |mean effect of the edit
    /// on the concept's pronoun_bias| (its test prompts); the two are independent samples, so its
    /// interval resamples each on its own. Needs kl_damage and pronoun_bias, and the concept evaluated.
    public const string KlPerBiasChange = "kl_damage_per_bias_change";

    /// What each fitted direction looks like in the concept's held-out activations (DirectionStats):
    /// rows direction_mean_difference, direction_spread, direction_dprime and direction_variance
    /// (edit "fit", split "test") per method, direction_cosine per pair of methods (`versus` the
    /// other), the same stats for each random direction of a null, and the rank correlations of the
    /// effect with them (rank_corr_*).
    public const string DirectionStats = "direction_stats";

    public const string DirectionMeanDifference = "direction_mean_difference";
    public const string DirectionSpread = "direction_spread";
    public const string DirectionDPrime = "direction_dprime";
    public const string DirectionVariance = "direction_variance";
    /// |u . v| of two methods' first directions (the row's method and its `versus`).
    public const string DirectionCosine = "direction_cosine";
    /// Written with direction_stats and a null, per edit and evaluated prompt set (split "test",
    /// pronoun_bias): Spearman's rho between the size of the edit's effect and the direction's mean
    /// difference (large), and its d' (crisp), over the null's random directions (method: the null's
    /// random method) and over those and every fitted method (method "directions"); and their
    /// difference, with paired bootstrap intervals over the directions (RankCorrelation); null_n
    /// is the number of random directions (not a mean of items: no n).
    public const string RankCorrMeanDifference = "rank_corr_mean_difference";
    public const string RankCorrDPrime = "rank_corr_dprime";
    public const string RankCorrLargeMinusCrisp = "rank_corr_large_minus_crisp";
    /// The method label of the rank correlations over every direction: the null's and the fitted ones.
    public const string AllDirections = "directions";

    /// Written with probe_accuracy: the accuracy of always predicting the most frequent training label.
    public const string ProbeMajority = "probe_majority";
    /// Written for every fitted method (edit "fit", split "train"): how many directions it spans.
    public const string Directions = "directions";
    /// Written for a method with a stop criterion (RLACE: a fresh probe within epsilon of the majority
    /// rate; adversarial: the objective stopped improving), edit "fit", split "train": 1 when the fit
    /// met it, 0 when it stopped at max_steps.
    public const string StopReached = "stop_reached";
    /// Written with stop_reached: the steps the fit played.
    public const string FitSteps = "fit_steps";
    /// Written for an adversarial fit: its objective at the basis it returned (mean KL in nats, or
    /// mean log p(correct) - log p(wrong)) on its training prompts.
    public const string FitObjective = "fit_objective";

    /// Written with edit_size and kl_damage: mean KL / mean edit size over the same prompts or text
    /// positions (a ratio of means, its interval from resampling both together).
    public const string KlPerEditSize = "kl_damage_per_edit_size";

    /// The damage metrics that get a row per unit of edit size, and that row's metric name.
    public static IReadOnlyDictionary<string, string> PerEditSize { get; } = new Dictionary<string, string>
    {
        [KlDamage] = KlPerEditSize,
    };

    /// The metrics a spec may list, in the order results are reported.
    public static IReadOnlyList<string> Known => MetricRegistry.All.Select(m => m.Name).ToList();

    /// Every metric name that can appear in results.json (direction_stats itself writes only the
    /// rows it names).
    public static IReadOnlyList<string> All =>
    [
        .. Known.Where(m => m != DirectionStats), ProbeMajority, Directions, StopReached, FitSteps, FitObjective, KlPerEditSize,
        DirectionMeanDifference, DirectionSpread, DirectionDPrime, DirectionVariance, DirectionCosine,
        RankCorrMeanDifference, RankCorrDPrime, RankCorrLargeMinusCrisp,
    ];
}
