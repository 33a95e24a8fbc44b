using Harness.Models;
using static TorchSharp.torch;

namespace Harness.Experiments;

/// The unedited activations at one site of a set's prompts or a text's positions, at the positions
/// the edits apply to ("all": every real token; "last": each item's last), [rows, d] float32 in
/// item order, and each row's item (Owner). Edits are row-wise, so what an edit does to these rows
/// is what it does in the edited forward pass at that site (EditSize).
public sealed record SiteRowSet(Tensor Rows, int[] Owner);

/// SiteRowSets of every prompt set and text of a run at one site, captured once per site for the
/// edit_size metric. Owns its tensors.
public sealed class SiteRows : IDisposable
{
    private readonly Dictionary<object, SiteRowSet> _sets = new(ReferenceEqualityComparer.Instance);

    public static SiteRows Capture(LanguageModel model, string site, IEnumerable<PromptSet> prompts, IEnumerable<TextSet> texts, Positions positions, int batchSize, int textBatchSize)
    {
        var rows = new SiteRows();
        foreach (var set in prompts) rows.Add(set, ModelPasses.Capture(model, site, set.Ids, positions, batchSize));
        foreach (var text in texts) rows.Add(text, ModelPasses.Capture(model, site, text.Ids, positions, textBatchSize));
        return rows;
    }

    private void Add(object key, (Tensor Rows, int[] TextOfRow) captured)
    {
        captured.Rows.DetachFromDisposeScope();
        _sets[key] = new SiteRowSet(captured.Rows, captured.TextOfRow);
    }

    public SiteRowSet Of(PromptSet set) => _sets[set];

    /// The rows of a text as TextEvaluation runs it (TextEvaluation.Text: cut to the position table).
    public SiteRowSet Of(TextSet text) => _sets[text];

    public void Dispose()
    {
        foreach (var s in _sets.Values) s.Rows.Dispose();
    }
}
