using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Erasure;

/// What an eraser file holds, handed to a method's loader: its tensors (float64, CPU), its options
/// (checked against the method's declared options), the dimension from its metadata, and the
/// path, so that every error names the file.
public sealed class EraserState
{
    private readonly IReadOnlyDictionary<string, Tensor> _tensors;

    internal EraserState(string path, EraserMethod method, long dimension, IReadOnlyDictionary<string, Tensor> tensors,
        IReadOnlyDictionary<string, string> metadata)
    {
        Path = path; Method = method; Dimension = dimension; _tensors = tensors; Metadata = metadata;
        Options = EraserOptions.FromMetadata(method, metadata, path);
    }

    public string Path { get; }
    public EraserMethod Method { get; }
    /// The dimension d the eraser was fitted on (from the metadata).
    public long Dimension { get; }
    public EraserOptions Options { get; }
    /// Every stored tensor as read, for loaders that validate their own state.
    public IReadOnlyDictionary<string, Tensor> Tensors => _tensors;
    /// Every metadata entry, for loaders that keep more than options (e.g. "concept").
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// A stored tensor as float64, checked against a shape in which -1 means "any size" and
    /// "d" is the eraser's dimension (pass Dim for it).
    public Tensor Tensor(string name, params long[] shape) =>
        OptionalTensor(name, shape) ?? throw new HarnessException($"{Path}: no tensor named '{name}' (a {Method.Name} eraser needs it)");

    /// Like Tensor, but null when the file has no such tensor.
    public Tensor? OptionalTensor(string name, params long[] shape)
    {
        if (!_tensors.TryGetValue(name, out var t)) return null;
        var expected = shape.Select(s => s == Dim ? Dimension : s).ToArray();
        bool ok = t.dim() == expected.Length && expected.Zip(t.shape).All(p => p.First < 0 || p.First == p.Second);
        if (!ok)
            throw new HarnessException($"{Path}: tensor '{name}' has shape [{string.Join(", ", t.shape)}], expected [{string.Join(", ", expected.Select(s => s < 0 ? "*" : s.ToString()))}]");
        if (t.dtype is not (ScalarType.Float32 or ScalarType.Float64))
            throw new HarnessException($"{Path}: tensor '{name}' is {Concept.DtypeName(t.dtype)}, expected float64");
        if (!t.isfinite().all().item<bool>())
            throw new HarnessException($"{Path}: tensor '{name}' holds NaN or infinite values");
        return t.to_type(ScalarType.Float64, copy: true);
    }

    /// A metadata value that is not an option (e.g. "concept"), or an error naming the key.
    public string MetadataValue(string key) =>
        Metadata.TryGetValue(key, out var v) ? v : throw new HarnessException($"{Path}: metadata has no '{key}' (a {Method.Name} eraser needs it)");

    /// Stands for the eraser's dimension in the shapes given to Tensor().
    public const long Dim = long.MinValue;

    /// An error about this file, for loaders: "{path}: {message}".
    public HarnessException Error(string message) => new($"{Path}: {message}");
}
