using System.Diagnostics;
using Harness.Cli;
using Harness.Erasure;
using Harness.IO;
using Harness.Models;
using static TorchSharp.torch;

namespace Harness.Tests.Cli;

/// No verb overwrites a user's file: an existing output is refused without --force and replaced
/// with it; an output that is one of the verb's inputs is refused even with --force, however it is
/// spelt; an output folder that is missing or cannot be written fails before the work, naming the
/// user's path and leaving no temporary file.
public class OutputFileTests
{
    private TempFolder _shared = null!;
    private string _model = null!;
    private TempFolder _temp = null!;
    private string _x = "", _z = "", _eraser = "";

    [OneTimeSetUp]
    public void SaveModel()
    {
        _shared = new TempFolder();
        using var model = LanguageModel.Create(ModelConfig.Gpt2(nLayers: 1, dModel: 8, nHeads: 2, nPositions: 32), seed: 2).Freeze();
        _model = _shared["tiny-gpt2"];
        HfCheckpoint.Save(model, _model);
    }

    [OneTimeTearDown]
    public void DeleteModel() => _shared.Dispose();

    [SetUp]
    public void Files()
    {
        _temp = new TempFolder();
        using var scope = NewDisposeScope();
        _x = _temp["X.npy"];
        _z = _temp["z.npy"];
        Npy.Write(_x, randn(40, 4, generator: new Generator(1)).to_type(ScalarType.Float32));
        Npy.Write(_z, arange(40, dtype: ScalarType.Int64) % 2);
        _eraser = _temp["e.safetensors"];
        Run("fit", "--method", "leace", "--x", _x, "--z", _z, "--out", _eraser).Code.Should().Be(0);
    }

    [TearDown]
    public void Clean() => _temp.Dispose();

    private static (int Code, string Out, string Err) Run(params string[] args) => Cli.Run(args);

    /// The verb was refused as a usage error, with exactly this line.
    private static void Refused((int Code, string Out, string Err) r, string message)
    {
        r.Err.Should().Be($"error: {message}" + Environment.NewLine);
        r.Code.Should().Be(CommandLine.ExitUsage);
    }

    [Test]
    public void FitRefusesAnExistingOutputWithoutForceAndReplacesItWithForce()
    {
        var output = _temp["mine.safetensors"];
        File.WriteAllText(output, "mine");
        var refused = Run("fit", "--method", "leace", "--x", _x, "--z", _z, "--out", output);
        Refused(refused, $"--out {output}: already exists; pass --force to replace it");
        refused.Out.Should().BeEmpty("nothing was fitted");
        File.ReadAllText(output).Should().Be("mine");

        var forced = Run("fit", "--method", "leace", "--x", _x, "--z", _z, "--out", output, "--force");
        forced.Code.Should().Be(0, forced.Err);
        EraserFile.Load(output).Method.Should().Be("leace");
    }

    [Test]
    public void EraseRefusesAnExistingOutputWithoutForceAndReplacesItWithForce()
    {
        var output = _temp["Y.npy"];
        File.WriteAllText(output, "mine");
        Refused(Run("erase", "--eraser", _eraser, "--x", _x, "--out", output), $"--out {output}: already exists; pass --force to replace it");
        File.ReadAllText(output).Should().Be("mine");

        Run("erase", "--eraser", _eraser, "--x", _x, "--out", output, "--force").Code.Should().Be(0);
        using var scope = NewDisposeScope();
        Npy.Read(output).shape.Should().Equal(40, 4);
    }

    [Test]
    public void LogitsRefusesAnExistingNpyWithoutForceAndReplacesItWithForce()
    {
        var output = _temp["logits.npy"];
        File.WriteAllText(output, "mine");
        var refused = Run("logits", "--model", _model, "--ids", "1,2", "--npy", output);
        Refused(refused, $"--npy {output}: already exists; pass --force to replace it");
        File.ReadAllText(output).Should().Be("mine");

        var forced = Run("logits", "--model", _model, "--ids", "1,2", "--npy", output, "--force");
        forced.Code.Should().Be(0, forced.Err);
        using var scope = NewDisposeScope();
        Npy.Read(output).shape.Should().Equal(2, Gpt2Tokenizer.VocabularySize);
    }

    [Test]
    public void ActivationsRefusesAnExistingNpyWithoutForceAndReplacesItWithForce()
    {
        var output = _temp["acts.npy"];
        File.WriteAllText(output, "mine");
        var args = new[] { "activations", "--model", _model, "--site", "ln_final", "--text", "Hello", "--npy", output };
        var refused = Run(args);
        Refused(refused, $"--npy {output}: already exists; pass --force to replace it");
        refused.Err.Should().NotContain("loaded");
        File.ReadAllText(output).Should().Be("mine");

        Run([.. args, "--force"]).Code.Should().Be(0);
        using var scope = NewDisposeScope();
        Npy.Read(output).shape.Should().Equal(1, 8);
    }

    [Test]
    public void DatasetsRefusesItsExistingFilesWithoutForceAndReplacesOnlyThemWithForce()
    {
        var folder = _temp["datasets"];
        Run("datasets", "--out", folder).Code.Should().Be(0);
        var manifest = Path.Combine(folder, "gender", "dataset.json");
        var original = File.ReadAllText(manifest);
        File.WriteAllText(manifest, "changed");
        File.WriteAllText(Path.Combine(folder, "README.md"), "mine");

        var refused = Run("datasets", "--out", folder);
        refused.Code.Should().Be(CommandLine.ExitUsage);
        refused.Err.Should().StartWith($"error: --out {folder}: already holds gender{Path.DirectorySeparatorChar}dataset.json, ").And.EndWith("pass --force to replace them" + Environment.NewLine);
        File.ReadAllText(manifest).Should().Be("changed");

        Run("datasets", "--out", folder, "--force").Code.Should().Be(0);
        File.ReadAllText(manifest).Should().Be(original);
        File.ReadAllText(Path.Combine(folder, "README.md")).Should().Be("mine", "files the verb does not write are never touched");
    }

    private const string TinyRecipe = """
        {
          "model": { "model_type": "gpt2", "n_layer": 1, "n_embd": 16, "n_head": 2, "n_positions": 32, "vocab_size": 50257 },
          "corpus": { "documents": 60, "held_out_documents": 10, "generator": { "seed": 7 } },
          "training": { "seed": 3, "steps": 8, "batch_size": 2, "learning_rate": 0.003, "warmup_steps": 1,
                        "checkpoint_every": 4, "threads": 1, "log_every": 1 }
        }
        """;

    [Test]
    public void TrainOrganismRefusesAnExistingOrganismFileWithoutForceAndGoesOnWithForce()
    {
        var recipe = _temp["recipe.json"];
        File.WriteAllText(recipe, TinyRecipe);
        var folder = _temp["organism"];
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "README.md"), "my card");

        Refused(Run("train-organism", "--config", recipe, "--out", folder, "--stop-after", "1"),
            $"--out {folder}: already holds README.md; pass --force to replace it");
        Directory.Exists(Path.Combine(folder, ".resume")).Should().BeFalse("no training started");

        var forced = Run("train-organism", "--config", recipe, "--out", folder, "--stop-after", "1", "--force");
        forced.Code.Should().Be(0, forced.Err);
        forced.Out.Should().Contain("stopped after step 1 of 8");
        File.ReadAllText(Path.Combine(folder, "README.md")).Should().Be("my card", "it is replaced only when the organism is finished");
    }

    [Test]
    public void TrainOrganismMayReadItsRecipeFromTheOutputFolderButNeverOverwriteIt()
    {
        var folder = _temp["organism"];
        Directory.CreateDirectory(folder);
        // The documented retraining in place: the recipe is DIR/training.json, which is then not rewritten.
        File.WriteAllText(Path.Combine(folder, "training.json"), TinyRecipe);
        Run("train-organism", "--config", Path.Combine(folder, "training.json"), "--out", folder, "--stop-after", "1").Code.Should().Be(0);

        // A recipe named config.json in DIR would be overwritten by the model's config.json: refused even with --force.
        var asConfig = Path.Combine(folder, "config.json");
        File.WriteAllText(asConfig, TinyRecipe);
        Refused(Run("train-organism", "--config", asConfig, "--out", folder, "--force"),
            $"--out {asConfig}: is the input --config {asConfig}; write the output elsewhere");
        File.ReadAllText(asConfig).Should().Be(TinyRecipe);
    }

    /// `--out` spelt as the input --x in four ways: the same path, a path through `..`, a symbolic
    /// link to it, a hard link to it.
    [TestCase("same")]
    [TestCase("dot-dot")]
    [TestCase("symlink")]
    [TestCase("hardlink")]
    public void AnOutputThatIsAnInputIsRefusedEvenWithForce(string spelling)
    {
        var before = File.ReadAllBytes(_x);
        var output = spelling switch
        {
            "same" => _x,
            "dot-dot" => Path.Combine(Directory.CreateDirectory(_temp["sub"]).FullName, "..", ".", "X.npy"),
            "symlink" => File.CreateSymbolicLink(_temp["link.npy"], _x).FullName,
            _ => HardLink(_x, _temp["hard.npy"]),
        };
        Refused(Run("fit", "--method", "leace", "--x", _x, "--z", _z, "--out", output, "--force"),
            $"--out {output}: is the input --x {_x}; write the output elsewhere");
        Refused(Run("erase", "--eraser", _eraser, "--x", _x, "--out", output, "--force"),
            $"--out {output}: is the input --x {_x}; write the output elsewhere");
        File.ReadAllBytes(_x).Should().Equal(before);
    }

    [Test]
    public void TheModelAndTheDatasetAreInputsToo()
    {
        var weights = Path.Combine(_model, HfCheckpoint.WeightsFile);
        Refused(Run("logits", "--model", _model, "--ids", "1,2", "--npy", weights, "--force"),
            $"--npy {weights}: is the input --model {weights}; write the output elsewhere");
        var dataset = _temp["prompts.jsonl"];
        File.WriteAllText(dataset, "{\"text\": \"Hello\"}\n");
        Refused(Run("activations", "--model", _model, "--site", "ln_final", "--dataset", dataset, "--npy", dataset, "--force"),
            $"--npy {dataset}: is the input --dataset {dataset}; write the output elsewhere");
        File.ReadAllText(dataset).Should().Be("{\"text\": \"Hello\"}\n");
    }

    [Test]
    public void AMissingFolderFailsBeforeTheWork()
    {
        var output = Path.Combine(_temp["no-such-folder"], "e.safetensors");
        var fit = Run("fit", "--method", "leace", "--x", _x, "--z", _z, "--out", output);
        fit.Err.Should().Be($"error: --out {output}: cannot write: folder '{_temp["no-such-folder"]}' does not exist" + Environment.NewLine);
        fit.Code.Should().Be(CommandLine.ExitFailure);
        fit.Out.Should().BeEmpty("nothing was fitted");

        var logits = Run("logits", "--model", _model, "--ids", "1,2", "--npy", Path.Combine(_temp["no-such-folder"], "l.npy"));
        logits.Code.Should().Be(CommandLine.ExitFailure);
        logits.Err.Should().NotContain("loaded");
    }

    [Test]
    public void AnUnwritableFolderFailsBeforeTheWorkNamingTheUsersPathAndLeavesNothing()
    {
        using var locked = new UnwritableFolder();
        var output = locked.File("e.safetensors");
        var fit = Run("fit", "--method", "leace", "--x", _x, "--z", _z, "--out", output);
        fit.Code.Should().Be(CommandLine.ExitFailure);
        fit.Err.Should().Be($"error: --out {output}: cannot write into folder '{locked.Path}' (permission denied)" + Environment.NewLine);
        fit.Out.Should().BeEmpty("nothing was fitted");

        var logits = Run("logits", "--model", _model, "--ids", "1,2", "--npy", locked.File("l.npy"));
        logits.Code.Should().Be(CommandLine.ExitFailure);
        logits.Err.Should().Contain($"error: --npy {locked.File("l.npy")}: cannot write into folder").And.NotContain("loaded");

        var datasets = Run("datasets", "--out", Path.Combine(locked.Path, "datasets"));
        datasets.Code.Should().Be(CommandLine.ExitFailure);
        datasets.Err.Should().StartWith($"error: --out {Path.Combine(locked.Path, "datasets")}: cannot write into folder '{locked.Path}'");
        locked.Entries().Should().BeEmpty("no probe or temporary file is left");
    }

    [Test]
    public void AnAtomicWriteThatFailsNamesTheUsersPathNotItsTemporaryFile()
    {
        using var locked = new UnwritableFolder();
        var target = locked.File("X.npy");
        var act = () => AtomicFile.Write(target, s => s.WriteByte(1));
        act.Should().Throw<HarnessException>().Which.Message.Should().Be($"{target}: cannot write (permission denied)");
        locked.Entries().Should().BeEmpty();

        // A failure while writing (here the write itself throws, as a full disk would) removes the
        // temporary file and leaves the old file as it was.
        var existing = _temp["old.npy"];
        File.WriteAllText(existing, "old");
        var failing = () => AtomicFile.Write(existing, s => { s.WriteByte(1); throw new IOException("No space left on device"); });
        failing.Should().Throw<HarnessException>().Which.Message.Should().Be($"{existing}: cannot write (No space left on device)");
        File.ReadAllText(existing).Should().Be("old");
        Directory.GetFiles(_temp.Path, "*.tmp", SearchOption.AllDirectories).Should().BeEmpty();
    }

    /// A second name for `file` (hard link); inconclusive where `ln` is not available.
    private static string HardLink(string file, string link)
    {
        try
        {
            using var ln = Process.Start(new ProcessStartInfo("ln", [file, link]) { RedirectStandardError = true });
            ln!.WaitForExit(10_000);
            if (ln.ExitCode == 0) return link;
        }
        catch (System.ComponentModel.Win32Exception) { }
        Assert.Inconclusive("cannot make a hard link here");
        return link;
    }
}
