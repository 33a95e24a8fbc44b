using Harness.Cli;
using Harness.Erasure;
using Harness.IO;
using TorchSharp;
using static TorchSharp.torch;
using CommandLineRunner = Harness.Tests.Cli.Cli;

namespace Harness.Tests.Erasure;

/// The `fit` and `erase` verbs, end to end on files.
public class FitEraseVerbTests
{
    private TempFolder _folder = null!;
    private string _x = "", _z = "";
    private Tensor _xTensor = null!, _labels = null!;

    [SetUp]
    public void Files()
    {
        _folder = new TempFolder();
        (var x, _labels) = Synthetic.Classes(n: 200, d: 6, k: 2, seed: 3);
        _xTensor = x.to_type(ScalarType.Float32);
        _x = _folder.File("X.npy");
        _z = _folder.File("z.npy");
        Npy.Write(_x, _xTensor);
        Npy.Write(_z, _labels);
    }

    [TearDown]
    public void Clean()
    {
        _folder.Dispose();
        _xTensor.Dispose();
        _labels.Dispose();
    }

    /// A usage error (exit 2): the command line is wrong.
    private static void Fails((int Code, string Out, string Err) result, string message) =>
        Fails(result, message, CommandLine.ExitUsage);

    /// A runtime failure (exit 1): an input file is wrong.
    private static void FailsOnInput((int Code, string Out, string Err) result, string message) =>
        Fails(result, message, CommandLine.ExitFailure);

    private static void Fails((int Code, string Out, string Err) result, string message, int code)
    {
        result.Err.Should().Be($"error: {message}" + Environment.NewLine);
        result.Code.Should().Be(code);
    }

    [Test]
    public void FitThenEraseLeace()
    {
        var eraserPath = _folder.File("e.safetensors");
        var fit = CommandLineRunner.Run("fit", "--method", "leace", "--x", _x, "--z", _z, "--svd-tol", "0.02", "--out", eraserPath);
        fit.Err.Should().BeEmpty();
        fit.Code.Should().Be(0);
        var lines = fit.Out.TrimEnd().Split(Environment.NewLine);
        lines[0].Should().Be("method: leace");
        lines[1].Should().Be("options: affine=true constrain_cov_trace=true orth=false shrinkage=true svd_tol=0.02");
        lines[2].Should().MatchRegex($@"^fitted leace on 200 rows of dimension 6, concept: 2 classes in \d+\.\d\d s: erases 1 direction\(s\); wrote {System.Text.RegularExpressions.Regex.Escape(eraserPath)}$");
        lines.Should().HaveCount(3);

        var y = _folder.File("Y.npy");
        var erase = CommandLineRunner.Run("erase", "--eraser", eraserPath, "--x", _x, "--out", y);
        erase.Err.Should().BeEmpty();
        erase.Code.Should().Be(0);
        erase.Out.Should().MatchRegex(@"^erased 200 rows of dimension 6 with the leace eraser .*: mean squared edit [0-9.E+-]+ per row; wrote .*Y\.npy\s*$");

        var erased = Npy.Read(y);
        erased.dtype.Should().Be(ScalarType.Float32);
        erased.shape.Should().Equal(200, 6);
        var direct = LeaceFitter.Fit(new EraserData(_xTensor, _labels), new LeaceOptions { SvdTol = 0.02 }).Apply(_xTensor);
        Tensors.Same(erased, direct).Should().BeTrue();
    }

    [Test]
    public void FitThenEraseEveryMethod()
    {
        foreach (var (method, extra) in new[]
        {
            ("leace", new[] { "--orth", "--no-affine" }), ("leace", new[] { "--no-shrinkage", "--no-constrain-cov-trace" }),
            ("oracle-leace", new[] { "--shrinkage" }), ("mean-diff", new[] { "--no-affine" }),
            ("random", new[] { "--rank", "3", "--seed", "7" }),
            ("probe", new[] { "--l2", "0.001" }), ("inlp", new[] { "--iterations", "3" }),
            ("rlace", new[] { "--max-steps", "200", "--evaluate-every", "50" }),
        })
        {
            var eraserPath = _folder.File($"{method}.safetensors");
            // leace is fitted twice, with different options, into the same file: --force replaces it.
            var args = new[] { "fit", "--method", method, "--x", _x, "--z", _z, "--out", eraserPath, "--force" }.Concat(extra).ToArray();
            var fit = CommandLineRunner.Run(args);
            fit.Err.Should().BeEmpty(method);
            fit.Code.Should().Be(0);
            var eraser = EraserFile.Load(eraserPath, method, 6);
            foreach (var flag in extra.Where(e => e.StartsWith("--no-", StringComparison.Ordinal)))
                eraser.Options[flag[5..].Replace('-', '_')].Should().Be("false");

            var y = _folder.File($"{method}.npy");
            var eraseArgs = new List<string> { "erase", "--eraser", eraserPath, "--x", _x, "--out", y, "--force" };
            if (method == "oracle-leace") eraseArgs.AddRange(new[] { "--z", _z });
            var erase = CommandLineRunner.Run(eraseArgs.ToArray());
            erase.Err.Should().BeEmpty(method);
            Tensors.Same(Npy.Read(y), eraser.Apply(_xTensor, method == "oracle-leace" ? _labels : null)).Should().BeTrue(method);
        }
        EraserFile.Load(_folder.File("random.safetensors")).Options.Should().Contain(new KeyValuePair<string, string>("rank", "3"));
    }

    [Test]
    public void RandomNeedsNoConceptAndFloat64StaysFloat64()
    {
        var x64 = _folder.File("X64.npy");
        Npy.Write(x64, _xTensor.to_type(ScalarType.Float64));
        var eraserPath = _folder.File("r.safetensors");
        var fit = CommandLineRunner.Run("fit", "--method", "random", "--x", x64, "--out", eraserPath);
        fit.Code.Should().Be(0);
        fit.Out.Should().Contain("options: affine=true directions=1 kind=isotropic null_metrics=answer rank=1 seed=0").And.Contain("on 200 rows of dimension 6 in ");
        var y = _folder.File("Y.npy");
        CommandLineRunner.Run("erase", "--eraser", eraserPath, "--x", x64, "--out", y).Code.Should().Be(0);
        Npy.Read(y).dtype.Should().Be(ScalarType.Float64);
    }

    [Test]
    public void UnknownMethodListsTheKnownOnes()
    {
        Fails(CommandLineRunner.Run("fit", "--method", "rlace2", "--x", _x, "--z", _z, "--out", _folder.File("e.safetensors")),
            "fit: --method: unknown method 'rlace2' (known: " + string.Join(", ", EraserMethods.Names) + ")");
    }

    [Test]
    public void OptionsOfAnotherMethodAreRefused()
    {
        Fails(CommandLineRunner.Run("fit", "--method", "leace", "--x", _x, "--z", _z, "--rank", "2", "--out", _folder.File("e.safetensors")),
            "fit: --rank is not an option of --method leace (its options: --no-affine, --orth, --no-shrinkage, --no-constrain-cov-trace, --svd-tol <x>)");
        Fails(CommandLineRunner.Run("fit", "--method", "leace", "--x", _x, "--z", _z, "--shrinkage", "--out", _folder.File("e.safetensors")),
            "fit: --shrinkage is not an option of --method leace (its options: --no-affine, --orth, --no-shrinkage, --no-constrain-cov-trace, --svd-tol <x>)");
        Fails(CommandLineRunner.Run("fit", "--method", "leace", "--x", _x, "--z", _z, "--svd-tol", "-0.5", "--out", _folder.File("e.safetensors")),
            "fit: --svd-tol must be a number above 0, got '-0.5'");
        Fails(CommandLineRunner.Run("fit", "--method", "leace", "--x", _x, "--z", _z, "--frobnicate", "--out", _folder.File("e.safetensors")),
            "fit: unknown option --frobnicate (see `harness fit --help`)");
    }

    [Test]
    public void BadInputFilesAreOneLineNamingTheFile()
    {
        var e = _folder.File("e.safetensors");
        Fails(CommandLineRunner.Run("fit", "--method", "leace", "--x", _x, "--out", e),
            "fit: --method leace needs --z (the concept: class labels or values, row for row with --x)");

        var shortZ = _folder.File("short.npy");
        Npy.Write(shortZ, _labels.narrow(0, 0, 150));
        FailsOnInput(CommandLineRunner.Run("fit", "--method", "leace", "--x", _x, "--z", shortZ, "--out", e), $"{shortZ} has 150 rows but {_x} has 200; they must match row for row");

        var oneClass = _folder.File("one.npy");
        Npy.Write(oneClass, zeros(200, dtype: ScalarType.Int64));
        FailsOnInput(CommandLineRunner.Run("fit", "--method", "mean-diff", "--x", _x, "--z", oneClass, "--out", e), $"{oneClass}: every row has label 0; erasure needs at least two classes");

        var nan = _folder.File("nan.npy");
        var bad = _xTensor.clone();
        bad[17, 2] = float.NaN;
        Npy.Write(nan, bad);
        FailsOnInput(CommandLineRunner.Run("fit", "--method", "leace", "--x", nan, "--z", _z, "--out", e), $"{nan}: row 17 holds a NaN or infinite value");

        Fails(CommandLineRunner.Run("fit", "--method", "random", "--x", _x, "--rank", "7", "--out", e), $"random: rank 7 is larger than the dimension 6 of the rows of {_x}");

        var half = _folder.File("half.npy");
        File.WriteAllBytes(half, IO.NpyTests.Handmade("{'descr': '<f2', 'fortran_order': False, 'shape': (2, 2), }", new byte[8]));
        FailsOnInput(CommandLineRunner.Run("fit", "--method", "leace", "--x", half, "--z", _z, "--out", e),
            $"{half}: unsupported .npy dtype '<f2' (use float32, float64, int64 or int32, little-endian)");

        var fortran = _folder.File("fortran.npy");
        File.WriteAllBytes(fortran, IO.NpyTests.Handmade("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }", new byte[32]));
        FailsOnInput(CommandLineRunner.Run("fit", "--method", "leace", "--x", fortran, "--z", _z, "--out", e),
            $"{fortran}: Fortran-ordered .npy is not supported (save with np.ascontiguousarray)");

        var ints = _folder.File("ints.npy");
        Npy.Write(ints, zeros(200, 6, dtype: ScalarType.Int64));
        FailsOnInput(CommandLineRunner.Run("fit", "--method", "leace", "--x", ints, "--z", _z, "--out", e),
            $"{ints}: expected a float32 or float64 matrix [rows, dimension], got int64 [200, 6]");

        File.Exists(e).Should().BeFalse("no eraser is written when fitting fails");
    }

    [Test]
    public void AConstantContinuousConceptIsRefusedNamingTheZFile()
    {
        var e = _folder.File("e.safetensors");
        var half = _folder.File("half.npy");
        Npy.Write(half, full(200, 0.5, dtype: ScalarType.Float64));
        FailsOnInput(CommandLineRunner.Run("fit", "--method", "leace", "--x", _x, "--z", half, "--out", e),
            $"{half}: every row has the value 0.5; a constant concept gives nothing to erase");

        // Two columns, the second constant: refused, naming the column.
        var columns = _folder.File("columns.npy");
        Npy.Write(columns, stack([arange(200, dtype: ScalarType.Float32), full(200, 2f, dtype: ScalarType.Float32)], 1));
        FailsOnInput(CommandLineRunner.Run("fit", "--method", "leace", "--x", _x, "--z", columns, "--out", e),
            $"{columns}: column 1 has, in every row, the value 2; a constant concept gives nothing to erase");
        File.Exists(e).Should().BeFalse();

        // A varying float concept still fits.
        var varying = _folder.File("varying.npy");
        Npy.Write(varying, _labels.to_type(ScalarType.Float64) * 0.5);
        CommandLineRunner.Run("fit", "--method", "leace", "--x", _x, "--z", varying, "--out", e).Code.Should().Be(0);
    }

    [Test]
    public void MoreDimensionsThanRowsFitsWithLeace()
    {
        var (x, labels) = Synthetic.Classes(n: 30, d: 80, k: 2, seed: 4);
        var xPath = _folder.File("wide.npy");
        var zPath = _folder.File("wide-z.npy");
        Npy.Write(xPath, x.to_type(ScalarType.Float32));
        Npy.Write(zPath, labels.to_type(ScalarType.Int32));
        var fit = CommandLineRunner.Run("fit", "--method", "leace", "--x", xPath, "--z", zPath, "--out", _folder.File("w.safetensors"));
        fit.Err.Should().BeEmpty();
        fit.Out.Should().Contain("on 30 rows of dimension 80, concept: 2 classes");
    }

    [Test]
    public void EraseChecksTheEraserAgainstTheRows()
    {
        var eraserPath = _folder.File("e.safetensors");
        CommandLineRunner.Run("fit", "--method", "leace", "--x", _x, "--z", _z, "--out", eraserPath).Code.Should().Be(0);
        var y = _folder.File("Y.npy");

        var wide = _folder.File("wide.npy");
        Npy.Write(wide, zeros(5, 768, dtype: ScalarType.Float32));
        FailsOnInput(CommandLineRunner.Run("erase", "--eraser", eraserPath, "--x", wide, "--out", y),
            $"{wide}: rows have dimension 768 but eraser {eraserPath} was fitted on dimension 6");

        Fails(CommandLineRunner.Run("erase", "--eraser", eraserPath, "--x", _x, "--z", _z, "--out", y),
            $"erase: --z is only for oracle erasers; {eraserPath} holds a leace eraser, which does not use it");

        var oracle = _folder.File("o.safetensors");
        CommandLineRunner.Run("fit", "--method", "oracle-leace", "--x", _x, "--z", _z, "--out", oracle).Code.Should().Be(0);
        Fails(CommandLineRunner.Run("erase", "--eraser", oracle, "--x", _x, "--out", y),
            $"erase: eraser {oracle} is oracle-leace, which needs --z (the concept of each row: 2 classes)");
        var threeClasses = _folder.File("z3.npy");
        Npy.Write(threeClasses, arange(200, dtype: ScalarType.Int64) % 3);
        FailsOnInput(CommandLineRunner.Run("erase", "--eraser", oracle, "--x", _x, "--z", threeClasses, "--out", y),
            $"{threeClasses}: label 2 at row 2 is outside 0..1 (2 classes)");

        var notEraser = _folder.File("model.safetensors");
        Safetensors.Write(notEraser, new Dictionary<string, Tensor> { ["wte.weight"] = zeros(2, 2) });
        FailsOnInput(CommandLineRunner.Run("erase", "--eraser", notEraser, "--x", _x, "--out", y),
            $"{notEraser}: not an eraser file (its safetensors metadata has no 'method')");
        File.Exists(y).Should().BeFalse();
    }

    [Test]
    public void HelpListsEveryMethodAndItsOptions()
    {
        var (code, output, _) = CommandLineRunner.Run("fit", "--help");
        code.Should().Be(0);
        foreach (var method in EraserMethods.All)
        {
            output.Should().Contain($"  {method.Name} ");
            foreach (var option in method.Options) output.Should().Contain(option.Usage);
        }
        CommandLineRunner.Run("erase", "--help").Out.Should().Contain("--eraser");
        CommandLineRunner.Run("--help").Out.Should().Contain("fit").And.Contain("erase").And.Contain("bench-erasure");
    }
}
