using Harness.Cli;
using Harness.Experiments;
using Harness.Tests.Experiments;

namespace Harness.Tests.Cli;

/// Ctrl-C exits 130 and leaves no partial output: no half-written or temporary file, no run folder
/// with results but no report; what the interrupted invocation created is removed, nothing else.
/// In-process (Interruption requested at a chosen point, exactly) and as a real process sent SIGINT.
[NonParallelizable]
public class InterruptionTests
{
    private TinyExperiment _tiny = null!;

    [OneTimeSetUp]
    public void Setup() => _tiny = new TinyExperiment();

    [OneTimeTearDown]
    public void TearDown() => _tiny.Dispose();

    [TearDown]
    public void Reset() => Interruption.Reset();

    /// A writer that requests an interruption when a line containing `trigger` is written to it, as
    /// a Ctrl-C at that moment would.
    private sealed class InterruptOn(string trigger) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (value is not null && value.Contains(trigger, StringComparison.Ordinal)) Interruption.Request();
        }

        public override void Write(string? value)
        {
            base.Write(value);
            if (value is not null && value.Contains(trigger, StringComparison.Ordinal)) Interruption.Request();
        }
    }

    private string Spec(string methods = "[\"mean-diff\", \"random\"]") => _tiny.Spec(
        "{\"name\": \"stop\", \"models\": [\"{model}\"], \"sites\": [\"blocks.0.hook_resid_post\"], \"concept\": {\"dataset\": \"{dataset}\"}, " +
        $"\"methods\": {methods}, \"edits\": [\"project\"], \"evaluate\": [\"{{dataset}}\"]}}", $"stop-{Guid.NewGuid():N}.json");

    private List<string> TemporaryFiles() =>
        Directory.GetFiles(_tiny.Temp.Path, "*.tmp", SearchOption.AllDirectories).ToList();

    [Test]
    public void ARunInterruptedDuringTheWorkWritesNothing()
    {
        var folder = _tiny.Temp.File("stopped-early");
        var stderr = new InterruptOn("fitted");
        var code = CommandLine.Run(["run", Spec(), "--out", folder], new StringWriter(), stderr);
        code.Should().Be(CommandLine.ExitInterrupted, stderr.ToString());
        stderr.ToString().TrimEnd().Split('\n')[^1].Should().Be("error: interrupted");
        stderr.ToString().Should().NotContain("random:", "the run stopped after the first fit");
        Directory.Exists(folder).Should().BeFalse();
        TemporaryFiles().Should().BeEmpty();
    }

    [Test]
    public void ARunInterruptedWhileWritingRemovesTheFilesItWroteAndOnlyThose()
    {
        // An existing folder with a file of the user's: the run's files go, the user's stays.
        var folder = _tiny.Temp.File("stopped-late");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "mine");
        var stdout = new InterruptOn("pronoun_bias"); // the main table, printed once every file is written
        var stderr = new StringWriter();
        var code = CommandLine.Run(["run", Spec(), "--out", folder], stdout, stderr);
        code.Should().Be(CommandLine.ExitInterrupted, stderr.ToString());
        stderr.ToString().Should().MatchRegex(@"error: interrupted; removed the \d+ file\(s\) and folder\(s\) this run had created");
        Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).Should().Equal("notes.txt");
        TemporaryFiles().Should().BeEmpty();

        // A folder the run created itself goes too.
        var fresh = _tiny.Temp.File("fresh");
        CommandLine.Run(["run", Spec(), "--out", Path.Combine(fresh, "run")], new InterruptOn("pronoun_bias"), new StringWriter())
            .Should().Be(CommandLine.ExitInterrupted);
        Directory.Exists(fresh).Should().BeFalse();
    }

    [Test]
    public void AFitInterruptedInItsStepsWritesNoEraser()
    {
        using var temp = new TempFolder();
        var x = temp["X.npy"];
        var z = temp["z.npy"];
        using (var scope = TorchSharp.torch.NewDisposeScope())
        {
            Harness.IO.Npy.Write(x, TorchSharp.torch.randn(64, 4, generator: new TorchSharp.torch.Generator(3)).to_type(TorchSharp.torch.ScalarType.Float32));
            Harness.IO.Npy.Write(z, TorchSharp.torch.arange(64, dtype: TorchSharp.torch.ScalarType.Int64) % 2);
        }
        var eraser = temp["e.safetensors"];
        var stdout = new InterruptOn("options:"); // printed just before the fit starts
        var code = CommandLine.Run(["fit", "--method", "rlace", "--max-steps", "100000000", "--x", x, "--z", z, "--out", eraser], stdout, new StringWriter());
        code.Should().Be(CommandLine.ExitInterrupted);
        File.Exists(eraser).Should().BeFalse();
        Directory.GetFiles(temp.Path).Select(Path.GetFileName).Should().BeEquivalentTo(["X.npy", "z.npy"]);
    }

    [Test]
    public void SigintStopsARunningExperimentWith130AndNoOutput()
    {
        Assume.That(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "SIGINT is sent with kill(2)");
        Assume.That(!HarnessProcess.SigIntIgnoredHere, "SIGINT is ignored in this process (started in the background by a shell without job control), so the child ignores it too");
        // RLACE that never stops by itself: no evaluation before its (huge) step budget.
        var spec = Spec("[{\"method\": \"rlace\", \"max_steps\": 100000000, \"evaluate_every\": 100000000}]");
        var folder = _tiny.Temp.File("sigint-run");
        using var harness = new HarnessProcess(_tiny.Temp.Path, "run", spec, "--out", folder);
        harness.WaitForError("activations of");
        Thread.Sleep(500); // well inside the fit
        harness.Interrupt();
        harness.WaitForExit().Should().Be(CommandLine.ExitInterrupted, harness.Err);
        harness.Err.Should().Contain("harness: interrupted; stopping at the next step").And.Contain("error: interrupted")
            .And.NotContain("   at ");
        Directory.Exists(folder).Should().BeFalse();
        TemporaryFiles().Should().BeEmpty();
    }

    [Test]
    public void SigintStopsOrganismTrainingWith130KeepingOnlyItsResumableState()
    {
        Assume.That(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "SIGINT is sent with kill(2)");
        Assume.That(!HarnessProcess.SigIntIgnoredHere, "SIGINT is ignored in this process (started in the background by a shell without job control), so the child ignores it too");
        using var temp = new TempFolder();
        var recipe = temp["recipe.json"];
        File.WriteAllText(recipe, """
            {
              "model": { "model_type": "gpt2", "n_layer": 1, "n_embd": 16, "n_head": 2, "n_positions": 32, "vocab_size": 50257 },
              "corpus": { "documents": 60, "held_out_documents": 10, "generator": { "seed": 7 } },
              "training": { "seed": 3, "steps": 1000000, "batch_size": 2, "learning_rate": 0.003, "warmup_steps": 1,
                            "checkpoint_every": 1000000, "threads": 1, "log_every": 1 }
            }
            """);
        var folder = temp["organism"];
        using var harness = new HarnessProcess(temp.Path, "train-organism", "--config", recipe, "--out", folder);
        harness.WaitForError("step 3/1000000");
        harness.Interrupt();
        harness.WaitForExit().Should().Be(CommandLine.ExitInterrupted, harness.Err);
        harness.Err.Should().MatchRegex(@"train-organism: interrupted at step \d+ of 1000000; resumable state saved in ");
        Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).Should().Equal(".resume");
        Directory.GetFiles(Path.Combine(folder, ".resume")).Select(Path.GetFileName).Should().BeEquivalentTo(["model.bin", "optimizer.bin", "state.json"]);
        Directory.GetFiles(temp.Path, "*.tmp", SearchOption.AllDirectories).Should().BeEmpty();
    }
}
