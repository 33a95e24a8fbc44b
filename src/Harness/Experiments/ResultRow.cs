namespace Harness.Experiments;

/// One measured number, in tidy form (one row per value), as results.json stores it:
/// `{"experiment": "swap", "model": "gpt2-dropout", "site": "blocks.2.hook_resid_post",
/// "method": "rlace", "edit": "reflect(centre=median)", "dataset": "gender", "split": "test",
/// "metric": "pronoun_bias", "value": -0.29}`.
///
/// The unedited baseline has method "none" and edit "none". Split is "test" or "train" (prompts),
/// "text" (the dataset's text.jsonl), or "test" for probe_accuracy (sentences.test) and "train" for
/// the "directions" rows. Special edits: "keep" (probe_accuracy on the activations' component in the
/// method's subspace only), "patch" (confusion), "fit" (directions).
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
    public const string KeepEdit = "keep";
    public const string PatchEdit = "patch";
    public const string FitEdit = "fit";

    public bool IsBaseline => Method == None && Edit == None;
}
