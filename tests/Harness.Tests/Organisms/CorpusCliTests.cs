using Harness.Organisms;
using Harness.Tests.Cli;

namespace Harness.Tests.Organisms;

public class CorpusCliTests
{
    [Test]
    public void DatasetsVerbWritesTheDatasets()
    {
        var dir = Path.Combine(Path.GetTempPath(), "datasets-cli-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, output, err) = Cli.Cli.Run("datasets", "--out", dir, "--seed", "3");
            err.Should().BeEmpty();
            code.Should().Be(0);
            output.Should().Contain("gender/prompts.test.jsonl".Replace('/', Path.DirectorySeparatorChar));
            File.ReadAllText(Path.Combine(dir, "gender", "prompts.test.jsonl"))
                .Should().Be(DatasetWriter.Generate(new CorpusOptions { Seed = 3 }).Single(f => f.RelativePath == "gender/prompts.test.jsonl").Content);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void DatasetsVerbNeedsOut()
    {
        var (code, _, err) = Cli.Cli.Run("datasets");
        code.Should().NotBe(0);
        err.Trim().Should().Be("error: datasets: Option '--out' is required.");
    }

    [Test]
    public void CorpusVerbPrintsDocuments()
    {
        var (code, output, _) = Cli.Cli.Run("corpus", "--count", "3", "--seed", "4");
        code.Should().Be(0);
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Should().Equal(new CorpusGenerator(new CorpusOptions { Seed = 4 }).TrainingDocuments(3));
    }

    [Test]
    public void CorpusVerbRejectsABadCorrelation()
    {
        var (code, _, err) = Cli.Cli.Run("corpus", "--attribute-correlation", "1.2");
        code.Should().NotBe(0);
        err.Trim().Should().Be("error: corpus option AttributeCorrelation must be between 0 and 1, got 1.2");
    }
}
