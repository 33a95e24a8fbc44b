using Harness.Concepts;
using Harness.Edits;
using Harness.Experiments;
using Harness.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Tests.Experiments;

/// The adversarial direction, checked from outside its own code path: the objective it reports is
/// recomputed with an ordinary full forward pass and the edit put in by a hook (not its
/// start-at-the-site pass, leaf gradients or masks), it beats the random directions it could have
/// started from, and its fits are seeded.
public class AdversarialDirectionTests
{
    private static (LanguageModel Model, PromptSet Prompts, Tensor Rows) Setup(TinyExperiment tiny, string site)
    {
        var model = LanguageModel.Create(ModelConfig.Gpt2(nLayers: 2, dModel: 16, nHeads: 2, nPositions: 64), seed: 11).Freeze();
        model.to(ScalarType.Float64);
        var prompts = PromptSet.From(ConceptDataset.Load(tiny.Dataset), Split.Train);
        var (rows, _) = ModelPasses.Capture(model, site, prompts.Ids, Positions.All, 4);
        return (model, prompts, rows);
    }

    /// The objective of editing along D, by a full pass with the edit hooked in at the site.
    private static double Objective(LanguageModel model, string site, PromptSet prompts, Tensor rows, Tensor D, string objective, double alpha,
        CentreKind centre, Positions positions)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var m = Centre.Compute(centre, rows, D);
        var before = nn.functional.log_softmax(model.LastTokenLogits(prompts.Ids), 1);
        Tensor after;
        using (positions == Positions.All
            ? model.Hooks.Replace(site, x => x - alpha * (x - m).matmul(D.t()).matmul(D))
            : model.Hooks.Replace(site, x => x - alpha * (x - m).matmul(D.t()).matmul(D), SiteHooks.LastPositions(prompts.Ids)))
            after = nn.functional.log_softmax(model.LastTokenLogits(prompts.Ids), 1);
        if (objective == AdversarialDirection.Kl)
            return (before.exp() * (before - after)).sum(1).mean().item<double>();
        double total = 0;
        for (int i = 0; i < prompts.Count; i++)
            total += after[i, prompts.Correct[i]].item<double>() - after[i, prompts.Wrong[i]].item<double>();
        return total / prompts.Count;
    }

    [TestCase("kl", "project", "median", Positions.All)]
    [TestCase("flip", "reflect", "zero", Positions.Last)]
    [TestCase("kl", "reflect", "mean", Positions.Last)]
    public void ReportsTheObjectiveAFullPassMeasuresAndBeatsRandomDirections(string objective, string edit, string centre, Positions positions)
    {
        using var tiny = new TinyExperiment();
        using var scope = NewDisposeScope();
        const string site = "blocks.0.hook_resid_post";
        var (model, prompts, rows) = Setup(tiny, site);
        var options = AdversarialDirection.Definition.Defaults()
            .With("objective", objective).With("edit", edit).With("centre", centre).With("max_steps", 60L);
        var (D, report) = AdversarialDirection.Fit(model, site, prompts, rows, options, positions, batchSize: 3);

        D.shape.Should().Equal(1, 16);
        D.norm().item<double>().Should().BeApproximately(1, 1e-9);
        report.Steps.Should().BeInRange(1, 60);
        report.Curve.Should().HaveCount(report.Steps);
        double alpha = edit == "reflect" ? 2 : 1;
        var kind = Enum.Parse<CentreKind>(centre, ignoreCase: true);
        double measured = Objective(model, site, prompts, rows, D, objective, alpha, kind, positions);
        bool kl = objective == AdversarialDirection.Kl;
        double best = kl ? report.Curve.Max() : report.Curve.Min();
        measured.Should().BeApproximately(best, 1e-6 + 1e-6 * Math.Abs(best), "the basis returned is the best one seen, measured as a full pass measures it");

        // Better than the first step's random direction, and than 20 other random directions.
        (kl ? best > report.Curve[0] : best < report.Curve[0]).Should().BeTrue($"the fit improved on its start ({report.Curve[0]} -> {best})");
        var generator = new Generator(0, CPU);
        generator.manual_seed(99);
        for (int j = 0; j < 20; j++)
        {
            var u = randn([1, 16], ScalarType.Float64, generator: generator);
            var random = Objective(model, site, prompts, rows, u / u.norm(), objective, alpha, kind, positions);
            (kl ? best > random : best < random).Should().BeTrue($"random direction {j} gives {random}, the learned one {best}");
        }
        model.Hooks.Active.Should().Be(0);
    }

    [Test]
    public void IsSeededAndGivesOrthonormalBasesOfAnyRank()
    {
        using var tiny = new TinyExperiment();
        using var scope = NewDisposeScope();
        const string site = "blocks.1.hook_resid_mid";
        var (model, prompts, rows) = Setup(tiny, site);
        var options = AdversarialDirection.Definition.Defaults().With("rank", 3L).With("max_steps", 15L);
        var (a, ra) = AdversarialDirection.Fit(model, site, prompts, rows, options, Positions.All, batchSize: 4);
        var (b, rb) = AdversarialDirection.Fit(model, site, prompts, rows, options, Positions.All, batchSize: 4);
        var (c, _) = AdversarialDirection.Fit(model, site, prompts, rows, options.With("seed", 1L), Positions.All, batchSize: 4);
        a.shape.Should().Equal(3, 16);
        (a.mm(a.t()) - eye(3, dtype: ScalarType.Float64)).abs().max().item<double>().Should().BeLessThan(1e-9);
        (a - b).abs().max().item<double>().Should().Be(0, "the same seed gives the same basis");
        ra.Curve.Should().Equal(rb.Curve);
        (a - c).abs().max().item<double>().Should().BeGreaterThan(1e-3, "another seed starts elsewhere");
    }

    [Test]
    public void RefusesARankAboveTheDimension()
    {
        using var tiny = new TinyExperiment();
        using var scope = NewDisposeScope();
        var (model, prompts, rows) = Setup(tiny, "blocks.0.hook_resid_post");
        var options = AdversarialDirection.Definition.Defaults().With("rank", 17L);
        var act = () => AdversarialDirection.Fit(model, "blocks.0.hook_resid_post", prompts, rows, options, Positions.All, 4);
        act.Should().Throw<HarnessException>().WithMessage("adversarial: rank 17 is larger than the dimension 16 of the residual at blocks.0.hook_resid_post");
    }
}
