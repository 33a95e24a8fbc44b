using Harness.Erasure;
using Harness.IO;
using Harness.Models;
using static TorchSharp.torch;

namespace Harness.Experiments;

/// Bring your own direction: `{"method": "file", "path": "d.npy"}` tests a direction found elsewhere
/// (a notebook, another library) with every edit, metric and null of the harness. The path is
/// relative to the spec's folder. It reads:
///   - a `.npy` of shape [d] or [k, d] (any float dtype): the rows are orthonormalised in order
///     (Gram-Schmidt), and rows that are not linearly independent are an error; the edits' centre
///     is the mean of the concept's training activations, as for the other found directions;
///   - a `.safetensors` with a `directions` tensor [k, d] (this harness's `directions/` files, or any
///     file laid out that way), orthonormalised the same way, centred the same way;
///   - a `.safetensors` with concept-erasure's LeaceEraser fields `proj_left` [d, r], `proj_right`
///     [r, d] and optionally `bias` [d] (x -> x - proj_left proj_right (x - bias)): that eraser,
///     exactly, as the harness's LEACE eraser;
///   - an eraser file this harness's `fit` wrote (its metadata names the method): that eraser.
/// The dimension must be the site's.
public static class FileDirection
{
    public const string Name = "file";

    public static EraserMethod Definition { get; } = new(
        Name,
        "directions read from a file: a .npy [d] or [k, d], a safetensors with 'directions' [k, d] (a run's directions/ file), concept-erasure's LeaceEraser fields (proj_left, proj_right, bias), or a harness eraser file",
        [EraserOption.Text("path", "the file, relative to the spec's folder")],
        needsConcept: true,
        fit: (_, _) => throw new InvalidOperationException("a file's directions are read by the experiment runner (FileDirection)"),
        load: ProjectionEraser.Load);

    /// The file a method entry names, resolved against the spec's folder; an error naming the spec
    /// and entry when it is missing.
    public static string Resolve(string specFile, string place, EraserOptions options)
    {
        var given = options.Text("path");
        if (given.Length == 0) throw new UsageException($"{specFile}: {place}: method {Name} needs \"path\" (a .npy or .safetensors file)");
        var folder = Path.GetDirectoryName(Path.GetFullPath(specFile)) ?? ".";
        var path = Path.GetFullPath(Path.Combine(folder, Paths.ExpandHome(given)));
        if (!File.Exists(path)) throw new UsageException($"{specFile}: {place}.path: no file {path}");
        return path;
    }

    /// The eraser the file describes at a site of dimension `dimension`; `centre` [d] (the mean of
    /// the training activations) is the origin of a plain basis.
    public static IEraser Load(string path, long dimension, Tensor centre, EraserOptions options)
    {
        if (path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
            return Basis(path, Npy.Read(path), dimension, centre, options, "the array");
        if (!path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
            throw new HarnessException($"{path}: expected a .npy or .safetensors file");
        var header = Safetensors.ReadHeader(path);
        // An eraser file names its method and no site; a run's directions/ file names both.
        if (header.Metadata.ContainsKey("method") && !header.Metadata.ContainsKey("site"))
            return EraserFile.Load(path, expectedDimension: dimension);
        var names = header.Entries.Keys.ToHashSet(StringComparer.Ordinal);
        if (names.Contains("directions"))
            return Basis(path, Safetensors.ReadTensor(header, "directions"), dimension, centre, options, "tensor 'directions'");
        if (names.Contains("proj_left") && names.Contains("proj_right"))
            return Leace(path, header, dimension);
        throw new HarnessException($"{path}: has neither 'directions' nor concept-erasure's 'proj_left' and 'proj_right' (tensors: {string.Join(", ", names.Order(StringComparer.Ordinal))})");
    }

    private static ProjectionEraser Basis(string path, Tensor raw, long dimension, Tensor centre, EraserOptions options, string what)
    {
        using var scope = NewDisposeScope();
        if (!raw.is_floating_point()) throw new HarnessException($"{path}: {what} has dtype {raw.dtype}, expected floats");
        var rows = raw.dim() switch
        {
            1 => raw.unsqueeze(0),
            2 => raw,
            _ => throw new HarnessException($"{path}: {what} has shape [{string.Join(", ", raw.shape)}], expected [d] or [k, d]"),
        };
        if (rows.shape[1] != dimension)
            throw new HarnessException($"{path}: {what} has dimension {rows.shape[1]}, the site has {dimension}");
        if (rows.shape[0] == 0) throw new HarnessException($"{path}: {what} has no rows");
        rows = rows.to_type(ScalarType.Float64);
        if (!isfinite(rows).all().item<bool>()) throw new HarnessException($"{path}: {what} has a NaN or infinite entry");
        // Relative 1e-6: a row within a millionth of the span of the earlier rows adds no direction.
        var basis = Subspace.OrthonormalRows(rows, relativeTolerance: 1e-6);
        if (basis.shape[0] < rows.shape[0])
            throw new HarnessException($"{path}: the {rows.shape[0]} rows of {what} are not linearly independent (they span {basis.shape[0]} directions)");
        return new ProjectionEraser(Name, basis, centre, options.Values);
    }

    private static LeaceEraser Leace(string path, SafetensorsHeader header, long dimension)
    {
        using var scope = NewDisposeScope();
        var left = Safetensors.ReadTensor(header, "proj_left");
        var right = Safetensors.ReadTensor(header, "proj_right");
        var bias = header.Entries.ContainsKey("bias") ? Safetensors.ReadTensor(header, "bias") : null;
        if (left.dim() != 2 || right.dim() != 2 || left.shape[0] != dimension || right.shape[1] != dimension || left.shape[1] != right.shape[0])
            throw new HarnessException($"{path}: proj_left [{string.Join(", ", left.shape)}] and proj_right [{string.Join(", ", right.shape)}] must be [{dimension}, r] and [r, {dimension}] for this site");
        if (bias is not null && (bias.dim() != 1 || bias.shape[0] != dimension))
            throw new HarnessException($"{path}: bias has shape [{string.Join(", ", bias.shape)}], expected [{dimension}]");
        return new LeaceEraser(left, right, bias, new LeaceOptions { Affine = bias is not null });
    }
}
