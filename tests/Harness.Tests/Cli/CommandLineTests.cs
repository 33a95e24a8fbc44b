using Harness.Cli;

namespace Harness.Tests.Cli;

public class CommandLineTests
{
    [Test]
    public void UnknownVerbIsOneLineAndNonZero()
    {
        var (code, _, err) = Cli.Run("frobnicate");
        code.Should().NotBe(0);
        err.Trim().Should().Be("error: unknown verb 'frobnicate' (known: " + string.Join(", ", CommandLine.Verbs.Select(v => v.Name)) + ")");
    }

    [Test]
    public void ArgumentsRejectUnknownOptions()
    {
        var a = new Arguments("fit", new[] { "--rank", "2", "--rnak", "3" });
        a.Int("rank", 1).Should().Be(2);
        var act = () => a.RejectUnknown();
        act.Should().Throw<HarnessException>().WithMessage("fit: unknown option --rnak*");
    }

    [Test]
    public void ArgumentsKeepSeveralValuesAndNegativeNumbers()
    {
        var a = new Arguments("edit", new[] { "--text", "a b", "c", "--alpha", "-1.5", "--greedy" });
        a.Many("text").Should().Equal("a b", "c");
        a.Double("alpha", 0).Should().Be(-1.5);
        a.Flag("greedy").Should().BeTrue();
        a.RejectUnknown();
    }

    [Test]
    public void BadIntegerNamesTheOption()
    {
        var a = new Arguments("fit", new[] { "--rank", "two" });
        var act = () => a.Int("rank", 1);
        act.Should().Throw<HarnessException>().WithMessage("fit: --rank must be an integer, got 'two'");
    }
}
