using Harness.Erasure;
using static TorchSharp.torch;

namespace Harness.Tests.Erasure;

public class ProbeTests
{
    [Test]
    public void DirectionIsThePlantedOneAndProjectingItOutErasesAnIsotropicConcept()
    {
        using var scope = NewDisposeScope();
        // Many rows per dimension, so that the probe's weights are close to the mean difference
        // (with few rows the estimated covariance tilts them and some of the concept survives).
        var (x, z, u) = LinearConceptData.Planted(20000, 8, seed: 12, separation: 3, offset: 2);
        var (xFit, zFit, xEval, zEval) = LinearConceptData.Split(x, z, 15000);
        ProbeAccuracy.TrainTest(xFit, zFit, xEval, zEval).AboveMajority.Should().BeGreaterThan(0.3);

        var eraser = ProbeEraser.Fit(xFit, zFit);
        eraser.Method.Should().Be("probe");
        eraser.Rank.Should().Be(1);
        eraser.Directions.norm().item<double>().Should().BeApproximately(1, 1e-12);
        // Rank 1 and pointing from class 0 towards class 1.
        eraser.Directions[0].dot(u).item<double>().Should().BeGreaterThan(0.999);
        eraser.TrainAccuracy.Should().BeGreaterThan(0.85);

        var erased = eraser.Apply(xEval);
        erased.matmul(eraser.Directions.T).abs().max().item<double>().Should().BeLessThan(1e-9);
        ProbeAccuracy.TrainTest(eraser.Apply(xFit), zFit, erased, zEval).AboveMajority.Should().BeLessThan(0.015);
    }

    [Test]
    public void OneDirectionDoesNotEraseAnAnisotropicConcept()
    {
        // With correlated noise the probe's weights (~ Sigma^-1 u) are not the mean difference u, so
        // removing them leaves a clearly decodable concept: the reason INLP iterates.
        using var scope = NewDisposeScope();
        var (x, z, u) = LinearConceptData.Planted(4000, 32, seed: 13, separation: 3, anisotropic: true);
        var (xFit, zFit, xEval, zEval) = LinearConceptData.Split(x, z, 3000);
        var eraser = ProbeEraser.Fit(xFit, zFit);
        Math.Abs(eraser.Directions[0].dot(u).item<double>()).Should().BeLessThan(0.9);
        ProbeAccuracy.TrainTest(eraser.Apply(xFit), zFit, eraser.Apply(xEval), zEval).AboveMajority.Should().BeGreaterThan(0.1);
    }

    [Test]
    public void ThreeClassesGiveTwoOrthonormalDirectionsSpanningTheConcept()
    {
        using var scope = NewDisposeScope();
        var (x, z, basis) = LinearConceptData.Simplex(3000, 20, classes: 3, seed: 14, radius: 3);
        var eraser = ProbeEraser.Fit(x, z);
        eraser.Directions.shape.Should().Equal(2, 20);
        var gram = eraser.Directions.matmul(eraser.Directions.T);
        (gram - eye(2, dtype: ScalarType.Float64)).abs().max().item<double>().Should().BeLessThan(1e-10);
        // The planted plane lies (nearly) inside the found one: singular values of basis U^T near 1.
        var cosines = linalg.svdvals(basis.matmul(eraser.Directions.T));
        cosines.min().item<double>().Should().BeGreaterThan(0.9);
        eraser.Weights!.shape.Should().Equal(3, 20);
    }

    [Test]
    public void ApplyKeepsDtypeAndCentreIsZero()
    {
        using var scope = NewDisposeScope();
        var (x, z, _) = LinearConceptData.Planted(500, 6, seed: 15, separation: 2);
        var eraser = ProbeEraser.Fit(x.to_type(ScalarType.Float32), z);
        eraser.Apply(x.to_type(ScalarType.Float32)).dtype.Should().Be(ScalarType.Float32);
        eraser.Apply(x).dtype.Should().Be(ScalarType.Float64);
        eraser.Centre.shape.Should().Equal(6);
        eraser.Centre.abs().max().item<double>().Should().Be(0);
        var p = eraser.Projection();
        (p.matmul(p) - p).abs().max().item<double>().Should().BeLessThan(1e-12);
        p.trace().item<double>().Should().BeApproximately(5, 1e-12);
    }

    [Test]
    public void SavedStateRebuildsTheSameEraser()
    {
        using var scope = NewDisposeScope();
        var (x, z, _) = LinearConceptData.Planted(500, 6, seed: 16, separation: 2);
        var eraser = ProbeEraser.Fit(x, z, new ProbeOptions { Classifier = new LogisticRegressionOptions { L2 = 0.01 } });
        eraser.Options["l2"].Should().Be("0.01");
        var loaded = ProbeEraser.FromState(eraser.State, eraser.Options);
        loaded.Options.Should().Equal(eraser.Options);
        (loaded.Apply(x) - eraser.Apply(x)).abs().max().item<double>().Should().Be(0);
        double.IsNaN(loaded.TrainAccuracy).Should().BeTrue();
    }

    [Test]
    public void BadInputsNameTheArgument()
    {
        using var scope = NewDisposeScope();
        var (x, z, _) = LinearConceptData.Planted(50, 4, seed: 1, separation: 1);
        var rows = () => ProbeEraser.Fit(x[..49], z);
        rows.Should().Throw<HarnessException>().WithMessage("z: has 50 labels but x has 49 rows*");
        var oneClass = () => ProbeEraser.Fit(x, ones(50, dtype: ScalarType.Int64));
        oneClass.Should().Throw<HarnessException>().WithMessage("z: only one class (1)*");
        var inf = x.clone();
        inf[3, 0] = tensor(double.NegativeInfinity);
        var infAct = () => ProbeEraser.Fit(inf, z);
        infAct.Should().Throw<HarnessException>().WithMessage("x: contains NaN or infinite values (first at row 3)");
        var missing = () => ProbeEraser.FromState(new Dictionary<string, Tensor>(), new Dictionary<string, string>());
        missing.Should().Throw<HarnessException>().WithMessage("state: the probe eraser needs a 'directions' tensor");
        var notOrthonormal = () => ProbeEraser.FromState(new Dictionary<string, Tensor> { ["directions"] = ones(1, 4) }, new Dictionary<string, string>());
        notOrthonormal.Should().Throw<HarnessException>().WithMessage("state: 'probe' directions are not orthonormal rows*");
        var options = () => ProbeEraser.FromState(new Dictionary<string, Tensor> { ["directions"] = eye(1, 4) },
            new Dictionary<string, string> { ["max_iterations"] = "0" });
        options.Should().Throw<HarnessException>().WithMessage("option 'max_iterations' must be an integer of at least 1, got '0'");
    }
}
