using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Erasure;

/// What the concept z is, and how it becomes the float matrix Z [n, columns] the erasers work on.
/// Integer class labels 0..k-1 are one-hot encoded; with two classes a single 0/1 column is used,
/// which is what EleutherAI's concept-erasure receives when handed binary labels (its README usage):
/// the erasure is the same as with a two-column one-hot (both span one direction). Continuous
/// concepts are float columns taken as they are.
public sealed record Concept
{
    private Concept(bool isLabels, int size) { IsLabels = isLabels; Size = size; }

    /// Integer class labels 0..classes-1.
    public static Concept Labels(int classes) => classes >= 2
        ? new Concept(true, classes)
        : throw new ArgumentOutOfRangeException(nameof(classes), classes, "at least two classes");

    /// A float concept of `columns` columns.
    public static Concept Continuous(int columns) => columns >= 1
        ? new Concept(false, columns)
        : throw new ArgumentOutOfRangeException(nameof(columns), columns, "at least one column");

    public bool IsLabels { get; }

    /// The number of classes (labels) or of columns (continuous).
    public int Size { get; }

    /// Columns of the encoded matrix: 1 for two classes, k for k > 2 classes, the float columns.
    public int Columns => IsLabels && Size == 2 ? 1 : Size;

    public override string ToString() => IsLabels ? $"{Size} classes" : Size == 1 ? "1 continuous column" : $"{Size} continuous columns";

    /// The metadata form: "labels:3" or "continuous:2".
    public string ToMetadata() => (IsLabels ? "labels:" : "continuous:") + Size.ToString(CultureInfo.InvariantCulture);

    /// Parses ToMetadata's form; null if it is not one.
    public static Concept? FromMetadata(string text)
    {
        var parts = text.Split(':');
        if (parts.Length != 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size)) return null;
        return parts[0] switch
        {
            "labels" when size >= 2 => Labels(size),
            "continuous" when size >= 1 => Continuous(size),
            _ => null,
        };
    }

    /// Checks z against this concept and encodes it as float64 [n, Columns]. `name` names z in
    /// errors (a file path on the command line).
    public Tensor Encode(Tensor z, string name = "z")
    {
        if (IsLabels)
        {
            if (z.dtype is not (ScalarType.Int64 or ScalarType.Int32) || z.dim() != 1)
                throw new HarnessException($"{name}: expected integer class labels [rows] (int64 or int32) for a concept of {this}, got {Describe(z)}");
            using var scope = NewDisposeScope();
            var labels = z.to_type(ScalarType.Int64);
            if (labels.numel() > 0)
            {
                long min = labels.min().item<long>(), max = labels.max().item<long>();
                if (min < 0 || max >= Size)
                {
                    long bad = min < 0 ? min : max;
                    long row = (labels == bad).nonzero()[0, 0].item<long>();
                    throw new HarnessException($"{name}: label {bad} at row {row} is outside 0..{Size - 1} ({this})");
                }
            }
            var encoded = Size == 2
                ? labels.eq(1).to_type(ScalarType.Float64).unsqueeze(1)
                : nn.functional.one_hot(labels, Size).to_type(ScalarType.Float64);
            return encoded.MoveToOuterDisposeScope();
        }
        if (z.dtype is not (ScalarType.Float32 or ScalarType.Float64) || z.dim() is not (1 or 2))
            throw new HarnessException($"{name}: expected float concept values [rows] or [rows, {Size}], got {Describe(z)}");
        long columns = z.dim() == 1 ? 1 : z.shape[1];
        if (columns != Size)
            throw new HarnessException($"{name}: expected {Size} concept column(s), got {columns}");
        EraserData.CheckFinite(z, name);
        return z.reshape(z.shape[0], Size).to_type(ScalarType.Float64);
    }

    internal static string Describe(Tensor t) =>
        $"{DtypeName(t.dtype)} [{string.Join(", ", t.shape)}]";

    internal static string DtypeName(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "float32", ScalarType.Float64 => "float64", ScalarType.Float16 => "float16",
        ScalarType.BFloat16 => "bfloat16", ScalarType.Int64 => "int64", ScalarType.Int32 => "int32",
        ScalarType.Int16 => "int16", ScalarType.Int8 => "int8", ScalarType.Byte => "uint8", ScalarType.Bool => "bool",
        _ => dtype.ToString(),
    };
}
