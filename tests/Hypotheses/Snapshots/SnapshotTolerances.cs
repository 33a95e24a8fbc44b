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
/// and 2 LibTorch threads, in float64, and with LibTorch's and MKL's AVX2 and baseline kernels instead
/// of AVX-512 (ATEN_CPU_CAPABILITY, MKL_ENABLE_INSTRUCTIONS: what another CPU runs), and every number
/// was compared with the 1-thread float32 run. Each tolerance is a few times the largest difference
/// seen for its kind, and far below the changes a hypothesis is about (see README.md for the
/// measured differences, and ToleranceSurvey to measure them again).
public sealed record SnapshotTolerances(IReadOnlyDictionary<string, SnapshotTolerance> ByKind, SnapshotTolerance Fallback)
{
    /// The harness's tolerances.
    public static SnapshotTolerances Default { get; } = new(
        new Dictionary<string, SnapshotTolerance>(StringComparer.Ordinal)
        {
            // A mean of b in [-1, 1] over a few hundred prompts.
            ["pronoun_bias"] = new(0.003, 0),
            // A mean logit difference (a few nats): float error grows with its size.
            ["logit_diff"] = new(0.01, 0.002),
            // Mean KL: small values matter (0.0007 on controls vs 0.2 on politics).
            ["kl_damage"] = new(0.0002, 0.01),
            ["perplexity"] = new(0, 0.002),
            // Accuracy of a probe retrained on thousands of held-out token rows: a few rows may flip.
            ["probe_accuracy"] = new(0.003, 0),
            // Class shares of the held-out rows: fixed by the data.
            ["probe_majority"] = SnapshotTolerance.Exact,
            // Mean index of the first differing greedy token over 16 prompts: one token of one prompt
            // is 1/16; a tie flip must not pass unnoticed, so the tolerance is below that.
            ["generation_divergence"] = new(0.01, 0),
            ["confusion"] = new(0.01, 0.002),
            // How many directions a method found: a count.
            ["directions"] = SnapshotTolerance.Exact,
        },
        new SnapshotTolerance(0.001, 0.001));

    /// The tolerance of a number of this kind.
    public SnapshotTolerance For(string kind) => ByKind.GetValueOrDefault(kind) ?? Fallback;

    /// The kind of the number held by property (or key) `name`: the text after the last " | ", else
    /// the name itself.
    public static string KindOf(string name)
    {
        var bar = name.LastIndexOf(" | ", StringComparison.Ordinal);
        return bar < 0 ? name : name[(bar + 3)..];
    }
}
