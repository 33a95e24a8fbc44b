using Harness.Erasure;
using Harness.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Tests.Erasure;

public class EraserFileTests
{
    private static IEnumerable<TestCaseData> Erasers()
    {
        var (x, labels) = Synthetic.Classes(n: 120, d: 6, k: 3, seed: 1);
        var (xc, zc) = Synthetic.Continuous(n: 120, d: 6, k: 2, seed: 2);
        yield return new TestCaseData(LeaceFitter.Fit(new EraserData(x, labels)), x, null).SetArgDisplayNames("leace");
        yield return new TestCaseData(LeaceFitter.Fit(new EraserData(x, labels), new LeaceOptions { Affine = false, Shrinkage = false, SvdTol = 0.02 }), x, null).SetArgDisplayNames("leace-linear");
        yield return new TestCaseData(LeaceFitter.Fit(new EraserData(x, labels), new LeaceOptions { Orth = true }), x, null).SetArgDisplayNames("leace-orth");
        yield return new TestCaseData(OracleLeaceFitter.Fit(new EraserData(x, labels)), x, labels).SetArgDisplayNames("oracle-labels");
        yield return new TestCaseData(OracleLeaceFitter.Fit(new EraserData(xc, zc), new OracleLeaceOptions { Shrinkage = true }), xc, zc).SetArgDisplayNames("oracle-continuous");
        yield return new TestCaseData(MeanDifference.Fit(new EraserData(x, labels)), x, null).SetArgDisplayNames("mean-diff");
        yield return new TestCaseData(RandomDirections.Fit(new EraserData(x), rank: 2, seed: 3, affine: false), x, null).SetArgDisplayNames("random");
    }

    [TestCaseSource(nameof(Erasers))]
    public void SaveThenLoadGivesIdenticalResults(IEraser eraser, Tensor x, Tensor? z)
    {
        using var folder = new TempFolder();
        var path = folder.File("e.safetensors");
        EraserFile.Save(path, eraser);
        var loaded = EraserFile.Load(path, eraser.Method, eraser.Dimension);

        loaded.GetType().Should().Be(eraser.GetType());
        loaded.Method.Should().Be(eraser.Method);
        loaded.Dimension.Should().Be(eraser.Dimension);
        loaded.Options.Should().BeEquivalentTo(eraser.Options);
        Tensors.Same(loaded.Apply(x, z), eraser.Apply(x, z)).Should().BeTrue();
        if (eraser is IDirectionBasis basis)
        {
            Tensors.Same(((IDirectionBasis)loaded).Directions, basis.Directions).Should().BeTrue();
            Tensors.Same(((IDirectionBasis)loaded).Centre, basis.Centre).Should().BeTrue();
        }

        // The metadata says what the file is: method, dimension and every option.
        var header = Safetensors.ReadHeader(path);
        header.Metadata["method"].Should().Be(eraser.Method);
        header.Metadata["dimension"].Should().Be("6");
        foreach (var (key, value) in eraser.Options) header.Metadata[key].Should().Be(value);
        foreach (var option in EraserMethods.Get(eraser.Method).Options) header.Metadata.Should().ContainKey(option.Name);
    }

    [Test]
    public void LeaceMetadataHoldsTheLibraryOptions()
    {
        var (x, labels) = Synthetic.Classes(n: 40, d: 3, k: 2, seed: 1);
        using var folder = new TempFolder();
        var path = folder.File("e.safetensors");
        EraserFile.Save(path, LeaceFitter.Fit(new EraserData(x, labels)));
        Safetensors.ReadHeader(path).Metadata.Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["method"] = "leace", ["dimension"] = "3", ["affine"] = "true", ["orth"] = "false",
            ["shrinkage"] = "true", ["constrain_cov_trace"] = "true", ["svd_tol"] = "0.01",
        });
    }

    [Test]
    public void AnotherMethodOrDimensionThanExpectedIsOneLineNamingTheFile()
    {
        var (x, labels) = Synthetic.Classes(n: 40, d: 3, k: 2, seed: 1);
        using var folder = new TempFolder();
        var path = folder.File("md.safetensors");
        EraserFile.Save(path, MeanDifference.Fit(new EraserData(x, labels)));

        var method = () => EraserFile.Load(path, expectedMethod: "leace");
        method.Should().Throw<HarnessException>().WithMessage($"{path}: holds a mean-diff eraser, expected leace");
        var dimension = () => EraserFile.Load(path, expectedDimension: 768);
        dimension.Should().Throw<HarnessException>().WithMessage($"{path}: eraser was fitted on dimension 3, expected 768");
    }

    [Test]
    public void FilesThatAreNotValidErasersAreOneLineNamingTheFile()
    {
        using var folder = new TempFolder();
        var path = folder.File("bad.safetensors");
        var act = () => EraserFile.Load(path);
        var d = new Dictionary<string, string> { ["method"] = "leace", ["dimension"] = "2", ["affine"] = "true", ["orth"] = "false", ["shrinkage"] = "true", ["constrain_cov_trace"] = "true", ["svd_tol"] = "0.01" };
        var left = ones(2, 1, dtype: ScalarType.Float64);
        var right = ones(1, 2, dtype: ScalarType.Float64);
        var bias = zeros(2, dtype: ScalarType.Float64);

        // A model checkpoint, say: no method.
        Safetensors.Write(path, new Dictionary<string, Tensor> { ["wte.weight"] = left });
        act.Should().Throw<HarnessException>().WithMessage($"{path}: not an eraser file (its safetensors metadata has no 'method')");

        Safetensors.Write(path, new Dictionary<string, Tensor> { ["x"] = left }, new Dictionary<string, string>(d) { ["method"] = "spectral" });
        act.Should().Throw<HarnessException>().WithMessage($"{path}: holds a 'spectral' eraser, a method this harness does not know (known: leace, *)");

        Safetensors.Write(path, new Dictionary<string, Tensor> { ["proj_left"] = left, ["proj_right"] = right }, d);
        act.Should().Throw<HarnessException>().WithMessage($"{path}: affine LEACE eraser has no tensor 'bias'");

        Safetensors.Write(path, new Dictionary<string, Tensor> { ["proj_left"] = left, ["bias"] = bias }, d);
        act.Should().Throw<HarnessException>().WithMessage($"{path}: no tensor named 'proj_right' (a leace eraser needs it)");

        Safetensors.Write(path, new Dictionary<string, Tensor> { ["proj_left"] = left, ["proj_right"] = ones(2, 2, dtype: ScalarType.Float64), ["bias"] = bias }, d);
        act.Should().Throw<HarnessException>().WithMessage($"{path}: tensor 'proj_right' has shape [2, 2], expected [1, 2]");

        Safetensors.Write(path, new Dictionary<string, Tensor> { ["proj_left"] = ones(3, 1, dtype: ScalarType.Float64), ["proj_right"] = right, ["bias"] = bias }, d);
        act.Should().Throw<HarnessException>().WithMessage($"{path}: tensor 'proj_left' has shape [3, 1], expected [2, *]");

        Safetensors.Write(path, new Dictionary<string, Tensor> { ["proj_left"] = left, ["proj_right"] = right, ["bias"] = bias },
            new Dictionary<string, string>(d) { ["svd_tol"] = "-1" });
        act.Should().Throw<HarnessException>().WithMessage($"{path}: option 'svd_tol' must be a number above 0, got '-1'");

        var noOption = new Dictionary<string, string>(d);
        noOption.Remove("shrinkage");
        Safetensors.Write(path, new Dictionary<string, Tensor> { ["proj_left"] = left, ["proj_right"] = right, ["bias"] = bias }, noOption);
        act.Should().Throw<HarnessException>().WithMessage($"{path}: metadata has no 'shrinkage' (an option of method leace)");

        Safetensors.Write(path, new Dictionary<string, Tensor> { ["proj_left"] = left, ["proj_right"] = right, ["bias"] = bias },
            new Dictionary<string, string>(d) { ["dimension"] = "two" });
        act.Should().Throw<HarnessException>().WithMessage($"{path}: metadata 'dimension' is 'two', expected a positive integer");

        Safetensors.Write(path, new Dictionary<string, Tensor> { ["directions"] = ones(1, 2, dtype: ScalarType.Float64), ["centre"] = bias },
            new Dictionary<string, string> { ["method"] = "mean-diff", ["dimension"] = "2", ["affine"] = "true" });
        act.Should().Throw<HarnessException>().WithMessage($"{path}: tensor 'directions' is not orthonormal*");
    }
}
