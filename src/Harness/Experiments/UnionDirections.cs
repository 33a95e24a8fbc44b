using Harness.Erasure;
using static TorchSharp.torch;

namespace Harness.Experiments;

/// Several directions erased together: `{"method": "union", "of": ["gender", "attributes"]}` takes
/// the bases that earlier methods of the spec fitted at the same model and site (by label),
/// stacks their rows in the order given and orthonormalises them (Gram-Schmidt, in order), and
/// projects that span out around the mean of the union's own concept's training activations, as
/// for the other found directions. The union of LEACE erasers is therefore an orthogonal projection
/// onto the complement of their directions' span, not a composition of the oblique LEACE maps: it
/// asks whether removing both subspaces does more than removing either, the discussion's "delete
/// is_woman and the correlated features are still there". Rows that add no direction (within a
/// millionth of the earlier rows' span: the same direction twice) are dropped, and the row
/// `directions` says how many remain.
public static class UnionDirections
{
    public const string Name = "union";

    /// The field of a union entry that names its members (an array of earlier methods' labels).
    public const string OfField = "of";

    public static EraserMethod Definition { get; } = new(
        Name,
        "the span of earlier methods' directions (\"of\": their labels), orthonormalised in order and projected out together",
        [EraserOption.Switch("affine", true, "project around the mean of the rows (off: around the origin)")],
        needsConcept: true,
        fit: (_, _) => throw new InvalidOperationException("a union is made by the experiment runner from earlier methods' bases (UnionDirections)"),
        load: ProjectionEraser.Load);

    /// The union eraser of `members` (each a basis [k_i, d] fitted at this model and site) around
    /// `centre`. The tensors belong to the caller's dispose scope.
    public static ProjectionEraser Of(IReadOnlyList<FittedDirections> members, Tensor centre, EraserOptions options)
    {
        if (members.Count == 0) throw new ArgumentException("a union needs members", nameof(members));
        long d = members[0].D;
        var rows = members.SelectMany(m => m.Directions).ToArray();
        long k = members.Sum(m => m.K);
        if (k == 0) throw new HarnessException($"method {Name}: its members ({string.Join(", ", members.Select(m => m.Label))}) found no direction");
        var basis = Subspace.OrthonormalRows(tensor(rows, [k, d], ScalarType.Float64), relativeTolerance: 1e-6);
        var at = options.Bool("affine") ? centre.to_type(ScalarType.Float64) : zeros(d, ScalarType.Float64);
        return new ProjectionEraser(Name, basis, at, options.Values);
    }
}
