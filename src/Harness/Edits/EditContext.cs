using Harness.Erasure;
using static TorchSharp.torch;

namespace Harness.Edits;

/// What an edit spec is built against: the direction basis and its fitted centre, the training
/// activations the mean/median centres come from, the eraser (for "erase"), a steering vector (for
/// "add") and classifier directions (for "alterrep"). Only the parts an edit needs must be set;
/// EditSpec.Build names whatever is missing. The context borrows its tensors; it owns nothing.
public sealed record EditContext
{
    /// Orthonormal rows [k, d] (an IDirectionBasis's Directions).
    public Tensor? Directions { get; init; }

    /// The centre the direction finder fitted [d] (IDirectionBasis.Centre), for centre "basis".
    public Tensor? BasisCentre { get; init; }

    /// Training activations [n, d] at the edited site, for centres "mean" and "median".
    public Tensor? TrainingActivations { get; init; }

    /// The fitted eraser, for "erase".
    public IEraser? Eraser { get; init; }

    /// The vector u [d] of "add"; when unset, a basis with exactly one direction supplies it.
    public Tensor? SteeringVector { get; init; }

    /// Classifier directions [k, d] for "alterrep" (need not be orthonormal, rows are normalised);
    /// when unset, the basis directions are used.
    public Tensor? ClassifierDirections { get; init; }

    /// A context from a fitted eraser: its directions and centre too when it is an IDirectionBasis.
    public static EditContext For(IEraser eraser, Tensor? trainingActivations = null) => new()
    {
        Eraser = eraser,
        Directions = (eraser as IDirectionBasis)?.Directions,
        BasisCentre = (eraser as IDirectionBasis)?.Centre,
        TrainingActivations = trainingActivations,
    };

    /// A context from a direction basis (a direction finder that is not an eraser).
    public static EditContext For(IDirectionBasis basis, Tensor? trainingActivations = null) => new()
    {
        Eraser = basis as IEraser,
        Directions = basis.Directions,
        BasisCentre = basis.Centre,
        TrainingActivations = trainingActivations,
    };

    /// The centre of the given kind for these directions, float64 [d] in the current dispose scope.
    public Tensor ResolveCentre(CentreKind kind, Tensor directions, string edit) => kind switch
    {
        CentreKind.Basis => BasisCentre is null
            ? throw new HarnessException($"edit '{edit}': centre 'basis' needs the fitted basis centre (none was given)")
            : BasisCentre.detach().to_type(ScalarType.Float64),
        CentreKind.Mean or CentreKind.Median when TrainingActivations is null =>
            throw new HarnessException($"edit '{edit}': centre '{kind.ToString().ToLowerInvariant()}' needs training activations (none were given)"),
        _ => Centre.Compute(kind, TrainingActivations, directions),
    };
}
