using Harness.Erasure;
using static TorchSharp.torch;

namespace Harness.Tests.Erasure;

public class MlpProbeTests
{
    /// Two classes with the same mean and different spreads along one axis (class 1 is wide on
    /// x0, class 0 narrow), plus a mean shift along x1: the class a linear probe can read (x1) and
    /// one only a nonlinear probe can (|x0|).
    private static (Tensor X, Tensor Z) MeanAndSpread(int n, int d, int seed)
    {
        using var g = new Generator(0, CPU);
        g.manual_seed(seed);
        var z = (rand([n], generator: g) < 0.5).to(ScalarType.Int64);
        var x = randn([n, d], ScalarType.Float64, generator: g);
        var zf = z.to(ScalarType.Float64);
        x[.., 0] = x[.., 0] * (0.3 + 2.7 * zf);
        x[.., 1] = x[.., 1] + 1.5 * zf;
        return (x, z);
    }

    [Test]
    public void AfterLeaceALinearProbeIsAtChanceAndTheMlpIsNot()
    {
        // LEACE's guarantee is linear only (Belrose et al. 2023): the class-conditional means are
        // equalised, the difference of spreads along x0 is left in place, and a ReLU layer reads it.
        using var scope = NewDisposeScope();
        var (x, z) = MeanAndSpread(6000, 6, seed: 3);
        var (xFit, zFit, xEval, zEval) = LinearConceptData.Split(x, z, 4000);
        MlpProbe.TrainTest(xFit, zFit, xEval, zEval).AboveMajority.Should().BeGreaterThan(0.35, "x1 and |x0| both tell the class before erasure");
        var eraser = LeaceEraser.Fit(xFit, zFit);
        var (erasedFit, erasedEval) = (eraser.Apply(xFit), eraser.Apply(xEval));
        ProbeAccuracy.TrainTest(erasedFit, zFit, erasedEval, zEval).AboveMajority.Should().BeLessThan(0.03, "LEACE leaves no linear information");
        var mlp = MlpProbe.TrainTest(erasedFit, zFit, erasedEval, zEval);
        mlp.AboveMajority.Should().BeGreaterThan(0.2, "the spread along x0 survives a linear erasure");
        mlp.TestCorrect.Should().HaveCount(2000).And.OnlyContain(v => v == 0 || v == 1);
        mlp.TestCorrect.Average().Should().Be(mlp.TestAccuracy);
        mlp.MajorityCorrect.Average().Should().Be(mlp.Majority);
    }

    [Test]
    public void OneSeedGivesOneProbeAndAnotherSeedAnother()
    {
        using var scope = NewDisposeScope();
        var (x, z) = MeanAndSpread(1000, 4, seed: 5);
        var (xFit, zFit, xEval, zEval) = LinearConceptData.Split(x, z, 700);
        var options = new MlpProbeOptions { Steps = 50, Seed = 7 };
        var a = MlpProbe.TrainTest(xFit, zFit, xEval, zEval, options);
        var b = MlpProbe.TrainTest(xFit, zFit, xEval, zEval, options);
        b.TestCorrect.Should().Equal(a.TestCorrect);
        b.TestLogLoss.Should().Be(a.TestLogLoss);
        MlpProbe.TrainTest(xFit, zFit, xEval, zEval, options with { Seed = 8 }).TestLogLoss.Should().NotBe(a.TestLogLoss);
    }

    [Test]
    public void LabelsNeedNotBeZeroAndOne()
    {
        using var scope = NewDisposeScope();
        var (x, z) = MeanAndSpread(2000, 4, seed: 9);
        var shifted = z * 5 + 3;   // labels 3 and 8
        var (xFit, zFit, xEval, zEval) = LinearConceptData.Split(x, shifted, 1500);
        MlpProbe.TrainTest(xFit, zFit, xEval, zEval).AboveMajority.Should().BeGreaterThan(0.3);
    }

    [Test]
    public void BadInputsAreOneLineErrorsNamingTheArgument()
    {
        using var scope = NewDisposeScope();
        var (x, z) = MeanAndSpread(100, 4, seed: 1);
        var act = () => MlpProbe.TrainTest(x, z, x[.., ..3], z);
        act.Should().Throw<HarnessException>().WithMessage("xTest: has dimension 3 but xTrain has dimension 4");
        act = () => MlpProbe.TrainTest(x, z, x, z[..50]);
        act.Should().Throw<HarnessException>().WithMessage("yTest*");
        act = () => MlpProbe.TrainTest(x, z, x, z, new MlpProbeOptions { Hidden = 0 });
        act.Should().Throw<UsageException>().WithMessage("hidden: must be at least 1, got 0");
        act = () => MlpProbe.TrainTest(x, z, x, z, new MlpProbeOptions { LearningRate = double.NaN });
        act.Should().Throw<UsageException>().WithMessage("learning_rate: *");
    }
}
