using Harness.Experiments;

namespace Harness.Tests.Experiments;

/// results.json keeps every field of a row, omits those a row lacks, and names the file and row of
/// a malformed field.
public class ResultsFileTests
{
    [Test]
    public void RowsRoundTripWithTheirIntervalsLabelsAndEffects()
    {
        using var temp = new TempFolder();
        var path = temp.File("results.json");
        var rows = new[]
        {
            new ResultRow("e", "m", "s", "none", "none", "gender", "test", "pronoun_bias", 0.9) { N = 300, CiLow = 0.88, CiHigh = 0.92 },
            new ResultRow("e", "m", "s", "rlace", "reflect", "gender", "test", "pronoun_bias", -0.8)
                { Label = "female", N = 150, CiLow = -0.85, CiHigh = -0.75, Effect = -1.7, EffectCiLow = -1.75, EffectCiHigh = -1.65 },
            new ResultRow("e", "m", "s", "rlace", "fit", "gender", "train", "directions", 1) { Seeds = 5, SeedSd = 0, SeedMin = 1, SeedMax = 1 },
            new ResultRow("e", "m", "s", "rlace(seed=1)", "reflect", "gender", "test", "pronoun_bias", -0.7)
                { N = 300, CiLow = -0.75, CiHigh = -0.65, NullN = 100, NullRank = 0.0099, SeedOf = "rlace" },
            new ResultRow("e", "m", "s", "rlace", "reflect", "wiki", "text", "kl_damage", double.PositiveInfinity),
        };
        ResultsFile.Write(path, rows);
        var back = ResultsFile.Read(path);
        back.Take(4).Should().Equal(rows.Take(4));
        double.IsNaN(back[4].Value).Should().BeTrue("a non-finite value is written as null and read as NaN");
        File.ReadAllLines(path)[3].Should().Contain("\"seeds\":5,\"seed_sd\":0,\"seed_min\":1,\"seed_max\":1");
        File.ReadAllLines(path)[5].Should().NotContain("\"n\"").And.NotContain("ci_low").And.NotContain("label");
    }

    [TestCase("\"n\":0", "field 'n' must be a positive integer")]
    [TestCase("\"n\":1.5", "field 'n' must be a positive integer")]
    [TestCase("\"ci_low\":\"a\"", "field 'ci_low' must be a number or null")]
    [TestCase("\"label\":3", "field 'label' must be a string")]
    [TestCase("\"seeds\":0", "field 'seeds' must be a positive integer")]
    [TestCase("\"seed_of\":1", "field 'seed_of' must be a string")]
    public void AMalformedFieldIsAnErrorNamingTheFileAndRow(string field, string message)
    {
        using var temp = new TempFolder();
        var path = temp.File("results.json");
        File.WriteAllText(path, "[{\"experiment\":\"e\",\"model\":\"m\",\"site\":\"s\",\"method\":\"none\",\"edit\":\"none\",\"dataset\":\"d\",\"split\":\"test\",\"metric\":\"pronoun_bias\",\"value\":0.5," + field + "}]");
        FluentActions.Invoking(() => ResultsFile.Read(path)).Should().Throw<HarnessException>().WithMessage($"{path}: row 0 {message}");
    }
}
