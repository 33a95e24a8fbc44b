using Harness.Concepts;
using Harness.Experiments;
using Harness.Hooks;
using Harness.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Tests.Experiments;

/// The gradient direction is the gradient of the mean (label-oriented) logit difference w.r.t. the
/// residual at each prompt's last position: its dot product with any direction u matches the
/// central finite difference of that mean when every prompt's last residual moves along u.
public class GradientDirectionTests
{
    [TestCase("blocks.0.hook_resid_pre", true)]
    [TestCase("blocks.1.hook_resid_mid", true)]
    [TestCase("blocks.1.hook_resid_post", false)]
    public void MatchesAFiniteDifference(string site, bool byLabel)
    {
        using var tiny = new TinyExperiment();
        using var scope = NewDisposeScope();
        var model = LanguageModel.Create(ModelConfig.Gpt2(nLayers: 2, dModel: 16, nHeads: 2, nPositions: 64), seed: 11).Freeze();
        model.to(ScalarType.Float64);
        var prompts = PromptSet.From(ConceptDataset.Load(tiny.Dataset), Split.Train);

        var gradient = GradientDirection.Mean(model, site, prompts, byLabel, batchSize: 3);
        using var generator = new Generator(5);
        var u = randn(new long[] { 16 }, dtype: ScalarType.Float64, generator: generator);
        u /= u.norm();

        double Objective(double eps)
        {
            using var inner = NewDisposeScope();
            using var noGrad = no_grad();
            using var hook = model.Hooks.Replace(site, x => x + eps * u, SiteHooks.LastPositions(prompts.Ids));
            var logits = model.LastTokenLogits(prompts.Ids);
            double total = 0;
            for (int i = 0; i < prompts.Count; i++)
            {
                double d = logits[i, prompts.Correct[i]].item<double>() - logits[i, prompts.Wrong[i]].item<double>();
                total += byLabel && prompts.Labels[i] != 0 ? -d : d;
            }
            return total / prompts.Count;
        }

        const double h = 1e-4;
        double finite = (Objective(h) - Objective(-h)) / (2 * h);
        double analytic = gradient.dot(u).item<double>();
        analytic.Should().BeApproximately(finite, 1e-6 + 1e-5 * Math.Abs(finite));
        Math.Abs(analytic).Should().BeGreaterThan(1e-6, "the check must not compare two zeros");

        var direction = GradientDirection.Direction(model, site, prompts, byLabel, batchSize: 4);
        direction.norm().item<double>().Should().BeApproximately(1, 1e-12);
        (direction * gradient.norm() - gradient).abs().max().item<double>().Should().BeLessThan(1e-10, "the batch size does not change the direction");
        model.Hooks.Active.Should().Be(0);
    }
}
