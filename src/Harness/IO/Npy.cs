using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.IO;

/// NumPy `.npy` files (format v1.0 written; v1, v2 and v3 read), little-endian, C order, with
/// float32, float64, int64 or int32 elements, so that Python users can `np.load` what the harness
/// writes and hand it matrices of their own.
public static partial class Npy
{
    private static readonly byte[] Magic = { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y' };

    private static readonly Dictionary<string, ScalarType> Dtypes = new()
    {
        ["<f4"] = ScalarType.Float32, ["<f8"] = ScalarType.Float64,
        ["<i8"] = ScalarType.Int64, ["<i4"] = ScalarType.Int32,
    };

    /// Reads a `.npy` file into a CPU tensor of its own dtype.
    public static Tensor Read(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HarnessException($"{path}: cannot read .npy file ({e.Message})");
        }
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic))
            throw new HarnessException($"{path}: not a .npy file (bad magic string)");
        int major = bytes[6];
        int headerLength, headerStart;
        switch (major)
        {
            case 1: headerLength = BitConverter.ToUInt16(bytes, 8); headerStart = 10; break;
            case 2 or 3:
                if (bytes.Length < 12) throw new HarnessException($"{path}: truncated .npy header");
                headerLength = checked((int)BitConverter.ToUInt32(bytes, 8)); headerStart = 12; break;
            default: throw new HarnessException($"{path}: unsupported .npy format version {major}");
        }
        if (headerStart + headerLength > bytes.Length)
            throw new HarnessException($"{path}: truncated .npy header");
        var header = Encoding.UTF8.GetString(bytes, headerStart, headerLength);

        var descr = DescrPattern().Match(header);
        var fortran = FortranPattern().Match(header);
        var shapeMatch = ShapePattern().Match(header);
        if (!descr.Success || !fortran.Success || !shapeMatch.Success)
            throw new HarnessException($"{path}: malformed .npy header '{header.Trim()}'");
        var dtypeName = descr.Groups[1].Value;
        if (!Dtypes.TryGetValue(dtypeName, out var dtype))
            throw new HarnessException($"{path}: unsupported .npy dtype '{dtypeName}' (use float32, float64, int64 or int32, little-endian)");
        if (fortran.Groups[1].Value == "True")
            throw new HarnessException($"{path}: Fortran-ordered .npy is not supported (save with np.ascontiguousarray)");
        var shape = shapeMatch.Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();

        long count = shape.Aggregate(1L, (a, b) => a * b);
        int dataStart = headerStart + headerLength;
        long expected = count * ElementSize(dtype);
        if (bytes.Length - dataStart != expected)
            throw new HarnessException($"{path}: data holds {bytes.Length - dataStart} bytes but shape ({string.Join(", ", shape)}) of {dtypeName} needs {expected}");

        var tensor = empty(shape, dtype);
        if (expected > 0) tensor.bytes = bytes.AsSpan(dataStart);
        return tensor;
    }

    /// Writes a tensor as `.npy` v1.0. The file appears whole or not at all: it is written beside the
    /// target and moved into place, so a failed write never leaves a truncated array behind.
    public static void Write(string path, Tensor tensor)
    {
        var dtypeName = Dtypes.FirstOrDefault(kv => kv.Value == tensor.dtype).Key
            ?? throw new HarnessException($"{path}: cannot write a {tensor.dtype} tensor as .npy (float32, float64, int64, int32 only)");
        var shape = tensor.shape;
        var shapeText = shape.Length switch
        {
            0 => "()",
            1 => $"({shape[0]},)",
            _ => "(" + string.Join(", ", shape) + ")",
        };
        var dict = $"{{'descr': '{dtypeName}', 'fortran_order': False, 'shape': {shapeText}, }}";
        // Byte for byte what NumPy's np.save writes (numpy/lib/format.py): the dict, then spare
        // spaces so the header can later hold a longer first axis (21 digits in all), then spaces
        // and a newline so that magic + version + length + header is a multiple of 64 bytes (NumPy
        // pads with 1 to 64 spaces: a full 64 when already aligned).
        if (shape.Length > 0) dict += new string(' ', Math.Max(0, 21 - shape[0].ToString(System.Globalization.CultureInfo.InvariantCulture).Length));
        int unpadded = 10 + dict.Length + 1;
        int padding = 64 - unpadded % 64;
        var header = dict + new string(' ', padding) + "\n";
        if (header.Length > ushort.MaxValue)
            throw new HarnessException($"{path}: the .npy header of shape ({string.Join(", ", shape)}) is too long for format v1.0");

        using var contiguous = tensor.detach().cpu().contiguous();
        var data = contiguous.bytes.ToArray();
        AtomicFile.Write(path, stream =>
        {
            stream.Write(Magic);
            stream.WriteByte(1);
            stream.WriteByte(0);
            stream.Write(BitConverter.GetBytes((ushort)header.Length));
            stream.Write(Encoding.ASCII.GetBytes(header));
            stream.Write(data);
        });
    }

    internal static int ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        ScalarType.Int8 or ScalarType.Byte or ScalarType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")] private static partial Regex DescrPattern();
    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")] private static partial Regex FortranPattern();
    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")] private static partial Regex ShapePattern();
}
