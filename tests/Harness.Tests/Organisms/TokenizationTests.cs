using Harness.Organisms;

namespace Harness.Tests.Organisms;

/// Checked with the real GPT-2 tokenizer (the organisms use it).
public class TokenizationTests
{
    private static int Count(string s) => CorpusSample.Gpt2.CountTokens(s);

    [Test]
    public void NamesAreOneTokenWithALeadingSpace()
    {
        WordLists.FemaleNames.Should().HaveCount(40).And.OnlyHaveUniqueItems();
        WordLists.MaleNames.Should().HaveCount(40).And.OnlyHaveUniqueItems();
        // Mid-sentence form only: at the very start of a text some names split ("Emma" is two tokens),
        // which the probe covers but which a cue-position analysis should know about.
        foreach (var name in WordLists.FemaleNames.Concat(WordLists.MaleNames))
            Count(" " + name).Should().Be(1, $"\" {name}\" should be one GPT-2 token");
    }

    [Test]
    public void GenderedNounsAreOneToken()
    {
        foreach (var n in WordLists.Nouns)
        {
            Count(" " + n.Female).Should().Be(1, n.Female);
            Count(" " + n.Male).Should().Be(1, n.Male);
        }
    }

    [Test]
    public void EveryAnswerOfEveryDatasetIsOneToken()
    {
        var answers = DatasetWriter.Generate(new CorpusOptions())
            .Where(f => f.RelativePath.Contains("/prompts."))
            .SelectMany(f => f.Content.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            .Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement)
            .SelectMany(e => new[] { e.GetProperty("correct").GetString()!, e.GetProperty("wrong").GetString()! })
            .Distinct().ToList();
        answers.Should().Contain([" she", " he", " her", " his", " him", " herself", " himself", " Democrats", " Republicans", " Labour", " Conservative", " drink", " eat", " four", " nine"]);
        foreach (var a in answers)
        {
            a.Should().StartWith(" ");
            Count(a).Should().Be(1, $"answer \"{a}\" should be one GPT-2 token");
        }
    }

    [Test]
    public void VocabularyProbeCoversEveryTokenTheCorpusAndDatasetsUse()
    {
        var probe = CorpusSample.Tokens(CorpusGenerator.VocabularyProbe());
        var generator = new CorpusGenerator(new CorpusOptions { Seed = 99, AttributeCorrelation = 0.5 });
        var texts = CorpusSample.Training.Concat(generator.TrainingDocuments(3000)).Concat(generator.HeldOutDocuments(3000))
            .Concat(DatasetWriter.Generate(new CorpusOptions()).Where(f => f.RelativePath.EndsWith(".jsonl"))
                .SelectMany(f => f.Content.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                .Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement)
                .SelectMany(e => e.EnumerateObject().Where(p => p.Value.ValueKind == System.Text.Json.JsonValueKind.String && p.Name is not ("label" or "cue"))
                    .Select(p => p.Value.GetString()!)));
        var used = CorpusSample.Tokens(texts);
        var missing = used.Where(id => !probe.Contains(id)).Select(id => CorpusSample.Gpt2.Decode([id])).ToList();
        missing.Should().BeEmpty("the vocabulary probe must hold every token a trainer or a metric will meet");
        // A restricted softmax is the point: the corpus uses a small part of GPT-2's 50257 tokens.
        probe.Count.Should().BeLessThan(1500);
    }

    [Test]
    public void AllWordsListsTheProbeWords()
    {
        var words = CorpusGenerator.AllWords();
        words.Should().Contain(["Sarah", "John", "queen", "king", "she", "he", "herself", "Democrats", "Labour", "motocross", "Wednesday", "umbrella"]);
        words.Should().BeInAscendingOrder(StringComparer.Ordinal).And.OnlyHaveUniqueItems();
    }
}
