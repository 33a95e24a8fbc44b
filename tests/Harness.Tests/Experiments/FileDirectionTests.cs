using Harness.Experiments;
using Harness.IO;
using static TorchSharp.torch;

namespace Harness.Tests.Experiments;

/// A direction brought in a file gives exactly the numbers of the same direction fitted here,
/// whatever the file's layout (a scaled .npy vector, a run's directions/ file, concept-erasure's
/// LeaceEraser fields, a fit eraser file); a file that cannot be a basis is refused with one line naming it.
public class FileDirectionTests
{
    private TinyExperiment _tiny = null!;

    [OneTimeSetUp]
    public void Setup() => _tiny = new TinyExperiment();

    [OneTimeTearDown]
    public void TearDown() => _tiny.Dispose();

    private const string Site = "blocks.1.hook_resid_pre";

    private string Spec(string methods, string name) => _tiny.Spec($$"""
        {
          "name": "file", "models": ["{model}"], "sites": ["{{Site}}"],
          "concept": {"dataset": "gender", "positions": "last"},
          "methods": [{{methods}}],
          "edits": ["project", "reflect"],
          "evaluate": {"datasets": ["gender"], "max_prompts": 12},
          "metrics": ["pronoun_bias", "kl_damage"]
        }
        """, name);

    private IReadOnlyList<ResultRow> Run(string spec, string outName)
    {
        var folder = _tiny.Temp.File(outName);
        var (code, _, err) = Cli.Cli.Run("run", spec, "--out", folder);
        code.Should().Be(0, err);
        return ResultsFile.Read(Path.Combine(folder, ResultsFile.FileName));
    }

    [Test]
    public void EveryLayoutOfTheSameDirectionGivesTheFittedMethodsNumbers()
    {
        var fitted = Run(Spec("\"mean-diff\"", "fit.json"), "fit-out");
        var basisFile = Path.Combine(_tiny.Temp.File("fit-out"), "directions", Site, "mean-diff.safetensors");
        using var scope = NewDisposeScope();
        var u = Safetensors.ReadAll(basisFile, out _)["directions"][0];

        var npy = _tiny.Temp.File("u.npy");
        Npy.Write(npy, (3 * u).to(ScalarType.Float32)); // [d], not unit, float32: normalised on reading
        var leace = _tiny.Temp.File("concept-erasure.safetensors");
        // concept-erasure's LeaceEraser x -> x - proj_left proj_right (x - bias) with proj_left = u,
        // proj_right = u^T: the orthogonal projection along u.
        Safetensors.Write(leace, new Dictionary<string, Tensor>
        {
            ["proj_left"] = u.unsqueeze(1).contiguous(), ["proj_right"] = u.unsqueeze(0).contiguous(), ["bias"] = zeros_like(u),
        });
        // An eraser file as `harness fit` writes it (method and dimension in the metadata).
        var fitFile = _tiny.Temp.File("fit-eraser.safetensors");
        Harness.Erasure.EraserFile.Save(fitFile, new Harness.Erasure.ProjectionEraser("mean-diff", u.unsqueeze(0), zeros_like(u),
            Harness.Erasure.EraserOptions.Defaults(Harness.Erasure.EraserMethods.Find("mean-diff")!).Values));
        var read = Run(Spec($$"""
            {"method": "file", "path": "u.npy", "label": "npy"},
            {"method": "file", "path": "{{TinyExperiment.Json(basisFile)}}", "label": "basis"},
            {"method": "file", "path": "concept-erasure.safetensors", "label": "leace-fields"},
            {"method": "file", "path": "fit-eraser.safetensors", "label": "fit-file"}
            """, "read.json"), "read-out");

        var expected = fitted.Where(r => r.Method == "mean-diff" && !r.IsBaseline).ToList();
        expected.Should().HaveCountGreaterThan(4);
        foreach (var label in new[] { "npy", "basis", "leace-fields", "fit-file" })
            foreach (var e in expected)
            {
                var r = read.Single(x => x.Method == label && x.Edit == e.Edit && x.Metric == e.Metric && x.Dataset == e.Dataset && x.Split == e.Split && x.Label == e.Label);
                r.Value.Should().BeApproximately(e.Value, 1e-6, $"{label} {e.Edit} {e.Metric}");
            }
    }

    [Test]
    public void AFileThatIsNoBasisIsRefusedNamingIt()
    {
        using var scope = NewDisposeScope();
        var u = randn(16, dtype: ScalarType.Float64);
        var dependent = _tiny.Temp.File("dependent.npy");
        Npy.Write(dependent, stack([u, 2 * u]));
        var wide = _tiny.Temp.File("wide.npy");
        Npy.Write(wide, randn(2, 17));
        var other = _tiny.Temp.File("other.safetensors");
        Safetensors.Write(other, new Dictionary<string, Tensor> { ["weight"] = randn(16) });

        string Fails(string path, int exit = Harness.Cli.CommandLine.ExitFailure)
        {
            var spec = Spec($$"""{"method": "file", "path": "{{path}}"}""", $"bad-{Guid.NewGuid():N}.json");
            var (code, output, err) = Cli.Cli.Run("run", spec, "--out", _tiny.Temp.File($"bad-out-{Guid.NewGuid():N}"));
            code.Should().Be(exit, output + err);
            // A file that is there is read once the site's dimension is known (after loading): the
            // error is the last line, after the progress lines.
            var last = err.Trim().Split('\n')[^1];
            last.Should().StartWith("error: ");
            return last;
        }

        Fails("dependent.npy").Should().Contain(dependent).And.Contain("rows of the array are not linearly independent (they span 1 directions)");
        Fails("wide.npy").Should().Contain(wide).And.Contain("has dimension 17, the site has 16");
        Fails("other.safetensors").Should().Contain(other).And.Contain("has neither 'directions' nor concept-erasure's 'proj_left' and 'proj_right' (tensors: weight)");
        Fails("missing.npy", Harness.Cli.CommandLine.ExitUsage).Should().Contain("methods[0].path: no file").And.NotContain("loading");
        var noPath = _tiny.Spec(File.ReadAllText(Spec("\"mean-diff\"", "np.json")).Replace("\"mean-diff\"", "{\"method\": \"file\"}"), "nopath.json");
        var (c, _, e) = Cli.Cli.Run("run", noPath, "--out", _tiny.Temp.File("np-out"));
        c.Should().Be(Harness.Cli.CommandLine.ExitUsage);
        e.Should().Contain("method file needs \"path\"");
    }
}
