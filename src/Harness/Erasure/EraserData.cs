using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Erasure;

/// The rows an eraser is fitted on, checked once: activations x [n, d] (float32 or float64, finite,
/// at least two rows) and, optionally, the concept z row for row: integer class labels [n] (int64 or
/// int32, 0..k-1 with every class present and at least two classes) or float values [n] / [n, k]
/// (no column constant).
/// Every error names the input at fault by the names given (file paths on the command line).
public sealed class EraserData
{
    public EraserData(Tensor x, Tensor? z = null, string xName = "x", string zName = "z")
    {
        XName = xName;
        ZName = zName;
        if (x.dtype is not (ScalarType.Float32 or ScalarType.Float64) || x.dim() != 2)
            throw new HarnessException($"{xName}: expected a float32 or float64 matrix [rows, dimension], got {Concept.Describe(x)}");
        if (x.shape[0] < 2)
            throw new HarnessException($"{xName}: needs at least 2 rows to fit an eraser, got {x.shape[0]}");
        if (x.shape[1] < 1)
            throw new HarnessException($"{xName}: rows have dimension 0");
        CheckFinite(x, xName);
        X = x;
        if (z is null) return;

        if (z.shape.Length == 0 || z.shape[0] != x.shape[0])
            throw new HarnessException($"{zName} has {(z.shape.Length == 0 ? 0 : z.shape[0])} rows but {xName} has {x.shape[0]}; they must match row for row");
        Z = z;
        if (z.dtype is ScalarType.Int64 or ScalarType.Int32)
            Concept = Concept.Labels(CheckLabels(z, zName));
        else if (z.dtype is ScalarType.Float32 or ScalarType.Float64 && z.dim() is 1 or 2)
        {
            CheckFinite(z, zName);
            CheckNotConstant(z, zName);
            Concept = Concept.Continuous(z.dim() == 1 ? 1 : (int)z.shape[1]);
        }
        else
            throw new HarnessException($"{zName}: expected integer class labels [rows] (int64 or int32) or float concept values [rows] or [rows, k], got {Concept.Describe(z)}");
    }

    public Tensor X { get; }
    public Tensor? Z { get; }
    public string XName { get; }
    public string ZName { get; }
    public long Rows => X.shape[0];
    public long Dimension => X.shape[1];

    /// What z is (null when there is none).
    public Concept? Concept { get; }

    /// z encoded as float64 [n, columns] (see Concept); an error if the method needs z and has none.
    public Tensor EncodedConcept(string method)
    {
        var concept = RequireConcept(method);
        return concept.Encode(Z!, ZName);
    }

    /// The concept, or an error naming the method that needs it.
    public Concept RequireConcept(string method) =>
        Concept ?? throw new HarnessException($"method {method} needs the concept z (labels or values) besides {XName}");

    /// The class labels as int64 [n] and the number of classes; an error if z is not labels.
    public (Tensor Labels, int Classes) RequireLabels(string method)
    {
        var concept = RequireConcept(method);
        if (!concept.IsLabels)
            throw new HarnessException($"{ZName}: method {method} needs integer class labels (int64 or int32), got float values");
        return (Z!.to_type(ScalarType.Int64), concept.Size);
    }

    /// An error naming the first row that holds a NaN or an infinite value.
    internal static void CheckFinite(Tensor t, string name)
    {
        using var scope = NewDisposeScope();
        var finite = t.isfinite();
        if (finite.all().item<bool>()) return;
        var rowsOk = t.dim() > 1 ? finite.reshape(t.shape[0], -1).all(1) : finite;
        long row = rowsOk.logical_not().nonzero()[0, 0].item<long>();
        throw new HarnessException($"{name}: row {row} holds a NaN or infinite value");
    }

    /// A continuous concept column with one value for every row has no covariance with anything:
    /// an eraser fitted on it would erase nothing, silently. Refused, naming the column.
    private static void CheckNotConstant(Tensor z, string name)
    {
        using var scope = NewDisposeScope();
        var columns = z.dim() == 1 ? z.unsqueeze(1) : z;
        var constant = (columns.amax(0) == columns.amin(0)).nonzero();
        if (constant.shape[0] == 0) return;
        long column = constant[0, 0].item<long>();
        double value = columns[0, column].to_type(ScalarType.Float64).item<double>();
        var where = z.dim() == 1 ? "every row has" : $"column {column} has, in every row,";
        throw new HarnessException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{name}: {where} the value {value:G6}; a constant concept gives nothing to erase"));
    }

    /// Checks integer labels (1-D, 0..k-1, each class present, k >= 2); returns k.
    private static int CheckLabels(Tensor z, string name)
    {
        if (z.dim() != 1)
            throw new HarnessException($"{name}: integer class labels must be a vector [rows], got {Concept.Describe(z)}");
        using var scope = NewDisposeScope();
        var labels = z.to_type(ScalarType.Int64);
        long min = labels.min().item<long>();
        if (min < 0)
        {
            long row = (labels == min).nonzero()[0, 0].item<long>();
            throw new HarnessException($"{name}: label {min} at row {row}; class labels must be 0, 1, ..., k-1");
        }
        var (values, _, _) = labels.unique(sorted: true);
        long distinct = values.shape[0];
        if (distinct < 2)
            throw new HarnessException($"{name}: every row has label {values[0].item<long>()}; erasure needs at least two classes");
        var present = values.data<long>().ToArray();
        for (long c = 0; c < present.Length; c++)
            if (present[c] != c)
                throw new HarnessException($"{name}: class {c} has no rows (labels go up to {present[^1]}); class labels must be 0, 1, ..., k-1 with every class present");
        return checked((int)distinct);
    }
}
