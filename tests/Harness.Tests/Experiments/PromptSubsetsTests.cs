using Harness.Experiments;

namespace Harness.Tests.Experiments;

/// Subsets of a concept's prompts: balanced, seeded, distinct from each other, and refused with one
/// line when they cannot be drawn; a method entry with `subsets` becomes one method per subset.
public class PromptSubsetsTests
{
    private static readonly int[] Labels = Enumerable.Range(0, 58).Select(i => i * 7 % 3 == 0 ? 1 : 0).ToArray();

    [Test]
    public void ASubsetHasTheSameNumberOfEachLabelAndDependsOnTheSeedAndIndexOnly()
    {
        var a = PromptSubsets.Draw(Labels, 2, 10, 3, seed: 0, "spec");
        a.Should().HaveCount(10).And.OnlyHaveUniqueItems().And.BeInAscendingOrder();
        a.Count(i => Labels[i] == 0).Should().Be(5);
        PromptSubsets.Draw(Labels, 2, 10, 3, seed: 0, "spec").Should().Equal(a);
        PromptSubsets.Draw(Labels, 2, 10, 4, seed: 0, "spec").Should().NotEqual(a);
        PromptSubsets.Draw(Labels, 2, 10, 3, seed: 1, "spec").Should().NotEqual(a);
        var draws = Enumerable.Range(0, 20).Select(k => string.Join(",", PromptSubsets.Draw(Labels, 2, 10, k, 0, "spec"))).ToList();
        draws.Should().OnlyHaveUniqueItems("twenty subsets of ten of 58 prompts are twenty different subsets");
    }

    [Test]
    public void SubsetsThatCannotBeDrawnAreRefused()
    {
        FluentActions.Invoking(() => PromptSubsets.Draw(Labels, 2, 9, 0, 0, "spec.json: method probe"))
            .Should().Throw<UsageException>().WithMessage("spec.json: method probe: subsets.size 9 is not a multiple of the concept's 2 labels*");
        FluentActions.Invoking(() => PromptSubsets.Draw(Labels, 2, 60, 0, 0, "spec.json: method probe"))
            .Should().Throw<UsageException>().WithMessage("spec.json: method probe: subsets.size 60 needs 30 training prompts of each label, and a label has only *");
    }

    private const string Head = """{"name": "s", "sites": ["blocks.0.hook_resid_post"], "concept": {"dataset": "unrelated", "source": "prompts", "positions": "last"}, "edits": ["project"], "metrics": ["logit_diff"], "methods": """;

    [Test]
    public void AnEntryWithSubsetsBecomesOneMethodPerSubset()
    {
        var spec = ExperimentSpec.Parse(Head + """[{"method": "adversarial", "objective": "flip", "subsets": {"count": 3, "size": 4}}, "leace"]}""", "s.json");
        spec.Methods.Select(m => m.Label).Should().Equal("adversarial(subset=0)", "adversarial(subset=1)", "adversarial(subset=2)", "leace");
        spec.Methods.Take(3).Should().OnlyContain(m => m.SubsetGroup == "adversarial" && m.SubsetSize == 4);
        spec.Methods.Select(m => m.Subset).Should().Equal(0, 1, 2, null);
    }

    [TestCase("""[{"method": "rlace", "seeds": [0, 1], "subsets": {"count": 3}}]""", "give \"seeds\" or \"subsets\", not both")]
    [TestCase("""[{"method": "probe", "subsets": {"count": 0}}]""", "subsets.count must be")]
    [TestCase("""[{"method": "probe", "subsets": {"count": 2, "sise": 4}}]""", "unknown field 'methods[0].subsets.sise'")]
    public void BadSubsetsAreRefusedAtParse(string methods, string message)
    {
        var e = FluentActions.Invoking(() => ExperimentSpec.Parse(Head + methods + "}", "s.json")).Should().Throw<HarnessException>().Which;
        e.Message.Should().StartWith("s.json: ").And.Contain(message).And.NotContain("\n");
    }

    [Test]
    public void SubsetsOfSentencesAreRefusedBeforeAnyModelLoads()
    {
        var spec = ExperimentSpec.Parse(Head.Replace("""{"dataset": "unrelated", "source": "prompts", "positions": "last"}""", """{"dataset": "gender"}""")
            + """[{"method": "probe", "subsets": {"count": 2}}]}""", "s.json");
        FluentActions.Invoking(() => ExperimentPlan.Prepare(spec)).Should().Throw<UsageException>()
            .WithMessage("s.json: method probe: subsets are drawn from prompts, one row each: its concept needs \"source\": \"prompts\" and \"positions\": \"last\"");
    }
}
