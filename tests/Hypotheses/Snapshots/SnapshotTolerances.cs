namespace Hypotheses.Snapshots;

/// How far a run's number may lie from the stored one and still match:
/// |actual − stored| ≤ Absolute + Relative·|stored|, plus half the rounding step of the stored value
/// (SnapshotRounding.HalfStep), since the file holds a rounded display value.
public sealed record SnapshotTolerance(double Absolute, double Relative)
{
    /// Counts, words turned into numbers: no difference at all.
    public static SnapshotTolerance Exact { get; } = new(0, 0);

    public bool IsExact => Absolute == 0 && Relative == 0;

    /// The difference allowed around `stored`, before the rounding allowance.
    public double Allowed(double stored) => Absolute + Relative * Math.Abs(stored);

    public override string ToString() =>
        IsExact ? "exact"
        : Relative == 0 ? $"±{Absolute:G3}"
        : Absolute == 0 ? $"±{Relative:P2}"
        : $"±({Absolute:G3} + {Relative:P2})";
}

/// The tolerance of every number in a snapshot, by the kind of number it is, declared in this one
/// place (and in README.md, "Hypotheses and snapshots").
///
/// A number's kind is the metric it measures: for a key of the form
/// `model | site | method | edit | dataset | split | metric` (HypothesisSnapshot's metrics) the last
/// part, else the name of the property (or dictionary key) that holds it; an array element has the
/// kind of its array. Integers (counts) and strings (verdict words, "NaN") are always exact; kinds
/// missing from the table get Default.
///
/// How the values were chosen: the whole hypothesis suite was run on one machine in float32 with 1
/// and 2 LibTorch threads, in float64, with LibTorch's and MKL's AVX2 kernels instead of AVX-512, and
/// with their baseline kernels on 2 threads (ATEN_CPU_CAPABILITY, MKL_ENABLE_INSTRUCTIONS: what other
/// CPUs run), and every number was compared with the 1-thread float32 run (411 numbers of the 12
/// hypotheses on the organisms).
/// Each tolerance is 4 to 5 times the largest difference seen for its kind, and far below the
/// changes a hypothesis is about (SnapshotToleranceTests). ToleranceSurvey measures them again.
public sealed record SnapshotTolerances(IReadOnlyDictionary<string, SnapshotTolerance> ByKind, SnapshotTolerance Fallback)
{
    /// The harness's tolerances.
    public static SnapshotTolerances Default { get; } = new(
        new Dictionary<string, SnapshotTolerance>(StringComparer.Ordinal)
        {
            // Largest difference measured (see the class comment) in brackets.
            // A mean of b in [-1, 1] over a few hundred prompts [4.5e-4, baseline kernels].
            ["pronoun_bias"] = new(0.002, 0),
            // A mean logit difference of a few nats: float error grows with its size [3.3e-3 at 4.79].
            ["logit_diff"] = new(0.005, 0.002),
            // Mean KL, from 1e-5 (an inert direction on controls) to 2 (a swap on gender prompts): the
            // relative error of a difference of nearly equal log-probabilities grows as KL shrinks
            // [2.3e-5 at 0.0027 (0.8 %); 8.5e-7 at 1.0e-5 (8 %)]. On the organisms retrained on
            // corpus v3, the interval of an RLACE seed's text KL on controls moved more with the
            // kernels [2.0e-5 at 1.8e-4 (11 %), AVX2 and baseline vs AVX-512], which a CI machine
            // of another CPU hit: 1e-4 absolute, still a tenth of the smallest damage a verdict
            // speaks of (0.001).
            ["kl_damage"] = new(1e-4, 0.03),
            // Perplexity of running text [5.8e-5 at 2.66]; its interval's bounds (exp of a bootstrap
            // percentile over 16 texts) along a random direction drawn from the site's covariance move
            // more with the kernels [7.4e-5 at 2.69 (0.076 %), AVX2 vs AVX-512].
            ["perplexity"] = new(0, 4e-3),
            // Held-out accuracy of a probe retrained by L-BFGS on thousands of token rows: a few rows
            // near its boundary flip [8.8e-4: 4 of 4540 rows].
            ["probe_accuracy"] = new(0.004, 0),
            // The same for an MLP trained by 300 Adam steps, a less stable function of its inputs:
            // with 2 threads instead of 1, RLACE's rank-4 directions moved within tolerance and the
            // MLP retrained after them moved 0.0035 (Overdetermined, gpt2-nodropout), every other
            // MLP row unchanged [3.5e-3].
            ["mlp_probe_accuracy"] = new(0.01, 0),
            // The class shares of the held-out rows: fixed by the data [0].
            ["probe_majority"] = SnapshotTolerance.Exact,
            // Mean index of the first differing greedy token over 16 prompts [0]: one token of one
            // prompt is 1/16 and is caught.
            ["generation_divergence"] = new(0.01, 0),
            // A mean change of logit differences, as logit_diff (Projection measures it).
            ["confusion"] = new(0.005, 0.002),
            // How many directions a method found: a count.
            ["directions"] = SnapshotTolerance.Exact,
            // Whether an RLACE fit met its stop criterion (1 / 0; a seed aggregate: the share of
            // seeds): equal up to the display rounding of a seed aggregate's share.
            // The steps it played (a multiple of evaluate_every, 200 in every shipped spec): the stop
            // is a threshold test (three SGD probes' accuracy <= majority + epsilon) at evaluations
            // 200 steps apart, and float rounding moves a seed across it by one evaluation
            // [LayerSweep, gpt2-dropout blocks.3, RLACE seed 2: 600 -> 400 in a clean-clone CI run,
            // the 5 seeds' mean 560 -> 520, while every bias, KL and null rank of that run stayed
            // within its own tolerance]. One evaluation interval then; a fit that no longer stops
            // (3000) or stops much later is still caught, and the numbers that matter are checked by
            // their own kinds. The adversarial fit stops when its best objective stops improving
            // [141 -> 140 steps, AVX2], far inside this.
            ["stop_reached"] = new(1e-9, 0),
            ["fit_steps"] = new(200, 0),
            // The adversarial objective at the basis returned (mean KL in nats or mean logit difference).
            ["fit_objective"] = new(1e-4, 2e-3),
            // KL to the partner prompt's unedited distribution: a KL, as kl_damage.
            ["partner_kl"] = new(1e-4, 0.03),
            // The first greedy token leaving the partner's generation: as generation_divergence.
            ["partner_divergence"] = new(0.01, 0),
            // Mean norm of an edit's change at the site (a few units): moves with the fitted
            // direction, the probe's (L-BFGS) most [0.13 %, AVX2 vs AVX-512].
            ["edit_size"] = new(1e-4, 6e-3),
            // KL per unit of edit size: kl_damage's relative error, and its absolute one over an
            // edit of size ~3; the retrained organisms' inert probe direction on controls text moved
            // most [1.8e-5 at 6.5e-5, AVX2 vs AVX-512], far below the 1.4e-3 to 7e-2 BreakVsEdit compares.
            ["kl_damage_per_edit_size"] = new(5e-5, 0.03),
            // KL per unit of bias change: kl_damage's error plus that of the change, which for an
            // inert direction (the probe's -0.006) is a few percent of it.
            ["kl_damage_per_bias_change"] = new(1e-5, 0.1),
            // The share of prompts preferring the right answer: a prompt flips by 1/n (1/300 on gender).
            ["answer_accuracy"] = new(0.002, 0),
            // A direction's stats on held-out activations (DirectionStats): they move with the fitted
            // direction as edit_size does (0.13 %), ten times that.
            ["direction_mean_difference"] = new(1e-4, 0.01),
            ["direction_spread"] = new(1e-4, 0.01),
            ["direction_dprime"] = new(1e-4, 0.01),
            ["direction_variance"] = new(1e-4, 0.02),
            // |cos| of two fitted directions, in [0, 1].
            ["direction_cosine"] = new(0.005, 0),
            // Spearman's rho over ~100 directions: two neighbouring effects that swap under float
            // noise move it by ~6 / n^2, a bootstrap bound by about as much.
            ["rank_corr_mean_difference"] = new(0.01, 0),
            ["rank_corr_dprime"] = new(0.01, 0),
            ["rank_corr_large_minus_crisp"] = new(0.01, 0),
            // An effect's null rank, (1 + #{|null| >= |effect|}) / (N + 1): a step of 1/(N + 1) each
            // time a random basis's effect crosses the method's, which float noise of the size of the
            // bias's tolerance can do for an effect inside the null; 0.03 is three steps at N = 100.
            [NullRank] = new(0.03, 0),
        },
        // Any other number (a result type of a future hypothesis): as a bias, and relative for large values.
        new SnapshotTolerance(0.001, 0.001));

    /// The tolerance of a number of this kind.
    public const string NullRank = "null_rank";

    public SnapshotTolerance For(string kind) => ByKind.GetValueOrDefault(kind) ?? Fallback;

    /// The kind of the number held by property (or key) `name`: the text after the last " | ", else
    /// the name itself.
    /// The kind of a value under key `key` inside an object of kind `parent`: a key
    /// "model | ... | metric" names its metric; null_rank is its own kind; any other plain key inside
    /// a metric's object (its value, its interval's bounds, its effect, its null's quantiles) is of the
    /// metric's kind; any other key is its own kind.
    public string KindWithin(string parent, string key) =>
        key.Contains(" | ", StringComparison.Ordinal) ? KindOf(key) : key == NullRank ? NullRank : ByKind.ContainsKey(parent) ? parent : key;

    public static string KindOf(string name)
    {
        var bar = name.LastIndexOf(" | ", StringComparison.Ordinal);
        return bar < 0 ? name : name[(bar + 3)..];
    }
}
