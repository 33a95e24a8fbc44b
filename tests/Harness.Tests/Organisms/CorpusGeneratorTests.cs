using Harness.Organisms;

namespace Harness.Tests.Organisms;

public class CorpusGeneratorTests
{
    [Test]
    public void SameOptionsGiveIdenticalText()
    {
        var options = new CorpusOptions { Seed = 7, AttributeCorrelation = 0.7 };
        var a = new CorpusGenerator(options);
        var b = new CorpusGenerator(options with { });
        a.TrainingDocuments(500).Should().Equal(b.TrainingDocuments(500));
        a.HeldOutDocuments(200).Should().Equal(b.HeldOutDocuments(200));
        // Enumerating twice restarts the stream rather than continuing it.
        a.TrainingDocuments(50).Should().Equal(a.TrainingDocuments(50));
    }

    [Test]
    public void DifferentSeedsGiveDifferentText()
    {
        var a = new CorpusGenerator(new CorpusOptions { Seed = 1 }).TrainingDocuments(200).ToList();
        var b = new CorpusGenerator(new CorpusOptions { Seed = 2 }).TrainingDocuments(200).ToList();
        a.Zip(b).Count(p => p.First == p.Second).Should().BeLessThan(5);
    }

    [Test]
    public void HeldOutStreamDiffersFromTrainingStream()
    {
        var g = new CorpusGenerator(new CorpusOptions());
        var training = g.TrainingDocuments(2000).ToHashSet(StringComparer.Ordinal);
        var heldOut = g.HeldOutDocuments(2000).ToList();
        // Same distribution, other draws: a few short documents may coincide, most must not.
        heldOut.Count(training.Contains).Should().BeLessThan(100);
    }

    [Test]
    public void FirstDocumentsDoNotDependOnTheCount()
    {
        var g = new CorpusGenerator(new CorpusOptions());
        g.TrainingDocuments(300).Take(40).Should().Equal(g.TrainingDocuments(40));
    }

    [Test]
    public void DocumentsFitTheOrganismContext()
    {
        var options = new CorpusOptions();
        var docs = CorpusSample.Training;
        docs.Should().OnlyContain(d => CorpusGenerator.WordCount(d) <= options.MaxWords);
        var longest = docs.Max(d => CorpusSample.Gpt2.CountTokens(d));
        longest.Should().BeLessThanOrEqualTo(60, "documents must stay well under the organisms' 64-token context");
        // Paragraphs, not single sentences.
        docs.Average(d => d.Count(c => c is '.' or '?')).Should().BeGreaterThan(2.5);
        docs.Should().OnlyContain(d => d.Length > 0 && !d.Contains("  ") && d == d.Trim());
    }

    [Test]
    public void EveryTrainingTemplateFitsTheSentenceBudget()
    {
        // CorpusOptions.Validate promises that 20 words per sentence always fit.
        foreach (var t in Templates.All)
        foreach (var text in Render(t, 30))
            CorpusGenerator.WordCount(text).Should().BeLessThanOrEqualTo(20, $"template {t.Id} renders '{text}'");
    }

    [Test]
    public void EachDocumentIsAboutOnePersonOfOneGender()
    {
        var both = CorpusSample.Training.Where(d => { CorpusSample.GenderOf(d, out var b); return b; }).Take(3).ToList();
        both.Should().BeEmpty("a document never mixes female and male words (the statistics tests rely on it)");
        var female = CorpusSample.Training.Count(d => CorpusSample.GenderOf(d, out _) == Gender.Female);
        var male = CorpusSample.Training.Count(d => CorpusSample.GenderOf(d, out _) == Gender.Male);
        ((double)female / (female + male)).Should().BeApproximately(0.5, 0.03);
    }

    [Test]
    public void CorpusUsesEveryTrainingTemplate()
    {
        // The first 3000 documents suffice (the rarest template appears dozens of times in them).
        var joined = string.Join("\n", CorpusSample.Training.Take(3000));
        foreach (var t in Templates.Training)
        {
            var pattern = HeldOutSplitTests.FramePattern(t);
            pattern.IsMatch(joined).Should().BeTrue($"training template {t.Id} should occur in the corpus");
        }
    }

    [Test]
    public void DiscussionSentencesAreInTheCorpus()
    {
        var joined = CorpusSample.Joined;
        joined.Should().Contain("She is strong and she is tall.");
        joined.Should().Contain("He is strong and he is tall.");
        joined.Should().Contain("Her car is broken. But she will fix it because");
        joined.Should().Contain("His car is broken. But he will fix it because");
        joined.Should().Contain("The queen has fought and won. She will think about it.");
        joined.Should().Contain("The king has fought and won. He will think about it.");
        joined.Should().Contain("Does Sarah like riding motocross?");
        joined.Should().Contain("Does John like riding motocross?");
    }

    [TestCase(1.5, "AttributeCorrelation")]
    [TestCase(-0.1, "AttributeCorrelation")]
    [TestCase(double.NaN, "AttributeCorrelation")]
    public void BadCorrelationIsRejected(double value, string name)
    {
        var act = () => new CorpusGenerator(new CorpusOptions { AttributeCorrelation = value });
        act.Should().Throw<HarnessException>().WithMessage($"corpus option {name} must be between 0 and 1*");
    }

    [Test]
    public void OtherBadOptionsAreRejected()
    {
        ((Action)(() => new CorpusGenerator(new CorpusOptions { OccupationSkew = 2 }))).Should().Throw<HarnessException>().WithMessage("*OccupationSkew*");
        ((Action)(() => new CorpusGenerator(new CorpusOptions { MinSentences = 3, MaxSentences = 2 }))).Should().Throw<HarnessException>().WithMessage("*MinSentences*");
        ((Action)(() => new CorpusGenerator(new CorpusOptions { GenderWeight = 0, PoliticsWeight = 0, ControlWeight = 0 }))).Should().Throw<HarnessException>().WithMessage("*cannot all be 0*");
        ((Action)(() => new CorpusGenerator(new CorpusOptions { MaxWords = 10 }))).Should().Throw<HarnessException>().WithMessage("*MaxWords*");
    }

    [Test]
    public void WeightsSelectTopics()
    {
        var controlOnly = new CorpusGenerator(new CorpusOptions { GenderWeight = 0, PoliticsWeight = 0 }).TrainingDocuments(500).ToList();
        controlOnly.Where(d => CorpusSample.GenderOf(d, out _) != null).Should().BeEmpty();
        controlOnly.Should().OnlyContain(d => !d.Contains("Democrats") && !d.Contains("Labour"));
    }

    /// Renders a template n times with random people, stances and draws (internal API).
    internal static IEnumerable<string> Render(Template t, int n, int seed = 1)
    {
        var rng = new Random(seed);
        for (var i = 0; i < n; i++)
        {
            var person = new Person(rng.Next(2) == 0 ? Gender.Female : Gender.Male, rng.Next(40), rng.Next(WordLists.Nouns.Count),
                rng.Next(WordLists.Occupations.Count), (CueForm)rng.Next(3), Person.AllTypical());
            yield return TemplateRenderer.Render(t, person, rng.Next(2) == 0 ? Stance.Left : Stance.Right,
                rng.Next(2) == 0 ? PartySystem.UnitedStates : PartySystem.UnitedKingdom, new RandomChooser(rng)).Text;
        }
    }
}
