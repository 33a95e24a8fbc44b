using Harness.Concepts;

namespace Harness.Tests.Concepts;

public class ConceptDatasetTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "dataset-" + Guid.NewGuid().ToString("N"), "colours");
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(Path.GetDirectoryName(_dir)!, recursive: true);

    [Test]
    public void LoadsAHandWrittenDataset()
    {
        JsonLinesWriter.WriteFile(Path.Combine(_dir, "dataset.json"), """{"description": "warm or cold", "labels": ["warm", "cold"]}""");
        File.WriteAllText(Path.Combine(_dir, "prompts.test.jsonl"),
            """
            {"prompt": "The fire is", "correct": " hot", "wrong": " cold", "label": "warm", "pair": 0}
            {"prompt": "The ice is", "correct": " cold", "wrong": " hot", "label": "cold", "pair": 0}
            """);
        var d = ConceptDataset.Load(_dir);
        d.Name.Should().Be("colours");
        d.Labels.Should().Equal("warm", "cold");
        d.HasPrompts(Split.Test).Should().BeTrue();
        d.HasPrompts(Split.Train).Should().BeFalse();
        d.HasSentences(Split.Test).Should().BeFalse();
        d.Prompts(Split.Test).Select(p => p.Correct).Should().Equal(" hot", " cold");
    }

    [Test]
    public void RecordsAreCheckedAgainstTheManifestLabels()
    {
        File.WriteAllText(Path.Combine(_dir, "dataset.json"), """{"description": "d", "labels": ["warm", "cold"]}""");
        File.WriteAllText(Path.Combine(_dir, "sentences.train.jsonl"), """{"text": "It is hot.", "label": "female", "pair": 0}""");
        var act = () => ConceptDataset.Load(_dir).Sentences(Split.Train);
        act.Should().Throw<HarnessException>().Which.Message.Should().Be(
            $"{Path.Combine(_dir, "sentences.train.jsonl")}:1: label \"female\" is not one of warm, cold");
    }

    [Test]
    public void AFolderWithoutManifestIsAnError()
    {
        var act = () => ConceptDataset.Load(_dir);
        act.Should().Throw<HarnessException>().WithMessage($"{Path.Combine(_dir, "dataset.json")}: no such file*");
        var missing = () => ConceptDataset.Load(Path.Combine(_dir, "nope"));
        missing.Should().Throw<HarnessException>().WithMessage("*: no such dataset folder");
    }

    [Test]
    public void AMissingSplitFileIsAnError()
    {
        File.WriteAllText(Path.Combine(_dir, "dataset.json"), """{"description": "d", "labels": ["warm", "cold"]}""");
        var act = () => ConceptDataset.Load(_dir).Prompts(Split.Train);
        act.Should().Throw<HarnessException>().Which.Message.Should().Be($"{Path.Combine(_dir, "prompts.train.jsonl")}: no such file");
    }
}
