using Harness.Edits;
using Harness.Models;
using static TorchSharp.torch;

namespace Harness.Experiments;

/// Hooks that put an edit, or a patch, into a model at one site, as BatchHooks for ModelPasses.
public static class SiteHooks
{
    /// The edit at every position of the batch ("all"; padding positions too, which causal
    /// attention keeps from mattering) or at each row's last real token ("last"). During generation
    /// "last" keeps naming the prompt's last token.
    public static BatchHook Edit(LanguageModel model, string site, IEdit edit, Positions positions) =>
        (batch, _) => positions == Positions.All
            ? model.Hooks.Replace(site, edit.Apply)
            : model.Hooks.Replace(site, edit.Apply, LastPositions(batch));

    /// At each row's last real token, replaces the component of the residual in the span of the
    /// orthonormal rows D [k, d] by that of `source` [n, d] (one row per item of the whole set, as
    /// float64): x' = x - (x D^T) D + (s D^T) D. Rows with source index -1 are left alone.
    public static BatchHook Patch(LanguageModel model, string site, Tensor directions, Tensor source, int[] sourceIndex) =>
        (batch, offset) =>
        {
            var rows = Enumerable.Range(0, batch.Count).Where(b => sourceIndex[offset + b] >= 0).ToArray();
            var positions = Enumerable.Range(0, batch.Count)
                .Select(b => sourceIndex[offset + b] >= 0 ? new[] { batch[b].Length - 1 } : Array.Empty<int>()).ToArray();
            var from = rows.Select(b => (long)sourceIndex[offset + b]).ToArray();
            return model.Hooks.Replace(site, x =>
            {
                using var scope = NewDisposeScope();
                var D = directions.to(ScalarType.Float64);
                var rowsX = x.to(ScalarType.Float64);
                var s = source.index_select(0, tensor(from)).to(ScalarType.Float64);
                var patched = rowsX - rowsX.mm(D.t()).mm(D) + s.mm(D.t()).mm(D);
                return patched.to(x.dtype).MoveToOuterDisposeScope();
            }, positions);
        };

    public static int[][] LastPositions(IReadOnlyList<int[]> batch) => batch.Select(p => new[] { p.Length - 1 }).ToArray();
}
