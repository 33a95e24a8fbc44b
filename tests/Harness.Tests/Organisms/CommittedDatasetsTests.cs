using System.Text;
using System.Text.RegularExpressions;
using Harness.Concepts;
using Harness.Organisms;

namespace Harness.Tests.Organisms;

/// experiments/datasets/ is the generator's output for the default options, committed: it must not
/// drift from the code, must load with the strict loader, and must be balanced.
public class CommittedDatasetsTests
{
    private const string Regenerate = "regenerate with `dotnet run --project src/Harness -- datasets --out experiments/datasets` and commit";

    private static readonly Lazy<IReadOnlyList<GeneratedFile>> Generated = new(() => DatasetWriter.Generate(new CorpusOptions()));

    private static string Committed(string relative) => Path.Combine(CorpusSample.DatasetsDir, relative.Replace('/', Path.DirectorySeparatorChar));

    [Test]
    public void CommittedFilesEqualTheGeneratorOutput()
    {
        foreach (var file in Generated.Value)
        {
            var path = Committed(file.RelativePath);
            File.Exists(path).Should().BeTrue($"{file.RelativePath} is missing; {Regenerate}");
            File.ReadAllBytes(path).SequenceEqual(new UTF8Encoding(false).GetBytes(file.Content))
                .Should().BeTrue($"{file.RelativePath} differs from the generator's output; {Regenerate}");
        }
    }

    [Test]
    public void NoStaleFilesAreCommitted()
    {
        var generated = Generated.Value.Select(f => f.RelativePath).ToHashSet(StringComparer.Ordinal);
        var onDisk = Directory.EnumerateFiles(CorpusSample.DatasetsDir, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(CorpusSample.DatasetsDir, p).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(p => p != "README.md");
        onDisk.Should().OnlyContain(p => generated.Contains(p), $"every dataset file should come from the generator; {Regenerate}");
    }

    [Test]
    public void WriteAllWritesWhatGenerateReturns()
    {
        var dir = Path.Combine(Path.GetTempPath(), "datasets-" + Guid.NewGuid().ToString("N"));
        try
        {
            var written = DatasetWriter.WriteAll(dir, new CorpusOptions { Seed = 5 });
            var expected = DatasetWriter.Generate(new CorpusOptions { Seed = 5 });
            written.Should().HaveCount(expected.Count);
            foreach (var f in expected)
                File.ReadAllText(Path.Combine(dir, f.RelativePath)).Should().Be(f.Content);
            // Another seed gives other items.
            File.ReadAllText(Path.Combine(dir, "gender/prompts.test.jsonl"))
                .Should().NotBe(File.ReadAllText(Committed("gender/prompts.test.jsonl")));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void EveryFileIsSmall()
    {
        foreach (var path in Directory.EnumerateFiles(CorpusSample.DatasetsDir, "*", SearchOption.AllDirectories))
            new FileInfo(path).Length.Should().BeLessThan(300 * 1024, path);
    }

    private static ConceptDataset Load(string name) => ConceptDataset.Load(Path.Combine(CorpusSample.DatasetsDir, name));

    [TestCase("gender", "female", "male", DatasetBuilder.GenderSentencePairs, DatasetBuilder.GenderPromptPairs)]
    [TestCase("politics", "left", "right", DatasetBuilder.PoliticsSentencePairs, DatasetBuilder.PoliticsPromptPairs)]
    public void ConceptDatasetsLoadBalancedAndPaired(string name, string first, string second, int sentencePairs, int promptPairs)
    {
        var d = Load(name);
        d.Labels.Should().Equal(first, second);
        foreach (var split in new[] { Split.Train, Split.Test })
        {
            var sentences = d.Sentences(split);
            sentences.Should().HaveCount(2 * sentencePairs);
            sentences.Count(s => s.Label == first).Should().Be(sentencePairs);
            sentences.GroupBy(s => s.Pair).Should().OnlyContain(g => g.Count() == 2 && g.Select(s => s.Label).Distinct().Count() == 2);
            sentences.Select(s => s.Text).Should().OnlyHaveUniqueItems();

            var prompts = d.Prompts(split);
            prompts.Should().HaveCount(2 * promptPairs);
            prompts.Count(p => p.Label == first).Should().Be(promptPairs);
            prompts.GroupBy(p => p.Pair).Should().OnlyContain(g => g.Count() == 2 && g.Select(p => p.Label).Distinct().Count() == 2);
            // Within a pair the answers swap: what is right for one label is wrong for the other.
            prompts.GroupBy(p => p.Pair).Should().OnlyContain(g => g.First().Correct == g.Last().Wrong && g.First().Wrong == g.Last().Correct);
            prompts.Select(p => p.Prompt).Should().OnlyHaveUniqueItems();
            // Several answer pairs, each balanced across the labels.
            var answerPairs = prompts.Select(p => string.Join("/", new[] { p.Correct, p.Wrong }.Order(StringComparer.Ordinal))).Distinct().ToList();
            answerPairs.Should().HaveCountGreaterThanOrEqualTo(4, $"{name} {split} should mix answer pairs");
        }
    }

    [Test]
    public void GenderPairsDifferOnlyInGenderedWords()
    {
        var gendered = CorpusSample.FemaleWords.Concat(CorpusSample.MaleWords).ToHashSet(StringComparer.Ordinal);
        string Mask(string text) => Regex.Replace(text, @"\p{L}+", m => gendered.Contains(m.Value) ? "#" : m.Value);
        var d = Load("gender");
        foreach (var split in new[] { Split.Train, Split.Test })
        {
            foreach (var pair in d.Sentences(split).GroupBy(s => s.Pair))
            {
                var (a, b) = (pair.First().Text, pair.Last().Text);
                a.Should().NotBe(b);
                Mask(a).Should().Be(Mask(b), $"'{a}' and '{b}' should differ only in gendered words");
            }
            foreach (var pair in d.Prompts(split).GroupBy(p => p.Pair))
                Mask(pair.First().Prompt).Should().Be(Mask(pair.Last().Prompt));
        }
    }

    [Test]
    public void PoliticsPairsDifferOnlyInStanceWords()
    {
        var phrases = WordLists.Policies.SelectMany(p => new[] { p.Left, p.Right })
            .Concat(["Democrats", "Republicans", "Labour party", "Conservative party", "left", "right", "liberal", "conservative", "raise", "cut", "more", "fewer"])
            .OrderByDescending(p => p.Length).ThenBy(p => p, StringComparer.Ordinal).ToList();
        var pattern = new Regex(@"\b(" + string.Join("|", phrases.Select(Regex.Escape)) + @")\b");
        string Mask(string text) => pattern.Replace(text, "#");
        var d = Load("politics");
        foreach (var split in new[] { Split.Train, Split.Test })
        foreach (var pair in d.Sentences(split).GroupBy(s => s.Pair))
        {
            var (a, b) = (pair.First().Text, pair.Last().Text);
            a.Should().NotBe(b);
            Mask(a).Should().Be(Mask(b), $"'{a}' and '{b}' should differ only in stance words");
            // The person stays the same: politics pairs carry no gender difference.
            CorpusSample.GenderOf(a, out _).Should().Be(CorpusSample.GenderOf(b, out _));
        }
    }

    [Test]
    public void ControlsCarryNeitherConcept()
    {
        var d = Load("controls");
        d.Labels.Should().Equal("control");
        var texts = d.Text().Select(t => t.Text).ToList();
        texts.Should().HaveCount(DatasetBuilder.ControlTextCount);
        foreach (var split in new[] { Split.Train, Split.Test })
        {
            var prompts = d.Prompts(split);
            prompts.Should().HaveCount(DatasetBuilder.ControlPromptCount);
            prompts.Should().OnlyContain(p => p.Label == "control");
            texts.AddRange(prompts.Select(p => p.Prompt + p.Correct));
            prompts.Should().Contain(p => p.Correct == " drink" && p.Wrong == " eat");
        }
        var stanceWords = new[] { "Democrats", "Republicans", "Labour", "Conservative", "liberal", "conservative", "taxes", "unions", "election" };
        foreach (var t in texts)
        {
            CorpusSample.GenderOf(t, out var both).Should().BeNull($"control text '{t}' has a gendered word");
            both.Should().BeFalse();
            CorpusSample.Words(t).Should().NotIntersectWith(stanceWords, $"control text '{t}'");
        }
    }

    [Test]
    public void UnrelatedPromptsHaveArbitraryBalancedLabelsNoConceptAndHeldOutFrames()
    {
        var d = Load("unrelated");
        d.Labels.Should().Equal("a", "b");
        var train = d.Prompts(Split.Train);
        var test = d.Prompts(Split.Test);
        foreach (var split in new[] { train, test })
        {
            split.Should().HaveCount(DatasetBuilder.UnrelatedPromptCount);
            split.Count(p => p.Label == "a").Should().Be(DatasetBuilder.UnrelatedPromptCount / 2, "the labels are balanced");
            split.Select(p => p.Prompt).Should().OnlyHaveUniqueItems();
            split.Select(p => p.Pair).Should().OnlyHaveUniqueItems("each prompt is its own pair: there is no partner");
            foreach (var p in split) CorpusSample.GenderOf(p.Prompt, out _).Should().BeNull(p.Prompt);
            // Every kind of fact, and no label that follows the kind: each frame's prompts have both labels.
            split.Select(p => CorpusSample.Words(p.Prompt).FirstOrDefault()).Distinct().Should().HaveCountGreaterThanOrEqualTo(6);
        }
        train.Select(p => p.Prompt).Intersect(test.Select(p => p.Prompt)).Should().BeEmpty("the test split uses held-out frames");
        foreach (var frame in train.GroupBy(p => p.Correct).Where(g => g.Count() >= 6))
            frame.Select(p => p.Label).Distinct().Should().HaveCount(2, $"the answer{frame.Key} says nothing about the label");
    }

    [Test]
    public void ReadmeListsEveryNameAndNounTheOrganismsKnow()
    {
        var readme = File.ReadAllText(Path.Combine(CorpusSample.DatasetsDir, "README.md"));
        foreach (var name in WordLists.FemaleNames.Concat(WordLists.MaleNames))
            readme.Should().Contain(name);
        foreach (var n in WordLists.Nouns)
            readme.Should().Contain($"{n.Female} / {n.Male}");
        foreach (var o in WordLists.Occupations)
            readme.Should().Contain(o.Word);
    }
}
