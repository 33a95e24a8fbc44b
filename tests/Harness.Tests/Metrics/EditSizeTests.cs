using Harness.Edits;
using Harness.Metrics;
using static TorchSharp.torch;

namespace Harness.Tests.Metrics;

/// The size of an edit: ||edit(x) - x|| per activation row. For a projection of a unit direction d
/// around a centre m it is |(x - m) . d|, computed here by hand; a reflection moves every row
/// exactly twice as far; and the per-owner mean is the mean of each prompt's own rows.
public class EditSizeTests
{
    [Test]
    public void AProjectionMovesEachRowByItsComponentAndAReflectionTwiceAsFar()
    {
        using var scope = NewDisposeScope();
        var rows = randn(50, 6, generator: new Generator(4), dtype: ScalarType.Float64);
        var d = randn(1, 6, generator: new Generator(5), dtype: ScalarType.Float64);
        d = d / d.norm();
        var centre = randn(6, generator: new Generator(6), dtype: ScalarType.Float64);
        var byHand = ((rows - centre).mm(d.t())).abs().squeeze(1).data<double>().ToArray();
        using var project = ScaleEdit.Project(d, centre);
        using var reflect = ScaleEdit.Reflect(d, centre);
        var projected = EditSize.PerRow(project, rows);
        var reflected = EditSize.PerRow(reflect, rows);
        for (int i = 0; i < byHand.Length; i++)
        {
            projected[i].Should().BeApproximately(byHand[i], 1e-12);
            reflected[i].Should().BeApproximately(2 * byHand[i], 1e-12);
        }
    }

    [Test]
    public void PerOwnerMeansAverageEachOwnersRowsAndMarkOwnersWithoutRows()
    {
        var means = EditSize.MeanByOwner([1, 3, 10, 4], [0, 0, 2, 0], 3);
        means[0].Should().Be(8.0 / 3);
        double.IsNaN(means[1]).Should().BeTrue();
        means[2].Should().Be(10);
    }

    [Test]
    public void RowsMustBeAMatrix()
    {
        using var project = ScaleEdit.Project(eye(3, dtype: ScalarType.Float64)[..1], zeros(3, dtype: ScalarType.Float64));
        var act = () => EditSize.PerRow(project, zeros(2, 2, 3, dtype: ScalarType.Float64));
        act.Should().Throw<HarnessException>().WithMessage("edit size: activation rows must be [n, d], got [2, 2, 3]");
    }
}
