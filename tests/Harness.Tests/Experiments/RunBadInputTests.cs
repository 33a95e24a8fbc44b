using Harness.Experiments;

namespace Harness.Tests.Experiments;

/// Bad input that only shows against the datasets, the model or the output folder: still refused
/// before any model weights are loaded, with one line naming what is at fault.
public class RunBadInputTests
{
    private TinyExperiment _tiny = null!;

    [OneTimeSetUp]
    public void Setup() => _tiny = new TinyExperiment();

    [OneTimeTearDown]
    public void TearDown() => _tiny.Dispose();

    private string Spec(string concept = "{\"dataset\": \"{dataset}\"}", string sites = "\"sites\": [\"blocks.0.hook_resid_post\"]", string evaluate = "[\"{dataset}\"]") =>
        _tiny.Spec("{\"name\": \"bad\", \"models\": [\"{model}\"], " + sites + ", \"concept\": " + concept +
                   ", \"methods\": [\"mean-diff\"], \"edits\": [\"project\"], \"evaluate\": " + evaluate + "}", $"bad-{Guid.NewGuid():N}.json");

    /// A usage error (exit 2): the spec or the command line is wrong.
    private static string Refused(params string[] args) => Refused(Harness.Cli.CommandLine.ExitUsage, args);

    /// A runtime failure (exit 1): a file is missing or its content is wrong.
    private static string Fails(params string[] args) => Refused(Harness.Cli.CommandLine.ExitFailure, args);

    private static string Refused(int expectedCode, string[] args)
    {
        var (code, output, err) = Cli.Cli.Run(args);
        code.Should().Be(expectedCode, output + err);
        var lines = err.Trim().Split('\n');
        lines.Should().ContainSingle();
        lines[0].Should().StartWith("error: ");
        err.Should().NotContain("loading");
        return lines[0];
    }

    [Test]
    public void UnknownDataset() =>
        Refused("run", Spec(evaluate: "[\"{dataset}\", \"gendre\"]"), "--out", _tiny.Temp.File("o1"))
            .Should().Contain("evaluate: dataset 'gendre' not found").And.Contain("known: controls, gender, gender-attributes, gender-cues, politics, politics-noperson, unrelated");

    [Test]
    public void LayerOutOfRange() =>
        Refused("run", Spec(sites: "\"layers\": {\"site\": \"hook_resid_pre\", \"layers\": [1, 5]}"), "--out", _tiny.Temp.File("o2"))
            .Should().Contain("layer 5 is out of range (the model has 2 layers, 0..1)");

    [Test]
    public void SiteOutsideTheModel() =>
        Refused("run", Spec(sites: "\"sites\": [\"blocks.3.hook_resid_mid\"]"), "--out", _tiny.Temp.File("o3"))
            .Should().Contain("site 'blocks.3.hook_resid_mid' is not in the model");

    [Test]
    public void EmptyDataset()
    {
        var folder = _tiny.WriteDataset("empty");
        File.WriteAllText(Path.Combine(folder, "prompts.test.jsonl"), "\n");
        Fails("run", Spec(evaluate: $"[\"{TinyExperiment.Json(folder)}\"]"), "--out", _tiny.Temp.File("o4"))
            .Should().Contain("prompts.test.jsonl: empty file (no records)");
    }

    [Test]
    public void AnswerThatIsNotOneToken()
    {
        var folder = _tiny.WriteDataset("multi", prompts:
        [
            """{"prompt": "Mary said that", "correct": " she", "wrong": " he", "label": "female", "pair": 0}""",
            """{"prompt": "John said that", "correct": " hedgehogs", "wrong": " she", "label": "male", "pair": 0}""",
        ]);
        Fails("run", Spec(evaluate: $"[\"{TinyExperiment.Json(folder)}\"]"), "--out", _tiny.Temp.File("o5"))
            .Should().Contain("prompts.test.jsonl: prompt 2: answer ' hedgehogs' is").And.Contain("it must be exactly one");
    }

    [Test]
    public void ConceptWithOneLabel() =>
        Refused("run", Spec(concept: "{\"dataset\": \"controls\", \"source\": \"prompts\"}"), "--out", _tiny.Temp.File("o6"))
            .Should().Contain("concept dataset 'controls' has only one label");

    [Test]
    public void ConceptWithoutSentences() =>
        Refused("run", Spec(concept: "{\"dataset\": \"unrelated\"}"), "--out", _tiny.Temp.File("o7"))
            .Should().Contain("sentences.train.jsonl: no such file").And.Contain("\"source\": \"prompts\"");

    [Test]
    public void MissingSpecFile() =>
        Fails("run", _tiny.Temp.File("nope.json")).Should().Contain("nope.json: no such spec file");

    [Test]
    public void NoSpecGiven() =>
        Refused("run", "--force").Should().Be("error: run: Required argument 'SPEC.json' missing for command: 'run'.");

    [Test]
    public void UnknownOption() =>
        Refused("run", Spec(), "--ouput", "x").Should().Be("error: run: unknown option --ouput (see `harness run --help`)");

    [Test]
    public void OutputFolderWithAnotherRunsFilesIsRefusedWithoutForce()
    {
        var folder = _tiny.Temp.File("taken");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, ResultsFile.FileName), "[]");
        File.WriteAllText(Path.Combine(folder, "plot-bias-x.png"), "");
        Refused("run", Spec(), "--out", folder)
            .Should().Be($"error: --out {folder}: already holds another run's files (results.json, plot-bias-x.png); pass --force to replace them or choose another folder");
        File.ReadAllText(Path.Combine(folder, ResultsFile.FileName)).Should().Be("[]");
    }

    [Test]
    public void AConceptFileWithoutRowsOfOneLabelIsRefusedByNameBeforeTheModelLoads()
    {
        // dataset.json lists female and male; sentences.train.jsonl has only female rows.
        var folder = _tiny.WriteDataset("one-sided", sentences:
        [
            """{"text": "She is strong.", "label": "female", "pair": 0}""",
            """{"text": "Her car is broken.", "label": "female", "pair": 1}""",
        ]);
        var json = TinyExperiment.Json(folder);
        Fails("run", Spec(concept: $"{{\"dataset\": \"{json}\"}}", evaluate: $"[\"{json}\"]"), "--out", _tiny.Temp.File("o8"))
            .Should().Contain("concept dataset 'one-sided': label 'male' of dataset.json has no row in sentences.train.jsonl")
            .And.Contain(Path.Combine(folder, "sentences.train.jsonl"));

        // The same for a concept fitted on prompts.
        var prompts = _tiny.WriteDataset("one-sided-prompts", prompts:
        [
            """{"prompt": "John said that", "correct": " he", "wrong": " she", "label": "male", "pair": 0}""",
            """{"prompt": "The king thinks", "correct": " he", "wrong": " she", "label": "male", "pair": 1}""",
        ]);
        var pjson = TinyExperiment.Json(prompts);
        Fails("run", Spec(concept: $"{{\"dataset\": \"{pjson}\", \"source\": \"prompts\"}}", evaluate: $"[\"{pjson}\"]"), "--out", _tiny.Temp.File("o9"))
            .Should().Contain("label 'female' of dataset.json has no row in prompts.train.jsonl");
    }

    [Test]
    public void CudaOnACpuBuildIsOneLineNamingTheFixBeforeAnyWork()
    {
        Assume.That(TorchSharp.torch.cuda.is_available(), Is.False, "this machine has CUDA");
        var folder = _tiny.Temp.File("o10");
        Fails("run", Spec(), "--device", "cuda", "--out", folder)
            .Should().StartWith("error: --device cuda: CUDA is not available here").And.Contain("-p:TorchDevice=cuda");
        Directory.Exists(folder).Should().BeFalse();
    }

    [Test]
    public void TheSpecInsideTheOutputFolderIsNeverReplacedEvenWithForce()
    {
        var folder = _tiny.Temp.File("o11");
        Directory.CreateDirectory(folder);
        var spec = Path.Combine(folder, RunFolder.SpecFile);
        File.Copy(Spec(), spec);
        var before = File.ReadAllText(spec);
        Refused("run", spec, "--out", folder, "--force")
            .Should().Be($"error: --out {spec}: is the input SPEC.json {spec}; write the output elsewhere");
        File.ReadAllText(spec).Should().Be(before);
    }

    [Test]
    public void AnUnwritableOutputFolderFailsBeforeAnyModelLoads()
    {
        using var locked = new Cli.UnwritableFolder();
        var folder = Path.Combine(locked.Path, "run");
        Fails("run", Spec(), "--out", folder)
            .Should().Be($"error: --out {folder}: cannot write into folder '{locked.Path}' (permission denied)");
        locked.Entries().Should().BeEmpty();
    }
}
