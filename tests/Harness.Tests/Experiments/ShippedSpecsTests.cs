using Harness.Experiments;
using Harness.Experiments.Verdicts;

namespace Harness.Tests.Experiments;

/// The specs shipped in experiments/: each parses, names the file it is in, judges a hypothesis,
/// and prepares against its models (datasets, answers, layers) without loading any weights; every
/// hypothesis has a spec.
public class ShippedSpecsTests
{
    private static string Folder => ExperimentsFolder.Find() ?? throw new InvalidOperationException("no experiments/ folder above the tests");

    private static IEnumerable<string> Specs() =>
        Directory.GetFiles(ExperimentsFolder.Find()!, "*.json").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);

    [TestCaseSource(nameof(Specs))]
    public void ParsesAndPrepares(string file)
    {
        var spec = ExperimentSpec.Load(Path.Combine(Folder, file));
        spec.Name.Should().Be(Path.GetFileNameWithoutExtension(file));
        spec.Hypothesis.Should().NotBeNull();
        spec.Description.Should().NotBeEmpty();
        var plan = ExperimentPlan.Prepare(spec);
        plan.Models.Should().NotBeEmpty();
        plan.Evaluations.Should().NotBeEmpty();
    }

    [Test]
    public void EveryHypothesisHasASpec()
    {
        var judged = Specs().Select(f => ExperimentSpec.Load(Path.Combine(Folder, f)).Hypothesis).ToHashSet();
        VerdictRules.All.Select(r => r.Name).Should().BeSubsetOf(judged!);
    }

    [Test]
    public void TheQuickstartRunsTheMethodsTheReadmePromises()
    {
        var spec = ExperimentSpec.Load(Path.Combine(Folder, "quickstart.json"));
        spec.Models.Should().BeEmpty("it runs on the default organism");
        spec.Methods.Select(m => m.Name).Should().Contain(["probe", "rlace", "leace", "gradient", "random"]);
        spec.Edits.Select(e => e.Edit).Should().Equal("project", "reflect", "amplify");
        spec.Sites.Middle.Should().BeTrue();
    }
}
