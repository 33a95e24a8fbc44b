using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Edits;

/// AlterRep (Ravfogel, Prasad, Linzen & Goldberg, CoNLL 2021, "Counterfactual Interventions Reveal
/// the Causal Effect of Relative Clause Representations on Agreement Prediction", arXiv:2105.06965;
/// the paper Shauli Ravfogel points to in the thread). Given linear classifier directions W
/// (rows w_i, normalised to unit length), a representation h is split into its nullspace part h_N
/// (orthogonal to every w_i, what the classifiers cannot see) and its rowspace part, and the
/// rowspace part is replaced by a counterfactual that puts h on one chosen side of every classifier,
/// at the distance it already had:
///
///     h' = h_N + sum_i alpha * sign * |w_i . h| w_i
///
/// sign = +1 pushes to the positive class of every classifier, -1 to the negative one; alpha = 0 is
/// the "amnesic" plain nullspace projection. This follows the public AlterRep hooks built on the
/// authors' INLP code: signs = sign(h W^T); proj = (h W^T) * (+/-signs) = +/-|W h|;
/// h_alter = h P_N + |alpha| proj W, with W's rows normalised and P_N the projection onto the
/// nullspace of all rows. There, alpha's own sign picks the side; here sign does and alpha >= 0.
///
/// There is no centre: the classifiers' biases are dropped, as in the reference. When the rows of W
/// are orthogonal (INLP's are by construction; any IDirectionBasis is) the edit gives exactly
/// w_i . h' = alpha * sign * |w_i . h|. With correlated rows the sum of rank-1 terms overlaps and
/// that equality only holds approximately, exactly as in the reference.
public sealed class AlterRepEdit : IEdit
{
    private readonly Tensor _classifiers;   // [k, d] float64, unit rows
    private readonly Tensor _rowspace;      // [r, d] float64, orthonormal basis of span(W)

    public string Name { get; }
    public long Dimension { get; }
    public double Alpha { get; }
    public int Sign { get; }

    public AlterRepEdit(Tensor classifierDirections, double alpha, int sign, string? name = null)
    {
        if (!double.IsFinite(alpha) || alpha < 0)
            throw new UsageException($"alterrep: alpha must be a finite number >= 0 (sign picks the side), got {alpha}");
        if (sign is not (1 or -1))
            throw new UsageException($"alterrep: sign must be 1 or -1, got {sign}");
        using (NewDisposeScope())
        {
            var W = classifierDirections.dim() == 1 ? classifierDirections.unsqueeze(0) : classifierDirections;
            if (W.dim() != 2 || W.shape[0] < 1)
                throw new HarnessException($"alterrep: classifier directions must be [k, d], got shape {Shape.Text(classifierDirections.shape)}");
            if (!W.is_floating_point())
                throw new HarnessException($"alterrep: classifier directions must be floating point, got {W.dtype}");
            ActivationRows.RequireFinite(W, "alterrep: classifier directions");
            W = W.detach().to_type(ScalarType.Float64);
            var norms = W.norm(1, keepdim: true);                              // [k, 1]
            if (norms.min().item<double>() <= 1e-12)
                throw new HarnessException("alterrep: a classifier direction has zero length");
            W = W / norms;
            // Orthonormal basis of the rowspace from the SVD, dropping numerically null singular
            // values, so that h_N = h - (h Q^T) Q is the nullspace projection even when rows repeat.
            var (_, S, Vh) = linalg.svd(W, fullMatrices: false);
            long rank = (S > S.max() * 1e-10).sum().item<long>();
            _classifiers = ActivationRows.Keep(W);
            _rowspace = ActivationRows.Keep(Vh[TensorIndex.Slice(0, rank)]);
            Dimension = W.shape[1];
        }
        Alpha = alpha;
        Sign = sign;
        Name = name ?? $"alterrep(alpha={alpha.ToString(CultureInfo.InvariantCulture)}, sign={sign})";
    }

    /// The normalised classifier directions [k, d] (float64), owned by the edit.
    public Tensor Classifiers => _classifiers;

    public Tensor Apply(Tensor v)
    {
        using var scope = NewDisposeScope();
        var h = ActivationRows.ToRows(v, Dimension, Name);
        var W = _classifiers.to(h.device);
        var Q = _rowspace.to(h.device);
        var nullspacePart = h - h.mm(Q.t()).mm(Q);
        var counterfactual = (Alpha * Sign) * h.mm(W.t()).abs().mm(W);   // sum_i alpha s |w_i.h| w_i
        return ActivationRows.FromRows(nullspacePart + counterfactual, v).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        _classifiers.Dispose();
        _rowspace.Dispose();
    }
}
