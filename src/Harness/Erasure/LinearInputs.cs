using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Erasure;

/// Input checks and small helpers shared by the linear methods (logistic regression, probe, INLP,
/// RLACE). Every check throws a one-line HarnessException that names the argument at fault.
internal static class LinearInputs
{
    /// Checks that x is a 2-D floating-point matrix [n, d] with n >= 1, d >= 1 and only finite
    /// values.
    public static void CheckMatrix(Tensor x, string name)
    {
        if (x.dim() != 2)
            throw new HarnessException($"{name}: expected a 2-D matrix [rows, dimension], got shape [{string.Join(", ", x.shape)}]");
        if (!x.is_floating_point())
            throw new HarnessException($"{name}: expected float32 or float64 values, got {x.dtype}");
        if (x.shape[0] < 1 || x.shape[1] < 1)
            throw new HarnessException($"{name}: empty matrix of shape [{x.shape[0]}, {x.shape[1]}]");
        using var scope = NewDisposeScope();
        var bad = x.isfinite().logical_not().any(1);
        if (bad.any().item<bool>())
        {
            var row = bad.nonzero()[0, 0].item<long>();
            throw new HarnessException($"{name}: contains NaN or infinite values (first at row {row})");
        }
    }

    /// Checks labels [n] (integer class ids, n equal to the row count of the matrix called
    /// matrixName) and returns them as a managed array.
    public static long[] CheckLabels(Tensor labels, long rows, string name, string matrixName)
    {
        if (labels.dim() != 1)
            throw new HarnessException($"{name}: expected a 1-D vector of class labels, got shape [{string.Join(", ", labels.shape)}]");
        if (labels.dtype is not (ScalarType.Int64 or ScalarType.Int32 or ScalarType.Int16 or ScalarType.Int8 or ScalarType.Byte))
            throw new HarnessException($"{name}: expected integer class labels (int64), got {labels.dtype}");
        if (labels.shape[0] != rows)
            throw new HarnessException($"{name}: has {labels.shape[0]} labels but {matrixName} has {rows} rows; they must match");
        using var scope = NewDisposeScope();
        return labels.to_type(ScalarType.Int64).cpu().contiguous().data<long>().ToArray();
    }

    /// Checks a label vector on its own (integer class ids) and returns it as a managed array.
    public static long[] CheckLabels(Tensor labels, string name) =>
        CheckLabels(labels, labels.dim() == 1 ? labels.shape[0] : -1, name, name);

    /// Checks that the labels hold at least two classes and returns the sorted distinct classes.
    public static long[] CheckClasses(long[] labels, string name)
    {
        var classes = labels.Distinct().Order().ToArray();
        if (classes.Length < 2)
            throw new HarnessException(classes.Length == 0
                ? $"{name}: no labels"
                : $"{name}: only one class ({classes[0]}) is present; a classifier needs at least two");
        return classes;
    }

    /// Checks x [n, d] and its labels z [n] together; returns the managed labels and sorted classes.
    public static (long[] Labels, long[] Classes) CheckFitInputs(Tensor x, Tensor z, string xName = "x", string zName = "z")
    {
        CheckMatrix(x, xName);
        var labels = CheckLabels(z, x.shape[0], zName, xName);
        return (labels, CheckClasses(labels, zName));
    }

    /// Checks a development (held-out) set given together with a training matrix of dimension d.
    public static long[] CheckDevInputs(Tensor? xDev, Tensor? zDev, long d, string xName = "xDev", string zName = "zDev")
    {
        if (xDev is null || zDev is null)
            throw new HarnessException($"{(xDev is null ? xName : zName)}: give both {xName} and {zName}, or neither");
        CheckMatrix(xDev, xName);
        if (xDev.shape[1] != d)
            throw new HarnessException($"{xName}: has dimension {xDev.shape[1]} but the training rows have dimension {d}");
        return CheckLabels(zDev, xDev.shape[0], zName, xName);
    }

    /// Fraction of the test labels equal to the most frequent training label (the accuracy of the
    /// constant majority-class predictor); ties go to the smallest label.
    public static double MajorityBaseline(long[] train, long[] test)
    {
        if (test.Length == 0) return double.NaN;
        var majority = MajorityLabel(train);
        return test.Count(v => v == majority) / (double)test.Length;
    }

    /// The most frequent label (ties: the smallest).
    public static long MajorityLabel(long[] train) =>
        train.GroupBy(v => v).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key;

    /// A seeded, stratified split of row indices: about `fraction` of each class goes to the test
    /// part (at least one row of any class with two or more rows, while at least one stays in
    /// training). Indices are returned in increasing order.
    public static (long[] Train, long[] Test) StratifiedSplit(long[] labels, double fraction, int seed)
    {
        var rng = new Random(seed);
        var train = new List<long>();
        var test = new List<long>();
        foreach (var group in Enumerable.Range(0, labels.Length).GroupBy(i => labels[i]).OrderBy(g => g.Key))
        {
            var idx = group.ToArray();
            for (int i = idx.Length - 1; i > 0; i--)
            {
                int j = rng.Next(i + 1);
                (idx[i], idx[j]) = (idx[j], idx[i]);
            }
            int nTest = fraction <= 0 ? 0 : (int)Math.Round(fraction * idx.Length);
            if (fraction > 0 && idx.Length >= 2) nTest = Math.Clamp(nTest, 1, idx.Length - 1);
            else nTest = Math.Min(nTest, idx.Length - 1);
            test.AddRange(idx.Take(nTest).Select(i => (long)i));
            train.AddRange(idx.Skip(nTest).Select(i => (long)i));
        }
        train.Sort();
        test.Sort();
        return (train.ToArray(), test.ToArray());
    }

    /// Orthonormal rows [r, d] spanning the row space of m [k, d] (float64), from its SVD; singular
    /// values below relativeTolerance * max(k, d) * s_max count as zero (as scipy.linalg.orth).
    /// The sign of each row is fixed so that its largest-magnitude entry is positive.
    public static Tensor OrthonormalRowBasis(Tensor m, double relativeTolerance = 1e-12)
    {
        using var scope = NewDisposeScope();
        var a = m.to_type(ScalarType.Float64);
        if (a.shape[0] == 0) return zeros(0, a.shape[1], dtype: ScalarType.Float64).MoveToOuterDisposeScope();
        var (_, s, vh) = linalg.svd(a, fullMatrices: false);
        var sv = s.data<double>().ToArray();
        double cut = sv.Length == 0 ? 0 : sv[0] * relativeTolerance * Math.Max(a.shape[0], a.shape[1]);
        int r = sv.Count(v => v > cut && v > 0);
        var basis = vh[..r];
        if (r > 0)
        {
            var pivot = basis.abs().argmax(1, keepdim: true);
            var signs = basis.gather(1, pivot).sign();
            signs = where(signs == 0, ones_like(signs), signs);
            basis = basis * signs;
        }
        return basis.contiguous().MoveToOuterDisposeScope();
    }

    /// x - (x U^T) U: removes the span of the orthonormal rows U [k, d] from the rows of x,
    /// through the origin, computed in float64 and returned in x's dtype.
    public static Tensor ProjectOut(Tensor x, Tensor directions)
    {
        using var scope = NewDisposeScope();
        var x64 = x.to_type(ScalarType.Float64);
        var u = directions.to_type(ScalarType.Float64);
        var result = u.shape[0] == 0 ? x64 : x64 - x64.matmul(u.T).matmul(u);
        return result.to_type(x.dtype).MoveToOuterDisposeScope();
    }

    /// I - U^T U [d, d] for orthonormal rows U [k, d].
    public static Tensor NullspaceProjection(Tensor directions)
    {
        using var scope = NewDisposeScope();
        var u = directions.to_type(ScalarType.Float64);
        return (eye(u.shape[1], dtype: ScalarType.Float64) - u.T.matmul(u)).MoveToOuterDisposeScope();
    }

    /// Checks an eraser's input rows x [n, d] at Apply time.
    public static void CheckApplyInput(Tensor x, long d)
    {
        if (x.dim() != 2 || x.shape[1] != d)
            throw new HarnessException($"x: expected rows of dimension {d} (shape [n, {d}]), got shape [{string.Join(", ", x.shape)}]");
        if (!x.is_floating_point())
            throw new HarnessException($"x: expected float32 or float64 values, got {x.dtype}");
    }

    /// Reads the float64 "directions" tensor [k, d] of a saved eraser and checks it.
    public static Tensor ReadDirections(IReadOnlyDictionary<string, Tensor> state, string method)
    {
        if (!state.TryGetValue("directions", out var u))
            throw new HarnessException($"state: the {method} eraser needs a 'directions' tensor");
        if (u.dim() != 2 || u.shape[1] < 1)
            throw new HarnessException($"state: '{method}' directions must be a matrix [k, d], got shape [{string.Join(", ", u.shape)}]");
        if (!u.is_floating_point())
            throw new HarnessException($"state: '{method}' directions must be float32 or float64, got {u.dtype}");
        using var scope = NewDisposeScope();
        var u64 = u.to_type(ScalarType.Float64).cpu();
        if (!u64.isfinite().all().item<bool>())
            throw new HarnessException($"state: '{method}' directions contain NaN or infinite values");
        var gram = u64.matmul(u64.T);
        var err = u64.shape[0] == 0 ? 0 : (gram - eye(u64.shape[0], dtype: ScalarType.Float64)).abs().max().item<double>();
        if (err > 1e-6)
            throw new HarnessException($"state: '{method}' directions are not orthonormal rows (max |U U^T - I| = {err.ToString("G3", CultureInfo.InvariantCulture)})");
        return u64.clone().MoveToOuterDisposeScope();
    }

    // Option strings: invariant culture, round-trippable.
    public static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
    public static string Format(int v) => v.ToString(CultureInfo.InvariantCulture);
}
