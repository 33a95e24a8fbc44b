using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Erasure;

/// A fitted LEACE eraser (see LeaceFitter): the affine map x -> x - proj_left proj_right (x - bias),
/// i.e. x -> bias + P (x - bias) with P = I - proj_left proj_right, a projection of rank d - r stored
/// as the two thin factors proj_left [d, r] and proj_right [r, d]. Without `affine` there is no bias
/// and the edit is linear. Immutable: it keeps its own float64 copies.
public sealed class LeaceEraser : IEraser, IDirectionBasis
{
    public const string Name = "leace";

    /// The registry entry (EraserMethods) of LEACE.
    public static EraserMethod Definition { get; } = new(
        Name,
        "LEACE: least-squares linear concept erasure in closed form (Belrose et al. 2023), as EleutherAI's concept-erasure",
        LeaceOptions.Declared,
        needsConcept: true,
        fit: (data, options) => LeaceFitter.Fit(data, LeaceOptions.From(options)),
        load: Load);

    private Tensor? _directions;

    public LeaceEraser(Tensor projLeft, Tensor projRight, Tensor? bias, LeaceOptions options)
    {
        long d = projLeft.shape[0];
        if (projLeft.dim() != 2 || projRight.dim() != 2 || projRight.shape[1] != d || projRight.shape[0] != projLeft.shape[1])
            throw new ArgumentException($"proj_left [{string.Join(", ", projLeft.shape)}] and proj_right [{string.Join(", ", projRight.shape)}] do not fit together");
        if (bias is not null && (bias.dim() != 1 || bias.shape[0] != d))
            throw new ArgumentException($"bias must be [{d}], got [{string.Join(", ", bias.shape)}]", nameof(bias));
        if (options.Affine != bias is not null)
            throw new ArgumentException("an affine LEACE eraser has a bias, a linear one has none", nameof(bias));
        ProjLeft = Own(projLeft);
        ProjRight = Own(projRight);
        Bias = bias is null ? null : Own(bias);
        Settings = options;
    }

    /// <summary>
    /// Fits LEACE on rows <paramref name="x"/> [n, d] and their concept <paramref name="z"/>, as
    /// concept-erasure's <c>LeaceEraser.fit(x, z)</c>: integer labels [n] (classes 0..max, one-hot
    /// encoded; two classes give one 0/1 column) or float values [n] or [n, k]. The eraser is then
    /// applied with <see cref="Apply"/>; after it, no linear probe beats the majority rate on x.
    /// </summary>
    public static LeaceEraser Fit(Tensor x, Tensor z, LeaceOptions? options = null)
    {
        var concept = z.dtype is ScalarType.Int64 or ScalarType.Int32
            ? Concept.Labels(z.numel() == 0 ? 2 : Math.Max(2, (int)z.max().to_type(ScalarType.Int64).item<long>() + 1))
            : Concept.Continuous(z.dim() == 2 ? (int)z.shape[1] : 1);
        return new LeaceFitter(x.shape[^1], concept, options).Update(x, z).Eraser;
    }

    private static Tensor Own(Tensor t) => t.detach().to_type(ScalarType.Float64, copy: true).contiguous().DetachFromDisposeScope();

    public string Method => Name;
    public long Dimension => ProjLeft.shape[0];

    /// [d, r]
    public Tensor ProjLeft { get; }
    /// [r, d]
    public Tensor ProjRight { get; }
    /// The training mean [d] (affine), else null.
    public Tensor? Bias { get; }
    public LeaceOptions Settings { get; }

    /// The projection matrix P = I - proj_left proj_right [d, d].
    public Tensor P => eye(Dimension, dtype: ScalarType.Float64) - ProjLeft.mm(ProjRight);

    /// <summary>Erases the concept from rows x [..., d] (any float dtype; the result has x's dtype and shape).</summary>
    public Tensor Apply(Tensor x, Tensor? z = null)
    {
        using var scope = NewDisposeScope();
        var rows = Subspace.Rows(x, Dimension, Name);
        var delta = Bias is null ? rows : rows - Bias;
        var erased = rows - delta.mm(ProjRight.t()).mm(ProjLeft.t());
        return erased.reshape(x.shape).to_type(x.dtype).MoveToOuterDisposeScope();
    }

    public IReadOnlyDictionary<string, Tensor> State
    {
        get
        {
            var state = new Dictionary<string, Tensor>(StringComparer.Ordinal) { ["proj_left"] = ProjLeft, ["proj_right"] = ProjRight };
            if (Bias is not null) state["bias"] = Bias;
            return state;
        }
    }

    public IReadOnlyDictionary<string, string> Options => Settings.ToDictionary();

    /// An orthonormal basis [r, d] of the column space of proj_left: every edit x - Apply(x) lies in it.
    public Tensor Directions => _directions ??= Subspace.ColumnBasis(ProjLeft).DetachFromDisposeScope();

    /// The bias (training mean) if affine, else zeros.
    public Tensor Centre => Bias?.clone() ?? zeros(Dimension, dtype: ScalarType.Float64);

    private static LeaceEraser Load(EraserState state)
    {
        var options = LeaceOptions.From(state.Options);
        var left = state.Tensor("proj_left", EraserState.Dim, -1);
        var right = state.Tensor("proj_right", left.shape[1], EraserState.Dim);
        var bias = state.OptionalTensor("bias", EraserState.Dim);
        if (options.Affine && bias is null) throw state.Error("affine LEACE eraser has no tensor 'bias'");
        if (!options.Affine && bias is not null) throw state.Error("LEACE eraser with affine=false has a tensor 'bias'");
        return new LeaceEraser(left, right, bias, options);
    }
}
