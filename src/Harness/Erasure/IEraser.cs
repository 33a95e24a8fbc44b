using static TorchSharp.torch;

namespace Harness.Erasure;

/// A fitted, immutable eraser: applied to rows of activations x [n, d] it returns edited rows
/// [n, d] of the same dtype. Fitting happens elsewhere (a fitter per method); an eraser only
/// applies what was fitted, and can be saved and loaded (EraserFile) with its method and options.
public interface IEraser
{
    /// The method name used on the command line and in eraser files ("leace", "inlp", "rlace", ...).
    string Method { get; }

    /// The dimension d of the rows it applies to.
    long Dimension { get; }

    /// Applies the eraser to rows x [n, d]. Oracle methods need the labels z at erase time; the
    /// others ignore z.
    Tensor Apply(Tensor x, Tensor? z = null);

    /// The tensors that define the eraser, by name, for saving (float64 or float32, CPU).
    IReadOnlyDictionary<string, Tensor> State { get; }

    /// The method's options as strings, saved in the file's metadata and printed by `fit`.
    IReadOnlyDictionary<string, string> Options { get; }
}

/// An eraser (or direction finder) that acts along an explicit set of directions, so the edits of
/// the experiment runner (project around the mean or median, reflect, scale) can use it.
public interface IDirectionBasis
{
    /// Orthonormal rows spanning the concept subspace: [k, d], float64.
    Tensor Directions { get; }

    /// The centre the method erases around (the training mean for affine methods, else zeros): [d].
    Tensor Centre { get; }
}
