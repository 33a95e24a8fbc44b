using System.Globalization;
using static TorchSharp.torch;

namespace Harness.Edits;

/// Rescales the centred component of v along an orthonormal direction basis D [k, d] around a
/// centre m [d]:
///
///     v' = v - s (v - m) D^T D
///
/// so the coordinates D v' = D m + (1 - s) D (v - m), and everything orthogonal to D is untouched.
/// The strengths the thread uses are special cases:
///   s = 1   project: the component along D is set to the centre's (D v' = D m); idempotent.
///   s = 2   reflect ("swap"): the centred component is negated; applying it twice is the identity.
///   s = -1  amplify: the centred component is doubled.
///   s = 0   nothing changes.
/// With k > 1 every direction gets the same strength; D must be orthonormal so that D^T D is the
/// orthogonal projector onto its span (checked at construction).
public sealed class ScaleEdit : IEdit
{
    private readonly Tensor _directions;   // [k, d] float64, orthonormal rows
    private readonly Tensor _centre;       // [d] float64

    public string Name { get; }
    public long Dimension { get; }
    public double Strength { get; }

    public ScaleEdit(Tensor directions, Tensor centre, double strength, string? name = null)
    {
        if (!double.IsFinite(strength))
            throw new UsageException($"scale: strength must be a finite number, got {strength}");
        using (NewDisposeScope())
        {
            var D = OrthonormalDirections.Require(directions, "scale: directions");
            Dimension = D.shape[1];
            var m = ActivationRows.Vector(centre, Dimension, "scale: centre");
            ActivationRows.RequireFinite(m, "scale: centre");
            _directions = ActivationRows.Keep(D);
            _centre = ActivationRows.Keep(m);
        }
        Strength = strength;
        Name = name ?? DefaultName(strength);
    }

    /// v' = v - (v - m) D^T D.
    public static ScaleEdit Project(Tensor directions, Tensor centre) => new(directions, centre, 1, "project");

    /// v' = v - 2 (v - m) D^T D.
    public static ScaleEdit Reflect(Tensor directions, Tensor centre) => new(directions, centre, 2, "reflect");

    /// v' = v + (v - m) D^T D: the centred component doubled.
    public static ScaleEdit Amplify(Tensor directions, Tensor centre) => new(directions, centre, -1, "amplify");

    /// The directions D [k, d] (float64) and centre m [d] (float64) the edit uses; owned by the edit.
    public Tensor Directions => _directions;
    public Tensor CentreVector => _centre;

    public Tensor Apply(Tensor v)
    {
        using var scope = NewDisposeScope();
        var rows = ActivationRows.ToRows(v, Dimension, Name);
        var D = _directions.to(rows.device);
        var coords = (rows - _centre.to(rows.device)).mm(D.t());   // [n, k]: D (v - m)
        var edited = rows - Strength * coords.mm(D);
        return ActivationRows.FromRows(edited, v).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        _directions.Dispose();
        _centre.Dispose();
    }

    private static string DefaultName(double s) => s switch
    {
        1 => "project",
        2 => "reflect",
        -1 => "amplify",
        _ => $"scale(strength={s.ToString(CultureInfo.InvariantCulture)})",
    };
}
