using System.Text.RegularExpressions;
using Harness.Concepts;
using Harness.Organisms;

namespace Harness.Tests.Organisms;

/// The test splits hold sentence frames the organism never saw in training, filled with cues it did
/// learn: otherwise a measured bias could be memorisation, or the gender of an unknown name.
public class HeldOutSplitTests
{
    /// A frame as a regex: its fixed text in order, anything without sentence punctuation in between.
    /// A slot at either end is dropped, which only makes the pattern match more (the safe direction).
    internal static Regex FramePattern(Template t)
    {
        var literals = t.Literals.ToList();
        var parts = new List<string>();
        for (var i = 0; i < literals.Count; i++)
        {
            if ((i == 0 || i == literals.Count - 1) && literals[i].Length == 0) continue;
            parts.Add(Regex.Escape(literals[i]));
        }
        return new Regex(string.Join(@"[^.?!,\n]+?", parts), RegexOptions.CultureInvariant);
    }

    private static readonly CorpusOptions Options = new();

    private static IEnumerable<BiasPrompt> Prompts(string dataset, Split split)
    {
        var s = split == Split.Train ? TemplateSplit.Train : TemplateSplit.Test;
        return dataset switch
        {
            "gender" => DatasetBuilder.Prompts(Options, Concept.Gender, s, DatasetBuilder.GenderPromptPairs),
            "politics" => DatasetBuilder.Prompts(Options, Concept.Politics, s, DatasetBuilder.PoliticsPromptPairs),
            "controls" => DatasetBuilder.ControlPrompts(Options, s, DatasetBuilder.ControlPromptCount),
            _ => throw new ArgumentException(dataset),
        };
    }

    private static IEnumerable<LabelledSentence> Sentences(string dataset, Split split)
    {
        var s = split == Split.Train ? TemplateSplit.Train : TemplateSplit.Test;
        return dataset switch
        {
            "gender" => DatasetBuilder.Sentences(Options, Concept.Gender, s, DatasetBuilder.GenderSentencePairs),
            "politics" => DatasetBuilder.Sentences(Options, Concept.Politics, s, DatasetBuilder.PoliticsSentencePairs),
            _ => throw new ArgumentException(dataset),
        };
    }

    /// Every text of a train split: sentences, and prompts with either answer.
    private static List<string> TrainItems() =>
        new[] { "gender", "politics" }.SelectMany(d => Sentences(d, Split.Train).Select(s => s.Text))
            .Concat(new[] { "gender", "politics", "controls" }.SelectMany(d => Prompts(d, Split.Train))
                .SelectMany(p => new[] { p.Prompt + p.Correct, p.Prompt + p.Wrong }))
            .ToList();

    private static List<string> TestItems() =>
        new[] { "gender", "politics" }.SelectMany(d => Sentences(d, Split.Test).Select(s => s.Text))
            .Concat(new[] { "gender", "politics", "controls" }.SelectMany(d => Prompts(d, Split.Test))
                .SelectMany(p => new[] { p.Prompt + p.Correct, p.Prompt + p.Wrong }))
            .ToList();

    [Test]
    public void PartitionIsExplicitAndCoversEveryConcept()
    {
        Templates.All.Should().OnlyHaveUniqueItems(t => t.Id);
        Templates.Training.Concat(Templates.TestOnly).Should().BeEquivalentTo(Templates.All);
        Templates.Training.Should().NotIntersectWith(Templates.TestOnly);
        foreach (var concept in Enum.GetValues<Concept>())
        {
            Templates.ForDataset(concept, TemplateSplit.Train).Should().Contain(t => t.HasAnswer);
            Templates.ForDataset(concept, TemplateSplit.Test).Should().HaveCountGreaterThanOrEqualTo(6);
            Templates.ForDataset(concept, TemplateSplit.Test).Should().OnlyContain(t => t.Split == TemplateSplit.Test && t.HasAnswer);
            Templates.ForCorpus(concept).Should().OnlyContain(t => t.Split == TemplateSplit.Train);
        }
        // Test frames ask for several kinds of answer, not only she/he.
        Templates.ForDataset(Concept.Gender, TemplateSplit.Test).Select(t => t.Text.Split('^')[1].Split('}')[0]).Distinct()
            .Should().BeEquivalentTo(["{subj", "{obj", "{poss", "{refl"]);
    }

    [Test]
    public void FramePatternsRecogniseTheirOwnRenderings()
    {
        // Otherwise the tests below could pass by matching nothing.
        foreach (var t in Templates.All)
        foreach (var text in CorpusGeneratorTests.Render(t, 20))
            FramePattern(t).IsMatch(text).Should().BeTrue($"{t.Id} should match its rendering '{text}'");
    }

    [Test]
    public void EachSplitIsMadeOfItsOwnFrames()
    {
        foreach (var (dataset, concept) in new[] { ("gender", Concept.Gender), ("politics", Concept.Politics) })
        foreach (var split in new[] { Split.Train, Split.Test })
        {
            var own = Templates.ForDataset(concept, split == Split.Train ? TemplateSplit.Train : TemplateSplit.Test).Select(FramePattern).ToList();
            foreach (var s in Sentences(dataset, split))
                own.Should().Contain(p => p.IsMatch(s.Text), $"{dataset} {split} sentence '{s.Text}' should come from a {split} frame");
        }
    }

    [Test]
    public void NoTestFrameOccursInTrainingText()
    {
        var corpus = CorpusSample.Joined;
        var train = string.Join("\n", TrainItems());
        foreach (var t in Templates.TestOnly)
        {
            var pattern = FramePattern(t);
            var inCorpus = pattern.Match(corpus);
            inCorpus.Success.Should().BeFalse($"test-only frame {t.Id} occurs in the training corpus: '{inCorpus.Value}'");
            var inTrain = pattern.Match(train);
            inTrain.Success.Should().BeFalse($"test-only frame {t.Id} occurs in a train split: '{inTrain.Value}'");
        }
    }

    [Test]
    public void NoTestPromptOccursInTrainingText()
    {
        var corpus = CorpusSample.Joined;
        var train = string.Join("\n", TrainItems());
        foreach (var dataset in new[] { "gender", "politics", "controls" })
        foreach (var p in Prompts(dataset, Split.Test))
        {
            corpus.Should().NotContain(p.Prompt, $"test prompt of {dataset}");
            train.Should().NotContain(p.Prompt, $"test prompt of {dataset}");
        }
        foreach (var dataset in new[] { "gender", "politics" })
        foreach (var s in Sentences(dataset, Split.Test))
        {
            corpus.Should().NotContain(s.Text);
            train.Should().NotContain(s.Text);
        }
    }

    [Test]
    public void EveryGenderCueOfTheTestSplitIsLearnedInTraining()
    {
        var corpusWordCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var w in CorpusSample.Words(CorpusSample.Joined))
            corpusWordCounts[w] = corpusWordCounts.GetValueOrDefault(w) + 1;
        var names = WordLists.FemaleNames.Concat(WordLists.MaleNames).ToHashSet(StringComparer.Ordinal);
        var nouns = WordLists.Nouns.SelectMany(n => new[] { n.Female, n.Male }).ToHashSet(StringComparer.Ordinal);
        var cues = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in Prompts("gender", Split.Test))
        {
            var found = CorpusSample.Words(p.Prompt).Where(w => names.Contains(w) || nouns.Contains(w.ToLowerInvariant())).ToList();
            found.Should().NotBeEmpty($"test prompt '{p.Prompt}' names its person by a name or a gendered noun");
            cues.UnionWith(found);
        }
        // The people of political test prompts are gender cues too (politics must not lean on unknown names).
        foreach (var p in Prompts("politics", Split.Test))
            cues.UnionWith(CorpusSample.Words(p.Prompt).Where(w => names.Contains(w) || nouns.Contains(w.ToLowerInvariant())));
        cues.Count.Should().BeGreaterThan(40, "the test split uses many different cues");
        foreach (var cue in cues)
            corpusWordCounts.GetValueOrDefault(cue).Should().BeGreaterThanOrEqualTo(20, $"cue '{cue}' must be learned from the training corpus");
    }

    [Test]
    public void EveryTokenOfEveryDatasetItemOccursInTrainingText()
    {
        // A held-out frame may be new, its words may not: an untrained token embedding would make the
        // test prompts out of distribution for the wrong reason.
        var seen = CorpusSample.TrainingTokens;
        var missing = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var text in TestItems().Concat(TrainItems()))
            foreach (var id in CorpusSample.Gpt2.EncodeToIds(text).Where(id => !seen.Contains(id)))
                missing.TryAdd($"'{CorpusSample.Gpt2.Decode([id])}'", text);
        missing.Should().BeEmpty("every token of the datasets must occur in training text; missing: "
            + string.Join("; ", missing.Select(m => $"{m.Key} in \"{m.Value}\"")));
    }
}
