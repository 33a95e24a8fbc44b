using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Edits;

/// The bookkeeping every edit shares: activations of any leading shape [.., d] become float64 rows
/// [n, d] for the arithmetic (float32 residuals lose nothing when widened, and projections of
/// nearly-cancelling components stay exact), and the result goes back to the caller's shape and
/// dtype. Also makes the long-lived float64 copies an edit keeps.
internal static class ActivationRows
{
    public static Tensor ToRows(Tensor v, long d, string edit)
    {
        if (v.dim() < 1 || v.shape[^1] != d)
            throw new HarnessException($"{edit}: activations must have last dimension {d}, got shape {Shape.Text(v.shape)}");
        if (!v.is_floating_point())
            throw new HarnessException($"{edit}: activations must be floating point, got {v.dtype}");
        return v.reshape(-1, d).to_type(ScalarType.Float64);
    }

    public static Tensor FromRows(Tensor rows, Tensor like) => rows.reshape(like.shape).to_type(like.dtype);

    /// A float64 copy of t, detached from autograd and from any dispose scope, so an edit can keep
    /// it for as long as the edit lives (it is disposed with the edit).
    public static Tensor Keep(Tensor t)
    {
        using var scope = NewDisposeScope();
        return t.detach().to_type(ScalarType.Float64).clone().DetachFromDisposeScope();
    }

    /// Checks a vector argument is [d] (or [1, d]) and returns it flattened to [d].
    public static Tensor Vector(Tensor t, long d, string argument)
    {
        if (!t.is_floating_point())
            throw new HarnessException($"{argument}: must be floating point, got {t.dtype}");
        bool ok = (t.dim() == 1 && t.shape[0] == d) || (t.dim() == 2 && t.shape[0] == 1 && t.shape[1] == d);
        if (!ok) throw new HarnessException($"{argument}: must have shape [{d}], got {Shape.Text(t.shape)}");
        return t.reshape(d);
    }

    /// Fails unless every entry of t is finite (NaN or infinity in a direction or centre would
    /// silently poison every edited activation).
    public static void RequireFinite(Tensor t, string argument)
    {
        using var scope = NewDisposeScope();
        if (!t.isfinite().all().item<bool>())
            throw new HarnessException($"{argument}: contains NaN or infinite values");
    }
}
