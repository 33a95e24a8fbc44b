using Harness.Models;
using static TorchSharp.torch;

namespace Harness.Experiments;

/// The text metrics of one dataset's running text (text.jsonl) on one model: the perplexity of the
/// unedited model, computed once, and for an edit the mean KL(unedited || edited) of the next-token
/// distributions over every real position, and the edited perplexity; with the per-position KL and
/// per-token negative log-likelihoods behind them, each tagged with its text (the unit the
/// intervals resample: positions of one text are not independent). Texts run in fixed batches;
/// the unedited log-probabilities of every real position are kept (float32) when they fit in
/// CacheBytes, so each edit costs one forward pass instead of two.
public sealed class TextEvaluation : IDisposable
{
    public const long CacheBytes = 256L << 20;

    /// Positions per KL chunk: small enough that the float32 temporaries (16 x 50,257) stay in
    /// glibc's heap and the caches (see PositionRows.Chunk).
    private const int TextChunk = 16;

    private readonly LanguageModel _model;
    private readonly List<(int[][] Batch, int Offset)> _batches;
    private readonly List<Tensor>? _cache;

    public TextEvaluation(LanguageModel model, TextSet text, int batchSize)
    {
        _model = model;
        Text = text.Truncate(model.Config.NPositions);
        _batches = ModelPasses.Batches(Text.Ids, batchSize).Select(b => (b.Batch.ToArray(), b.Offset)).ToList();
        long positions = Text.Ids.Sum(t => (long)t.Length);
        if (positions * model.Config.VocabSize * 4 <= CacheBytes) _cache = new List<Tensor>();
        var nll = new List<double>();
        using var noGrad = no_grad();
        foreach (var (batch, _) in _batches)
        {
            Interruption.ThrowIfRequested();
            using var scope = NewDisposeScope();
            var logProbs = LogProbs(batch);
            nll.AddRange(NegativeLogLikelihood(logProbs, batch));
            _cache?.Add(logProbs.DetachFromDisposeScope());
        }
        Predicted = nll.Count;
        Positions = positions;
        PositionTexts = Text.Ids.SelectMany((t, i) => Enumerable.Repeat(i, t.Length)).ToArray();
        TokenTexts = Text.Ids.SelectMany((t, i) => Enumerable.Repeat(i, t.Length - 1)).ToArray();
        Unflipped = Text.Unflipped();
        Unedited = new TextDamage(new double[positions], PositionTexts, nll.ToArray(), TokenTexts, 0) { Unflipped = Unflipped };
    }

    public TextSet Text { get; }
    public double PerplexityUnedited => Unedited.PerplexityEdited;

    /// The unedited model's measurement (KL 0 at every position).
    public TextDamage Unedited { get; }

    /// The text of every real position, and of every predicted token, in order.
    public int[] PositionTexts { get; }
    public int[] TokenTexts { get; }

    /// Per real position, whether its next token is not a concept word (TextSet.Unflipped), or null.
    public bool[]? Unflipped { get; }

    /// Real positions (KL is averaged over them) and predicted tokens (perplexity's count).
    public long Positions { get; }
    public long Predicted { get; }

    /// KL(unedited || edited) per position and the edited perplexity with the hooks in place.
    public TextDamage Measure(BatchHook hook)
    {
        var kl = new List<double>();
        var nll = new List<double>();
        using var noGrad = no_grad();
        for (int i = 0; i < _batches.Count; i++)
        {
            Interruption.ThrowIfRequested();
            using var scope = NewDisposeScope();
            var (batch, offset) = _batches[i];
            var unedited = _cache?[i] ?? LogProbs(batch);
            Tensor edited;
            using (hook(batch, offset)) edited = RealHidden(batch);                   // [positions, d]
            // The edited log-probabilities chunk by chunk: a [positions, vocab] tensor per batch and
            // edit faulted in ~40 MB each time (TextChunk).
            var targets = Targets(batch);
            long rows = unedited.shape[0];
            for (long lo = 0; lo < rows; lo += TextChunk)
            {
                using var chunk = NewDisposeScope();
                long hi = Math.Min(rows, lo + TextChunk);
                var slice = TensorIndex.Slice(lo, hi);
                var logQ = _model.Unembed(edited[slice]).to(ScalarType.Float32).log_softmax(-1).cpu();
                kl.AddRange(Divergence(unedited[slice], logQ));
                nll.AddRange(NegativeLogLikelihood(logQ, targets[(int)lo..(int)hi]));
            }
        }
        return new TextDamage(kl.ToArray(), PositionTexts, nll.ToArray(), TokenTexts, PerplexityUnedited) { Unflipped = Unflipped };
    }

    /// KL(P || Q) = sum_t p(t) (log p(t) - log q(t)) of every row, from float32 log-probabilities
    /// (already normalised, so unlike KlDamage.Divergence this needs no second log-softmax), summed
    /// in float64; p = 0 contributes 0. Works in place on one chunk's worth of memory: the large
    /// float64 temporaries of a vocabulary-wide KL cost more in page faults than in arithmetic.
    private static double[] Divergence(Tensor logP, Tensor logQ)
    {
        using var scope = NewDisposeScope();
        var p = logP.exp();
        var terms = logP - logQ;
        terms.mul_(p).masked_fill_(p.eq(0), 0);
        return terms.sum(-1, type: ScalarType.Float64).data<double>().ToArray();
    }

    /// log_softmax of the logits at every real position of the batch, in order (text by text):
    /// float32 [positions, vocab].
    private Tensor LogProbs(int[][] batch)
    {
        using var scope = NewDisposeScope();
        return _model.Unembed(RealHidden(batch)).to(ScalarType.Float32).log_softmax(-1).cpu().MoveToOuterDisposeScope();
    }

    /// The final hidden state at every real position of the batch, text by text: [positions, d].
    private Tensor RealHidden(int[][] batch)
    {
        using var scope = NewDisposeScope();
        using var tokens = TokenBatch.RightPadded(batch, _model.Device);
        var hidden = _model.FinalHidden(tokens.Ids);                                   // [b, t, d]
        var (rows, columns) = RealPositions(batch);
        return hidden.index(TensorIndex.Tensor(tensor(rows, device: hidden.device)), TensorIndex.Tensor(tensor(columns, device: hidden.device))).MoveToOuterDisposeScope();
    }

    /// The next token of every real position of the batch, text by text; -1 at a text's last.
    private static long[] Targets(int[][] batch) =>
        batch.SelectMany(text => Enumerable.Range(0, text.Length).Select(t => t + 1 < text.Length ? (long)text[t + 1] : -1L)).ToArray();

    /// -log p(next token) at every position that has a next token, text by text.
    private static double[] NegativeLogLikelihood(Tensor logProbs, int[][] batch) => NegativeLogLikelihood(logProbs, Targets(batch));

    /// -log p(target) of every row of logProbs whose target is not -1, in order.
    private static double[] NegativeLogLikelihood(Tensor logProbs, long[] targets)
    {
        using var scope = NewDisposeScope();
        var rows = Enumerable.Range(0, targets.Length).Where(r => targets[r] >= 0).Select(r => (long)r).ToArray();
        if (rows.Length == 0) return [];
        var picked = logProbs.index(TensorIndex.Tensor(tensor(rows)), TensorIndex.Tensor(tensor(rows.Select(r => targets[r]).ToArray())));
        return picked.to(ScalarType.Float64).neg().data<double>().ToArray();
    }

    private static (long[] Rows, long[] Columns) RealPositions(int[][] batch)
    {
        var rows = new List<long>();
        var columns = new List<long>();
        for (int b = 0; b < batch.Length; b++)
            for (int t = 0; t < batch[b].Length; t++) { rows.Add(b); columns.Add(t); }
        return (rows.ToArray(), columns.ToArray());
    }

    public void Dispose()
    {
        if (_cache is null) return;
        foreach (var t in _cache) t.Dispose();
    }
}

/// What an edit does to running text: KL(unedited || edited) at every real position and -log p of
/// every predicted token, each with the index of its text, and the unedited perplexity.
public sealed record TextDamage(double[] KlPerPosition, int[] PositionTexts, double[] NllPerToken, int[] TokenTexts, double PerplexityUnedited)
{
    /// Per position, whether it counts as unflipped (TextSet.Unflipped); null when the text has no
    /// concept words.
    public bool[]? Unflipped { get; init; }

    /// The damage at the unflipped positions only, or null.
    public TextDamage? AtUnflipped()
    {
        if (Unflipped is not { } keep) return null;
        var at = Enumerable.Range(0, keep.Length).Where(i => keep[i]).ToArray();
        return this with { KlPerPosition = at.Select(i => KlPerPosition[i]).ToArray(), PositionTexts = at.Select(i => PositionTexts[i]).ToArray(), Unflipped = null };
    }

    /// Mean KL per position.
    public double Kl => KlPerPosition.Average();

    /// exp(mean -log p(next token)).
    public double PerplexityEdited => NllPerToken.Length == 0 ? double.NaN : Math.Exp(NllPerToken.Average());
}
