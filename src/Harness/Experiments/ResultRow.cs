namespace Harness.Experiments;

/// <summary>
/// One measured number, in tidy form (one row per value), as results.json stores it:
/// `{"experiment": "swap", "model": "gpt2-dropout", "site": "blocks.2.hook_resid_post",
/// "method": "rlace", "edit": "reflect(centre=median)", "dataset": "gender", "split": "test",
/// "metric": "pronoun_bias", "value": -0.29}`.
///
/// The unedited baseline has method "none" and edit "none". Split is "test" or "train" (prompts),
/// "text" (the dataset's text.jsonl; "text-unflipped" its positions that do not predict a concept word), or "test" for probe_accuracy (sentences.test) and "train" for
/// the "directions" rows. Special edits: "keep" (probe_accuracy on the activations' component in the
/// method's subspace only), "patch" (confusion), "fit" (directions).
///
/// A row that is a mean of items (items.jsonl) also carries `n` (the items), a 95 % cluster-bootstrap
/// interval `ci_low` / `ci_high` (ClusterBootstrap: pairs resampled together) and, for an edited row
/// with an unedited row of the same items, the paired `effect` (edited minus unedited) with its
/// interval. `label` is null for the pooled row; a prompt metric over a dataset with two or more
/// labels also gets one row per label (label = its name), so that a one-sided shift shows. With a
/// null distribution (a `random` method with `directions: N`), edited rows also carry `null_n` and
/// either the null's quantiles (the random method's rows) or the effect's `null_rank`. The aggregate
/// of a method run with several seeds carries `seeds`, `seed_sd`, `seed_min`, `seed_max`.
/// </summary>
public sealed record ResultRow(
    string Experiment,
    string Model,
    string Site,
    string Method,
    string Edit,
    string Dataset,
    string Split,
    string Metric,
    double Value)
{
    public const string None = "none";
    public const string TextSplit = "text";
    /// The text positions whose next token is not one of the dataset's concept words (a paired
    /// concept's she / he ...): text damage without the intended flip.
    public const string UnflippedTextSplit = "text-unflipped";
    public const string KeepEdit = "keep";
    public const string PatchEdit = "patch";
    public const string FitEdit = "fit";

    public string? Label { get; init; }
    public int? N { get; init; }
    public double? CiLow { get; init; }
    public double? CiHigh { get; init; }
    public double? Effect { get; init; }
    public double? EffectCiLow { get; init; }
    public double? EffectCiHigh { get; init; }
    /// How many random bases the null of this row's edit has (NullEffects), and for the random
    /// method's own rows the null's 2.5, 50 and 97.5 % quantiles, for every other edited row its
    /// null rank (an empirical p-value of its effect).
    public int? NullN { get; init; }
    public double? NullLow { get; init; }
    public double? NullMedian { get; init; }
    public double? NullHigh { get; init; }
    public double? NullRank { get; init; }
    /// For the random method's own rows: the mean effect over the null's draws and its 95 %
    /// percentile-bootstrap interval over the draws (independent random bases): what editing along a
    /// random basis does on average (Dropout compares it between models for zeroed coordinates).
    public double? NullMean { get; init; }
    public double? NullMeanLow { get; init; }
    public double? NullMeanHigh { get; init; }
    /// For the aggregate of a method run with `seeds` (label = the entry's label): how many seeds,
    /// and the standard deviation (n - 1), minimum and maximum of the per-seed values. Its value is
    /// the mean over seeds (for a mean of items, the mean of the item-wise seed means, whose
    /// interval is conditional on these seeds).
    public int? Seeds { get; init; }
    public double? SeedSd { get; init; }
    public double? SeedMin { get; init; }
    public double? SeedMax { get; init; }
    /// For a row of one seed of such a method: the aggregate's label (`seed_of`).
    public string? SeedOf { get; init; }
    /// For a direction_cosine row: the method whose direction the row's method is compared with
    /// (`versus`); null for every other row.
    public string? Versus { get; init; }

    public bool IsBaseline => Method == None && Edit == None;
    /// Whether the row is measured on running text (text.jsonl) rather than prompts or sentences.
    public bool IsText => IsTextSplit(Split);
    public static bool IsTextSplit(string split) => split is TextSplit or UnflippedTextSplit;
    public bool IsPooled => Label is null;
}
