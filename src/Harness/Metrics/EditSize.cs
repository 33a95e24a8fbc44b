using Harness.Edits;
using static TorchSharp.torch;

namespace Harness.Metrics;

/// The size of an edit where it is made: ||edit(x) - x||_2 of each activation row x at the edited
/// site, in float64. Edits are row-wise (EditPositions), so the rows of a prompt's edited positions,
/// taken unedited from a forward pass, are all it needs: the site is the first place the edited
/// pass differs from the unedited one. Damage divided by it compares edits that move the residual
/// by different amounts (a reflection moves it twice as far as the projection along the same
/// direction).
public static class EditSize
{
    /// rows: [n, d] unedited activations; returns n norms.
    public static double[] PerRow(IEdit edit, Tensor rows)
    {
        if (rows.dim() != 2)
            throw new HarnessException($"edit size: activation rows must be [n, d], got {Shape.Text(rows.shape)}");
        using var scope = NewDisposeScope();
        var edited = edit.Apply(rows);
        var change = edited.to(ScalarType.Float64) - rows.to(ScalarType.Float64);
        return change.norm(1).cpu().data<double>().ToArray();
    }

    /// The mean norm of each owner's rows (a prompt's edited positions): owner[i] names row i's
    /// owner in 0..owners-1. An owner without rows gets NaN.
    public static double[] MeanByOwner(double[] norms, int[] owner, int owners)
    {
        if (owner.Length != norms.Length)
            throw new ArgumentException($"edit size: {norms.Length} norms but {owner.Length} owners");
        var sums = new double[owners];
        var counts = new int[owners];
        for (int i = 0; i < norms.Length; i++) { sums[owner[i]] += norms[i]; counts[owner[i]]++; }
        return sums.Select((s, i) => counts[i] == 0 ? double.NaN : s / counts[i]).ToArray();
    }
}
