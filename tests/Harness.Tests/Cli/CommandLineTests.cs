using Harness.Cli;
using Harness.Organisms;

namespace Harness.Tests.Cli;

/// How the command line is parsed (System.CommandLine, through each verb's declared options): the
/// shape of a usage error, where options and arguments may go, --, --version, the generated help.
/// Most cases use `corpus` (no model, instant) and `run` with a spec that does not exist (its one
/// positional argument; fails at once with exit 1 naming the path it was given).
public class CommandLineTests
{
    private TempFolder _temp = null!;

    [SetUp] public void SetUp() => _temp = new TempFolder();
    [TearDown] public void TearDown() => _temp.Dispose();

    /// A usage error: exit 2 and exactly one line on stderr, nothing on stdout.
    private static string UsageError(params string[] args)
    {
        var (code, output, err) = Cli.Run(args);
        code.Should().Be(CommandLine.ExitUsage, err);
        output.Should().BeEmpty();
        err.Should().EndWith(Environment.NewLine).And.NotContain("Usage:", "no help text after the error");
        err.TrimEnd().Should().NotContain("\n");
        return err.TrimEnd();
    }

    private static string[] Documents(params string[] args)
    {
        var (code, output, err) = Cli.Run(["corpus", .. args]);
        code.Should().Be(0, err);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static string[] Expected(int count, int seed) => new CorpusGenerator(new CorpusOptions { Seed = seed }).TrainingDocuments(count).ToArray();

    [Test]
    public void UnknownVerbIsOneLineAndNonZero()
    {
        UsageError("frobnicate").Should().Be("error: unknown verb 'frobnicate' (known: " + string.Join(", ", CommandLine.Verbs.Select(v => v.Name)) + ")");
    }

    [Test]
    public void AnUnknownOptionIsAnErrorNamingIt()
    {
        UsageError("corpus", "--count", "2", "--cuont", "3").Should().Be("error: corpus: unknown option --cuont (see `harness corpus --help`)");
        UsageError("corpus", "--cuont=3").Should().Be("error: corpus: unknown option --cuont (see `harness corpus --help`)");
        // Where a positional argument could take it, and after an option that takes several values.
        UsageError("run", "--ouput", "x", "spec.json").Should().Be("error: run: unknown option --ouput (see `harness run --help`)");
        UsageError("activations", "--text", "a", "--nyp", "x.npy").Should().Be("error: activations: unknown option --nyp (see `harness activations --help`)");
        UsageError("corpus", "stray").Should().Be("error: corpus: Unrecognized command or argument 'stray'.");
    }

    [Test]
    public void ASingleValueOptionGivenTwiceIsAnError()
    {
        UsageError("corpus", "--count", "1", "--held-out", "--count", "2").Should().Be("error: corpus: Option '--count' expects a single argument but 2 were provided.");
        UsageError("logits", "--text", "a", "--text", "b").Should().Be("error: logits: Option '--text' expects a single argument but 2 were provided.");
    }

    [Test]
    public void OptionsAndThePositionalArgumentGoInAnyOrder()
    {
        Documents("--seed", "4", "--count", "3").Should().Equal(Expected(3, 4));
        Documents("--count=3", "--seed=4").Should().Equal(Expected(3, 4));

        var spec = _temp["no-spec.json"];
        foreach (var args in new[] { new[] { "run", spec, "--force" }, ["run", "--force", spec], ["run", "--out", _temp["out"], "--force", "--threads", "2", spec] })
        {
            var (code, _, err) = Cli.Run(args);
            code.Should().Be(CommandLine.ExitFailure, string.Join(" ", args));
            err.Should().Be($"error: {spec}: no such spec file" + Environment.NewLine);
        }
    }

    [Test]
    public void DoubleDashEndsTheOptions()
    {
        // After --, a word starting with a dash is the spec's path, not an option.
        var (code, _, err) = Cli.Run("run", "--force", "--", "--no-spec.json");
        code.Should().Be(CommandLine.ExitFailure, err);
        err.Should().Be("error: --no-spec.json: no such spec file" + Environment.NewLine);
        UsageError("run", "--", "a.json", "b.json").Should().Be("error: run: Unrecognized command or argument 'b.json'.");
    }

    [Test]
    public void NegativeNumbersAreValues()
    {
        Documents("--count", "2", "--seed", "-5").Should().Equal(Expected(2, -5));
        Documents("--count", "2", "--seed=-5").Should().Equal(Expected(2, -5));
        // The value reaches the corpus's own check, as -0.5.
        var (code, _, err) = Cli.Run("corpus", "--attribute-correlation", "-0.5");
        code.Should().Be(CommandLine.ExitUsage);
        err.Trim().Should().Be("error: corpus option AttributeCorrelation must be between 0 and 1, got -0.5");
    }

    [Test]
    public void BadValuesAreOneLineNamingTheVerbAndTheOption()
    {
        UsageError("corpus", "--count", "two").Should().Be("error: corpus: --count must be an integer, got 'two'");
        UsageError("corpus", "--count", "-1").Should().Be("error: corpus: --count must be at least 0, got -1");
        UsageError("bench-erasure", "--classes", "1001").Should().Be("error: bench-erasure: --classes must be between 2 and 1000, got 1001");
        UsageError("corpus", "--occupation-skew", "high").Should().Be("error: corpus: --occupation-skew must be a finite number, got 'high'");
        UsageError("corpus", "--occupation-skew", "NaN").Should().Be("error: corpus: --occupation-skew must be a finite number, got 'NaN'");
        UsageError("bench", "--family", "llama").Should().Be("error: bench: --family must be one of gpt2, gpt_neo, got 'llama'");
        UsageError("corpus", "--count").Should().Be("error: corpus: Required argument missing for option: '--count'.");
        UsageError("corpus", "--held-out=yes").Should().Be("error: corpus: Unrecognized command or argument 'yes'.");
        UsageError("datasets").Should().Be("error: datasets: Option '--out' is required.");
        UsageError("run").Should().Be("error: run: Required argument 'SPEC.json' missing for command: 'run'.");
    }

    [Test]
    public void AResponseFileHoldsArguments()
    {
        var file = _temp["corpus.rsp"];
        File.WriteAllText(file, "--count 3\n--seed 4\n");
        Documents("@" + file).Should().Equal(Expected(3, 4));
    }

    [Test]
    public void RevisionIsRefusedForAnOrganismAndWhenBlank()
    {
        var (code, _, err) = Cli.Run("logits", "--model", "gpt2-dropout", "--revision", "v2", "--text", "She said");
        code.Should().Be(CommandLine.ExitUsage);
        err.Trim().Should().Be("error: model 'gpt2-dropout' is an organism: a revision ('v2') applies to hub ids only");
        (code, _, err) = Cli.Run("generate", "--revision", "a b", "--text", "She said");
        code.Should().Be(CommandLine.ExitUsage);
        err.Trim().Should().Be("error: generate: --revision must be a branch, tag or commit name, got 'a b'");
    }

    [Test]
    public void VersionIsTheInformationalVersion()
    {
        var (code, output, err) = Cli.Run("--version");
        code.Should().Be(0);
        err.Should().BeEmpty();
        output.Should().Be(CommandLine.Version + Environment.NewLine);
        CommandLine.Version.Should().MatchRegex(@"^\d+\.\d+\.\d+");
        UsageError("--version", "x").Should().Be("error: --version takes no arguments, got 'x'");
    }

    [Test]
    public void HelpIsGeneratedWithTheDefaults()
    {
        var (code, output, err) = Cli.Run("logits", "--help");
        code.Should().Be(0);
        err.Should().BeEmpty();
        output.Should().Contain("Usage:").And.Contain("harness logits [options]")
            .And.MatchRegex(@"--top <K> +how many tokens to print \[default: 10\]")
            .And.MatchRegex(@"--device <cpu\|cuda> +where to run .*\[default: cpu\]");
        // Help wins over an error elsewhere on the line, wherever --help is.
        Cli.Run("logits", "--tpo", "3", "-h").Should().Be((0, output, ""));

        var fit = Cli.Run("fit", "--help").Out;
        fit.Should().Contain("--method <m> (REQUIRED)").And.Contain("methods and their options (defaults in brackets):")
            .And.MatchRegex(@"--rank <n> +how many orthonormal random directions \[1\]");
        Cli.Run("run", "--help").Out.Should().Contain("harness run <SPEC.json> [options]").And.Contain("\"max_steps\": <n>");
    }

    [Test]
    public void EveryVerbHasHelp()
    {
        foreach (var verb in CommandLine.Verbs)
        {
            var (code, output, err) = Cli.Run(verb.Name, "--help");
            code.Should().Be(0, verb.Name);
            err.Should().BeEmpty(verb.Name);
            output.Should().Contain($"harness {verb.Name}").And.Contain("Options:");
        }
    }

    [Test]
    public void TheVerbListIsHelp()
    {
        var (code, output, _) = Cli.Run("--help");
        code.Should().Be(0);
        foreach (var verb in CommandLine.Verbs) output.Should().Contain($"  {verb.Name,-16}{verb.Summary}");
        Cli.Run().Should().Be((CommandLine.ExitUsage, output, ""), "no arguments: the list, but exit 2");
    }
}
