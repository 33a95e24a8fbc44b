using System.Globalization;
using static TorchSharp.torch;

namespace Harness.Edits;

/// Steering: v' = v + alpha u, the same vector added at every edited position. u is used as given
/// (a unit direction makes alpha a distance in activation space; a raw mean difference makes
/// alpha = 1 "add one mean difference"); it is not normalised here.
public sealed class AddEdit : IEdit
{
    private readonly Tensor _vector;   // [d] float64

    public string Name { get; }
    public long Dimension { get; }
    public double Alpha { get; }

    public AddEdit(Tensor vector, double alpha, string? name = null)
    {
        if (!double.IsFinite(alpha))
            throw new UsageException($"add: alpha must be a finite number, got {alpha}");
        if (vector.dim() < 1)
            throw new HarnessException($"add: vector must have shape [d], got {Shape.Text(vector.shape)}");
        using (NewDisposeScope())
        {
            Dimension = vector.shape[^1];
            var u = ActivationRows.Vector(vector, Dimension, "add: vector");
            ActivationRows.RequireFinite(u, "add: vector");
            _vector = ActivationRows.Keep(u);
        }
        Alpha = alpha;
        Name = name ?? $"add(alpha={alpha.ToString(CultureInfo.InvariantCulture)})";
    }

    /// The vector u [d] (float64), owned by the edit.
    public Tensor Vector => _vector;

    public Tensor Apply(Tensor v)
    {
        using var scope = NewDisposeScope();
        var rows = ActivationRows.ToRows(v, Dimension, Name);
        var edited = rows + Alpha * _vector.to(rows.device);
        return ActivationRows.FromRows(edited, v).MoveToOuterDisposeScope();
    }

    public void Dispose() => _vector.Dispose();
}
