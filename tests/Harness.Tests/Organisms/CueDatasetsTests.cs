using Harness.Concepts;
using Harness.Organisms;

namespace Harness.Tests.Organisms;

/// The prompts whose only gender cues are correlated features: no name and no gendered noun before
/// the answer, the features' groups balanced and crossed with the frames, and a pair that differs
/// in the features' words and the answer alone.
public class CueDatasetsTests
{
    private static readonly HashSet<string> GenderedWords = WordLists.FemaleNames.Concat(WordLists.MaleNames)
        .Concat(WordLists.Nouns.SelectMany(n => new[] { n.For(Gender.Female), n.For(Gender.Male) }))
        .Concat(["she", "he", "her", "him", "his", "herself", "himself"]).ToHashSet(StringComparer.OrdinalIgnoreCase);

    private static IEnumerable<(string Name, IReadOnlyList<BiasPrompt> Prompts)> All()
    {
        foreach (var split in new[] { TemplateSplit.Train, TemplateSplit.Test })
        {
            yield return ($"gender-attributes {split}", CueDatasets.AttributePrompts(new CorpusOptions(), split));
            yield return ($"gender-cues {split}", CueDatasets.CuePrompts(new CorpusOptions(), split));
        }
    }

    [Test]
    public void NoNameNoGenderedNounNoPronounBeforeTheAnswer()
    {
        foreach (var (name, prompts) in All())
        {
            prompts.Should().HaveCount(2 * CueDatasets.PromptPairs, name);
            foreach (var p in prompts)
                p.Prompt.Split(' ', ',', '.').Where(w => GenderedWords.Contains(w)).Should().BeEmpty($"{name}: {p.Prompt}");
        }
    }

    [Test]
    public void APairIsTheSameFrameForAWomanAndAMan()
    {
        foreach (var (name, prompts) in All())
            foreach (var pair in prompts.GroupBy(p => p.Pair))
            {
                var (f, m) = (pair.Single(p => p.Label == "female"), pair.Single(p => p.Label == "male"));
                (f.Correct, f.Wrong).Should().Be((m.Wrong, m.Correct), name);
                f.Cue.Should().Be(m.Cue);
            }
    }

    [Test]
    public void EveryGroupIsBalancedAndMeetsEveryFrame()
    {
        var cues = CueDatasets.CuePrompts(new CorpusOptions(), TemplateSplit.Test);
        cues.GroupBy(p => p.Cue).Select(g => g.Key).Should().BeEquivalentTo(["1", "2", "3", "conflict"]);
        cues.GroupBy(p => p.Cue).Select(g => g.Count()).Distinct().Should().ContainSingle("each group has the same number of prompts");
        var frames = CueDatasets.Frames(TemplateSplit.Test).Count;
        frames.Should().Be(12, "the twelve test-only gender frames all name the person by the cue slot");
        // A frame is known by its last words; each group meets at least 10 of the 12.
        foreach (var g in cues.GroupBy(p => p.Cue))
            g.Select(p => string.Join(' ', p.Prompt.Split(' ')[^2..])).Distinct().Count().Should().BeGreaterThanOrEqualTo(10, g.Key);
        var attributes = CueDatasets.AttributePrompts(new CorpusOptions(), TemplateSplit.Test);
        attributes.Select(p => p.Cue).Distinct().Should().BeEquivalentTo(["hair", "dress", "earrings", "lipstick", "skirt", "handbag", "heels", "occupation"]);
    }

    [Test]
    public void TheFeaturesAreWhatTheCueSays()
    {
        // "The person with long hair ..." has one feature; "The nurse in a dress with long hair" three.
        new CueDescription(null, [0]).For(Gender.Female).Should().Be("the person with long hair");
        new CueDescription(0, [1, 0]).For(Gender.Male).Should().Be("the engineer with a beard with short hair");
        // The contrary feature (index 1: the first attribute) shows the other gender.
        new CueDescription(0, [1, 0], Contrary: 1).For(Gender.Female).Should().Be("the nurse with a beard with long hair");
        foreach (var p in CueDatasets.CuePrompts(new CorpusOptions(), TemplateSplit.Train).Where(p => p.Label == "female"))
        {
            int female = WordLists.Attributes.Count(a => p.Prompt.Contains(" " + a.Female.Modifier + " ", StringComparison.Ordinal) || p.Prompt.Contains(" " + a.Female.Modifier + ",", StringComparison.Ordinal))
                + (CueDescription.Leaning(Gender.Female).Any(o => p.Prompt.Contains(" " + o.Word, StringComparison.Ordinal)) ? 1 : 0);
            int male = WordLists.Attributes.Count(a => p.Prompt.Contains(" " + a.Male.Modifier + " ", StringComparison.Ordinal) || p.Prompt.Contains(" " + a.Male.Modifier + ",", StringComparison.Ordinal))
                + (CueDescription.Leaning(Gender.Male).Any(o => p.Prompt.Contains(" " + o.Word, StringComparison.Ordinal)) ? 1 : 0);
            (p.Cue == "conflict" ? (female, male) : (female + male, male)).Should().Be(p.Cue == "conflict" ? (2, 1) : (int.Parse(p.Cue!), 0), p.Prompt);
        }
    }
}
