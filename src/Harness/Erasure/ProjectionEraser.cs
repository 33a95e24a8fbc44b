using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Erasure;

/// Erases a set of orthonormal directions by orthogonal projection around a centre:
/// x -> x - ((x - centre) D^T) D, with D [k, d] orthonormal rows. Idempotent; the component of x
/// along the directions becomes that of the centre. Used by mean difference and random directions,
/// and by any method that finds directions and erases them the same way. Stored as tensors
/// "directions" [k, d] and "centre" [d].
public sealed class ProjectionEraser : IEraser, IDirectionBasis
{
    private readonly Tensor _directions, _centre;
    private readonly IReadOnlyDictionary<string, string> _options;

    /// directions [k, d] must be orthonormal rows (to 1e-6); centre [d].
    public ProjectionEraser(string method, Tensor directions, Tensor centre, IReadOnlyDictionary<string, string> options)
    {
        if (directions.dim() != 2 || centre.dim() != 1 || centre.shape[0] != directions.shape[1])
            throw new ArgumentException($"directions [{string.Join(", ", directions.shape)}] and centre [{string.Join(", ", centre.shape)}] do not fit together");
        Method = method;
        _directions = directions.detach().to_type(ScalarType.Float64, copy: true).contiguous().DetachFromDisposeScope();
        _centre = centre.detach().to_type(ScalarType.Float64, copy: true).contiguous().DetachFromDisposeScope();
        double error = Subspace.OrthonormalityError(_directions);
        if (!(error < 1e-6)) throw new ArgumentException($"the directions are not orthonormal (max |D D^T - I| = {error:g3})", nameof(directions));
        _options = new SortedDictionary<string, string>(options.ToDictionary(), StringComparer.Ordinal);
    }

    public string Method { get; }
    public long Dimension => _directions.shape[1];

    /// [k, d], orthonormal rows (a copy).
    public Tensor Directions => _directions.clone();

    /// [d] (a copy).
    public Tensor Centre => _centre.clone();

    public Tensor Apply(Tensor x, Tensor? z = null)
    {
        using var scope = NewDisposeScope();
        var rows = Subspace.Rows(x, Dimension, Method);
        var erased = rows - (rows - _centre).mm(_directions.t()).mm(_directions);
        return erased.reshape(x.shape).to_type(x.dtype).MoveToOuterDisposeScope();
    }

    public IReadOnlyDictionary<string, Tensor> State =>
        new Dictionary<string, Tensor>(StringComparer.Ordinal) { ["directions"] = _directions, ["centre"] = _centre };

    public IReadOnlyDictionary<string, string> Options => _options;

    /// Rebuilds a projection eraser of the state's method from a file: its options are the
    /// method's declared options, read back from the metadata.
    public static ProjectionEraser Load(EraserState state)
    {
        var directions = state.Tensor("directions", -1, EraserState.Dim);
        var centre = state.Tensor("centre", EraserState.Dim);
        double error = Subspace.OrthonormalityError(directions);
        if (!(error < 1e-6)) throw state.Error($"tensor 'directions' is not orthonormal (max |D D^T - I| = {error:g3})");
        return new ProjectionEraser(state.Method.Name, directions, centre, state.Options.Values);
    }
}
