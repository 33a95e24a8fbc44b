using Harness.Organisms;

namespace Harness.Tests.Organisms;

/// The correlation options do what they say, measured on the generated text.
public class CorpusStatisticsTests
{
    [TestCase(0.2)]
    [TestCase(0.5)]
    [TestCase(0.8)]
    [TestCase(1.0)]
    public void AttributeCorrelationControlsCoOccurrence(double correlation)
    {
        var docs = new CorpusGenerator(new CorpusOptions { Seed = 11, AttributeCorrelation = correlation }).TrainingDocuments(12000);
        int typical = 0, total = 0;
        foreach (var doc in docs)
        {
            var gender = CorpusSample.GenderOf(doc, out _);
            if (gender is null) continue;
            foreach (var pair in WordLists.Attributes)
            foreach (var shown in new[] { Gender.Female, Gender.Male })
            {
                var a = pair.For(shown);
                var n = CorpusSample.CountOccurrences(doc, a.Predicate) + CorpusSample.CountOccurrences(doc, a.Modifier);
                total += n;
                if (shown == gender) typical += n;
            }
        }
        total.Should().BeGreaterThan(1000, "enough attribute mentions to measure a rate");
        ((double)typical / total).Should().BeApproximately(correlation, 0.04);
    }

    [TestCase(0.7)]
    [TestCase(0.95)]
    public void OccupationSkewControlsWhoHoldsAGenderedOccupation(double skew)
    {
        var docs = new CorpusGenerator(new CorpusOptions { Seed = 12, OccupationSkew = skew }).TrainingDocuments(16000);
        int typical = 0, total = 0;
        foreach (var doc in docs)
        {
            var gender = CorpusSample.GenderOf(doc, out _);
            if (gender is null) continue;
            var words = CorpusSample.Words(doc);
            var leaning = WordLists.Occupations.Where(o => o.Leaning is not null && words.Contains(o.Word)).Select(o => o.Leaning).Distinct().ToList();
            if (leaning.Count != 1) continue;
            total++;
            if (leaning[0] == gender) typical++;
        }
        total.Should().BeGreaterThan(800);
        ((double)typical / total).Should().BeApproximately(skew, 0.04);
    }

    [Test]
    public void NeutralOccupationsStayBalanced()
    {
        var docs = new CorpusGenerator(new CorpusOptions { Seed = 13, OccupationSkew = 1.0 }).TrainingDocuments(12000);
        int female = 0, total = 0;
        var neutral = WordLists.Occupations.Where(o => o.Leaning is null).Select(o => o.Word).ToHashSet();
        var leaning = WordLists.Occupations.Where(o => o.Leaning is not null).Select(o => o.Word).ToHashSet();
        foreach (var doc in docs)
        {
            var gender = CorpusSample.GenderOf(doc, out _);
            var words = CorpusSample.Words(doc);
            if (gender is null || !words.Any(neutral.Contains) || words.Any(leaning.Contains)) continue;
            total++;
            if (gender == Gender.Female) female++;
        }
        total.Should().BeGreaterThan(300);
        ((double)female / total).Should().BeApproximately(0.5, 0.07);
    }
}
