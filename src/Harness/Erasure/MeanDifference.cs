using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Erasure;

/// The difference of class means as the concept direction: for two classes the unit vector along
/// mean(class 1) - mean(class 0); for k classes the Gram-Schmidt orthonormalisation of
/// mean(class c) - mean(class 0), c = 1..k-1, in that order (differences already spanned are
/// dropped). Erased by orthogonal projection around the mean of all rows (`affine`, the default)
/// or around the origin. Afterwards every class has the same mean along the directions, so the class
/// means agree (around the mean; around the origin the class means keep their common offset).
public static class MeanDifference
{
    public const string Name = "mean-diff";

    public static IReadOnlyList<EraserOption> Declared { get; } = new[]
    {
        EraserOption.Switch("affine", true, "project around the mean of the rows (off: around the origin)"),
    };

    public static EraserMethod Definition { get; } = new(
        Name,
        "difference of class means (normalised; k classes: orthonormalised differences from class 0), erased by projection",
        Declared,
        needsConcept: true,
        fit: (data, options) => Fit(data, options.Bool("affine")),
        load: ProjectionEraser.Load);

    public static ProjectionEraser Fit(EraserData data, bool affine = true)
    {
        var (labels, classes) = data.RequireLabels(Name);
        using var scope = NewDisposeScope();
        var x = data.X.to_type(ScalarType.Float64);
        var means = new Tensor[classes];
        for (int c = 0; c < classes; c++)
            means[c] = x.index_select(0, labels.eq(c).nonzero().squeeze(1)).mean(new long[] { 0 });
        var differences = stack(means.Skip(1).Select(m => m - means[0]).ToArray());
        var directions = Subspace.OrthonormalRows(differences);
        if (directions.shape[0] == 0)
            throw new HarnessException($"{data.ZName}: the class means of {data.XName} are all equal; mean difference finds no direction");
        var centre = affine ? x.mean(new long[] { 0 }) : zeros(data.Dimension, dtype: ScalarType.Float64);
        var options = new Dictionary<string, string> { ["affine"] = affine ? "true" : "false" };
        return new ProjectionEraser(Name, directions, centre, options);
    }
}
