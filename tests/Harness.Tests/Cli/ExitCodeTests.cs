using System.Runtime.InteropServices;
using Harness.Cli;
using Harness.Models;
using static TorchSharp.torch;

namespace Harness.Tests.Cli;

/// Usage errors exit 2, runtime failures 1, both as one line `error: ...` on stderr with no stack
/// trace unless HARNESS_DEBUG=1.
public class ExitCodeTests
{
    private TempFolder _temp = null!;

    [SetUp] public void SetUp() => _temp = new TempFolder();
    [TearDown] public void TearDown() => _temp.Dispose();

    private static string OneErrorLine(string err)
    {
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).Should().ContainSingle(err);
        err.Should().NotContain("   at ", "no stack trace without HARNESS_DEBUG");
        return lines.Single(l => l.StartsWith("error: ", StringComparison.Ordinal)).TrimEnd();
    }

    private string Spec(string json)
    {
        var path = _temp["spec.json"];
        File.WriteAllText(path, json);
        return path;
    }

    private static readonly string[] NoArguments = [];

    public static IEnumerable<TestCaseData> UsageErrors()
    {
        yield return new TestCaseData((object)NoArguments).SetName("no verb");
        yield return new TestCaseData((object)new[] { "frobnicate" }).SetName("unknown verb");
        yield return new TestCaseData((object)new[] { "logits", "--ids", "1", "--tpo", "3" }).SetName("unknown option");
        yield return new TestCaseData((object)new[] { "logits", "--ids", "1", "--top", "many" }).SetName("bad option value");
        yield return new TestCaseData((object)new[] { "fit", "--method", "leace", "--out", "e.safetensors" }).SetName("missing option");
        yield return new TestCaseData((object)new[] { "fit", "--method", "rlace2", "--x", "X.npy", "--out", "e.safetensors" }).SetName("unknown method");
        yield return new TestCaseData((object)new[] { "logits", "--ids", "1", "--dtype", "int8" }).SetName("unknown dtype");
        yield return new TestCaseData((object)new[] { "run" }).SetName("missing spec argument");
    }

    [TestCaseSource(nameof(UsageErrors))]
    public void UsageErrorsExit2(string[] args)
    {
        var (code, _, err) = Cli.Run(args);
        code.Should().Be(CommandLine.ExitUsage, err);
        if (args.Length > 0) OneErrorLine(err);
    }

    [TestCase("""{"name": "x", "sites": ["ln_final"], "concept": {"dataset": "gender"}, "methods": ["leace"], "colour": 1}""", "unknown field 'colour'")]
    [TestCase("""{"name": "x", "sites": ["ln_final"], "concept": {"dataset": "gender"}, "methods": ["leeace"]}""", "unknown method 'leeace'")]
    [TestCase("""{"name": "x", "layers": {"site": "hook_resid_pre", "layers": [9]}, "concept": {"dataset": "gender"}, "methods": ["leace"]}""", "layer 9 is out of range")]
    [TestCase("""{"name": "x", "sites": ["ln_final"], "concept": {"dataset": "gendre"}, "methods": ["leace"]}""", "dataset 'gendre' not found")]
    [TestCase("""{"name": "x", "sites": ["ln_final"], "concept": {"dataset": "gender"}, "methods": ["leace"],""", "not valid JSON")]
    public void AWrongSpecExits2(string json, string message)
    {
        var (code, _, err) = Cli.Run("run", Spec(json), "--out", _temp["out"]);
        code.Should().Be(CommandLine.ExitUsage, err);
        OneErrorLine(err).Should().Contain(message);
        err.Should().NotContain("loading");
    }

    [Test]
    public void RuntimeFailuresExit1()
    {
        var missing = _temp["missing.npy"];
        var (code, _, err) = Cli.Run("fit", "--method", "mean-diff", "--x", missing, "--z", missing, "--out", _temp["e.safetensors"]);
        code.Should().Be(CommandLine.ExitFailure);
        OneErrorLine(err).Should().Contain(missing);

        var corrupt = _temp["corrupt.npy"];
        File.WriteAllText(corrupt, "not an array");
        (code, _, err) = Cli.Run("fit", "--method", "random", "--x", corrupt, "--out", _temp["e.safetensors"]);
        code.Should().Be(CommandLine.ExitFailure);
        OneErrorLine(err).Should().StartWith($"error: {corrupt}: ");

        (code, _, err) = Cli.Run("run", _temp["no-spec.json"]);
        code.Should().Be(CommandLine.ExitFailure);
        OneErrorLine(err).Should().Be($"error: {_temp["no-spec.json"]}: no such spec file");

        (code, _, err) = Cli.Run("logits", "--model", _temp["no-model"], "--ids", "1");
        code.Should().Be(CommandLine.ExitFailure);
        OneErrorLine(err).Should().Be($"error: model directory '{_temp["no-model"]}' does not exist");
    }

    [Test]
    public void AModelThatDoesNotFitInMemoryIsOneLineExit1()
    {
        // A real allocation failure: a config whose embedding alone would need 10 TB. LibTorch's
        // allocator refuses it, TorchSharp surfaces that as an ExternalException with a C++
        // backtrace, and the command line says "out of memory" in one line.
        var folder = _temp["huge"];
        using (var small = LanguageModel.Create(ModelConfig.Gpt2(nLayers: 1, dModel: 8, nHeads: 1, nPositions: 8), seed: 1))
            HfCheckpoint.Save(small, folder);
        var config = Path.Combine(folder, HfCheckpoint.ConfigFile);
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"n_embd\": 8", "\"n_embd\": 50000000"));
        File.ReadAllText(config).Should().Contain("50000000");

        var (code, _, err) = Cli.Run("logits", "--model", folder, "--ids", "1");
        code.Should().Be(CommandLine.ExitFailure);
        OneErrorLine(err).Should().StartWith("error: out of memory: ").And.Contain("can't allocate memory").And.EndWith("try a smaller model, batch or dtype");
    }

    [Test]
    public void HarnessDebugAddsTheStackTrace()
    {
        var missing = _temp["missing.npy"];
        string[] args = ["fit", "--method", "random", "--x", missing, "--out", _temp["e.safetensors"]];
        var previous = Environment.GetEnvironmentVariable(CommandLine.DebugVariable);
        try
        {
            Environment.SetEnvironmentVariable(CommandLine.DebugVariable, null);
            var quiet = Cli.Run(args);
            OneErrorLine(quiet.Err);

            Environment.SetEnvironmentVariable(CommandLine.DebugVariable, "1");
            var debug = Cli.Run(args);
            debug.Code.Should().Be(quiet.Code);
            debug.Err.Should().StartWith(quiet.Err, "the same line first")
                .And.Contain("Harness.HarnessException: ").And.Contain("   at Harness.IO.Npy.Read");
        }
        finally
        {
            Environment.SetEnvironmentVariable(CommandLine.DebugVariable, previous);
        }
    }

    [Test]
    public void UnexpectedExceptionsAreOneLineExit1AndTheirStackTraceOnlyWithDebug()
    {
        Exception thrown;
        try { throw new InvalidOperationException("Sequence contains no elements\nsecond line"); }
        catch (InvalidOperationException e) { thrown = e; }

        var quiet = new StringWriter();
        CommandLine.Report(thrown, quiet, debug: false).Should().Be(CommandLine.ExitFailure);
        quiet.ToString().Should().Be("error: InvalidOperationException: Sequence contains no elements (unexpected; set HARNESS_DEBUG=1 for the stack trace)" + Environment.NewLine);

        var debug = new StringWriter();
        CommandLine.Report(thrown, debug, debug: true);
        debug.ToString().Should().StartWith(quiet.ToString()).And.Contain("   at Harness.Tests.Cli.ExitCodeTests");
    }

    [Test]
    public void LibTorchErrorsAreOneLineWithoutTheirCppBacktrace()
    {
        Exception thrown;
        try
        {
            using var a = zeros(2, 3);
            using var b = zeros(4, 5);
            using var c = a.mm(b);
            throw new AssertionException("mm of [2, 3] by [4, 5] should fail");
        }
        catch (ExternalException e) { thrown = e; }
        thrown.Message.Should().Contain("\n", "LibTorch appends its backtrace");

        var err = new StringWriter();
        CommandLine.Report(thrown, err, debug: false).Should().Be(CommandLine.ExitFailure);
        var line = err.ToString();
        line.Should().StartWith("error: LibTorch: ").And.EndWith(Environment.NewLine);
        line.TrimEnd().Should().NotContain("\n");
    }

    [Test]
    public void DotNetOutOfMemoryIsExit1()
    {
        var err = new StringWriter();
        CommandLine.Report(new OutOfMemoryException("Array dimensions exceeded supported range."), err, debug: false).Should().Be(CommandLine.ExitFailure);
        err.ToString().Should().Be("error: out of memory (Array dimensions exceeded supported range.); try a smaller model, batch or dtype" + Environment.NewLine);
    }

    [Test]
    public void AnErrorRephrasedWithContextKeepsItsKind()
    {
        new UsageException("a").Rephrase("spec: a").Should().BeOfType<UsageException>();
        new HarnessException("a").Rephrase("spec: a").Should().BeOfType<HarnessException>();
    }
}
