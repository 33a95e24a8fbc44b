using System.Globalization;
using Harness.IO;
using static TorchSharp.torch;

namespace Harness.Erasure;

/// Fitted erasers on disk: a safetensors file holding the eraser's tensors, with metadata
/// {"method": ..., "dimension": ..., plus every option of the method} (all strings), so that a file
/// says what it is and how it was fitted, and Python users can read it with `safetensors`.
public static class EraserFile
{
    /// Writes the eraser (atomically: the file appears whole or not at all).
    public static void Save(string path, IEraser eraser)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["method"] = eraser.Method,
            ["dimension"] = eraser.Dimension.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in eraser.Options)
        {
            if (!metadata.TryAdd(key, value))
                throw new InvalidOperationException($"eraser {eraser.Method} has an option named '{key}', which eraser files reserve");
        }
        Safetensors.Write(path, eraser.State, metadata);
    }

    /// Reads an eraser. With expectedMethod or expectedDimension, a file of another method or
    /// dimension is an error naming the file.
    public static IEraser Load(string path, string? expectedMethod = null, long? expectedDimension = null)
    {
        var tensors = Safetensors.ReadAll(path, out var metadata);
        try
        {
            if (!metadata.TryGetValue("method", out var name))
                throw new HarnessException($"{path}: not an eraser file (its safetensors metadata has no 'method')");
            var method = EraserMethods.Find(name)
                ?? throw new HarnessException($"{path}: holds a '{name}' eraser, a method this harness does not know (known: {string.Join(", ", EraserMethods.Names)})");
            if (expectedMethod is not null && expectedMethod != name)
                throw new HarnessException($"{path}: holds a {name} eraser, expected {expectedMethod}");
            if (!metadata.TryGetValue("dimension", out var dimText)
                || !long.TryParse(dimText, NumberStyles.None, CultureInfo.InvariantCulture, out var dimension) || dimension < 1)
                throw new HarnessException($"{path}: metadata 'dimension' is {(dimText is null ? "missing" : $"'{dimText}'")}, expected a positive integer");
            if (expectedDimension is not null && expectedDimension != dimension)
                throw new HarnessException($"{path}: eraser was fitted on dimension {dimension}, expected {expectedDimension}");

            var eraser = method.Load(new EraserState(path, method, dimension, tensors, metadata));
            if (eraser.Dimension != dimension)
                throw new HarnessException($"{path}: metadata says dimension {dimension} but the stored tensors have dimension {eraser.Dimension}");
            return eraser;
        }
        finally
        {
            // Loaders copy what they keep (as float64), so the raw tensors can go.
            foreach (var t in tensors.Values) t.Dispose();
        }
    }
}
