using Harness.Experiments;
using Harness.Hooks;
using Harness.Metrics;
using Harness.Models;
using static TorchSharp.torch;

namespace Harness.Tests.Models;

/// A pass that starts at a hook site from activations captured there equals the full pass, with
/// and without an edit at the site; the answer-logit shortcut of the null equals the logit
/// difference of the full logits.
public class ForwardFromSiteTests
{
    private LanguageModel Model = null!;

    [OneTimeSetUp]
    public void Setup() => Model = LanguageModel.Create(ModelConfig.Gpt2(nLayers: 3, dModel: 16, nHeads: 2, nPositions: 32, vocabSize: 60), seed: 4).Freeze();

    [OneTimeTearDown]
    public void TearDown() => Model.Dispose();

    private static readonly int[][] Prompts = [[1, 2, 3, 4, 5], [6, 7], [8, 9, 10], [11, 12, 13, 14], [15]];

    public static IEnumerable<string> Sites() => HookSite.All(3);

    [TestCaseSource(nameof(Sites))]
    public void StartingAtASiteGivesTheFullPassesHiddenStates(string site)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var tokens = TokenBatch.RightPadded(Prompts, Model.Device);
        Tensor captured;
        Tensor full;
        using (var capture = Model.Hooks.Capture(site))
        {
            full = Model.FinalHidden(tokens.Ids);
            captured = capture.Last.clone();
        }
        Tensors.MaxDifference(Model.FinalHiddenFrom(site, captured), full).Should().BeLessThan(1e-6);

        // An edit registered at the site acts on the starting activations as in a full pass.
        Tensor edited;
        using (Model.Hooks.Replace(site, x => x * 0.5 + 0.1)) edited = Model.FinalHidden(tokens.Ids);
        using (Model.Hooks.Replace(site, x => x * 0.5 + 0.1))
            Tensors.MaxDifference(Model.FinalHiddenFrom(site, captured), edited).Should().BeLessThan(1e-6);
        Tensors.MaxDifference(edited, full).Should().BeGreaterThan(1e-3, "the edit changes something");
    }

    [Test]
    public void AnswerDifferencesEqualTheLogitDifferenceOfTheFullLogits_FromTokensOrFromASite()
    {
        var set = new PromptSet
        {
            Dataset = "d", Split = Harness.Concepts.Split.Test, File = "f", Ids = Prompts, LabelNames = ["a", "b"],
            Correct = [3, 5, 7, 9, 11], Wrong = [4, 6, 8, 10, 12], Labels = [0, 1, 0, 1, 0], Pairs = [0, 0, 1, 1, 2],
        };
        using var logits = ModelPasses.LastLogits(Model, set.Ids, batchSize: 2);
        var expected = LogitDifference.Compute(logits, set.Correct, set.Wrong).PerPrompt;
        ModelPasses.AnswerDifferences(Model, set, batchSize: 2).Should().Equal(expected, (a, b) => Math.Abs(a - b) < 1e-5);
        using var start = ModelPasses.CaptureBatches(Model, HookSite.ResidMid(1), set.Ids, batchSize: 2);
        ModelPasses.AnswerDifferences(Model, set, batchSize: 2, start: start).Should().Equal(expected, (a, b) => Math.Abs(a - b) < 1e-5);
        FluentActions.Invoking(() => ModelPasses.AnswerDifferences(Model, set, batchSize: 3, start: start)).Should().Throw<ArgumentException>();
    }
}
