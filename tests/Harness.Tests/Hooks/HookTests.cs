using Harness.Hooks;
using Harness.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Tests.Hooks;

public class HookTests
{
    private static LanguageModel Tiny(string family, ScalarType dtype = ScalarType.Float32, double dropout = 0.0)
    {
        var config = family == "gpt2"
            ? ModelConfig.Gpt2(nLayers: 3, dModel: 16, nHeads: 4, nPositions: 32, vocabSize: 50, dropout: dropout)
            : ModelConfig.GptNeo(nLayers: 3, dModel: 16, nHeads: 4, windowSize: 3, nPositions: 32, vocabSize: 50, dropout: dropout);
        var model = LanguageModel.Create(config, seed: 17).Freeze();
        if (dtype != ScalarType.Float32) model.to(dtype);
        return model;
    }

    private static readonly int[] Prompt = { 4, 9, 33, 1, 0, 27, 27, 12 };

    /// A right-padded batch's ids, owned by the current dispose scope.
    private static Tensor Ids(params int[][] rows)
    {
        using var batch = TokenBatch.RightPadded(rows);
        return batch.Ids.clone();
    }

    private static bool Equal(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && (a == b).all().item<bool>();

    [TestCase("gpt2")]
    [TestCase("gpt_neo")]
    public void ResidPostOfABlockEqualsResidPreOfTheNext(string family)
    {
        var model = Tiny(family);
        using var scope = NewDisposeScope();
        var post = Enumerable.Range(0, 3).Select(l => model.Hooks.Capture(HookSite.ResidPost(l))).ToArray();
        var pre = Enumerable.Range(0, 3).Select(l => model.Hooks.Capture(HookSite.ResidPre(l))).ToArray();
        model.forward(Ids(Prompt));
        for (int l = 0; l < 2; l++)
            Equal(post[l].Last, pre[l + 1].Last).Should().BeTrue($"resid_post of block {l} is resid_pre of block {l + 1}");
        foreach (var c in post.Concat(pre)) c.Dispose();
        model.Hooks.Active.Should().Be(0);
    }

    [TestCase("gpt2")]
    [TestCase("gpt_neo")]
    public void LastResidPostThroughTheFinalLayerNormIsTheLnFinalCaptureAndFeedsTheLogits(string family)
    {
        var model = Tiny(family);
        using var scope = NewDisposeScope();
        using var last = model.Hooks.Capture(HookSite.ResidPost(2));
        using var lnFinal = model.Hooks.Capture(HookSite.LnFinal);
        var logits = model.forward(Ids(Prompt));
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        var normed = nn.functional.layer_norm(last.Last, new long[] { 16 }, parameters["ln_f.weight"], parameters["ln_f.bias"], 1e-5);
        (normed - lnFinal.Last).abs().max().item<float>().Should().BeLessThan(1e-5f);
        Equal(model.Unembed(lnFinal.Last), logits).Should().BeTrue();
    }

    [TestCase("gpt2")]
    [TestCase("gpt_neo")]
    public void AnIdentityReplaceAtEverySiteLeavesTheLogitsUnchanged(string family)
    {
        var model = Tiny(family);
        using var scope = NewDisposeScope();
        var ids = Ids(Prompt, new[] { 3, 2, 1 });
        var before = model.forward(ids);
        var handles = model.Hooks.Sites.Select(s => model.Hooks.Replace(s, x => x)).ToList();
        model.Hooks.Active.Should().Be(3 * 3 + 1);
        Equal(model.forward(ids), before).Should().BeTrue();
        handles.ForEach(h => h.Dispose());
        model.Hooks.Active.Should().Be(0);
    }

    [Test]
    public void AReplaceChangesTheLogitsUntilItIsRemoved()
    {
        var model = Tiny("gpt2");
        using var scope = NewDisposeScope();
        var ids = Ids(Prompt);
        var before = model.forward(ids);
        using (model.Hooks.Replace(HookSite.ResidMid(1), x => x * 2))
            Equal(model.forward(ids), before).Should().BeFalse();
        Equal(model.forward(ids), before).Should().BeTrue();
    }

    [TestCase("gpt2")]
    [TestCase("gpt_neo")]
    public void AReplaceAtChosenPositionsLeavesOtherPositionsUntouched(string family)
    {
        var model = Tiny(family);
        using var scope = NewDisposeScope();
        var ids = Ids(Prompt, new[] { 5, 6, 7, 8, 9 });
        var site = HookSite.ResidPost(0);
        Tensor original, later;
        using (var c = model.Hooks.Capture(site))
        using (var d = model.Hooks.Capture(HookSite.ResidPost(2)))
        {
            model.forward(ids);
            original = c.Last.clone();
            later = d.Last.clone();
        }

        var positions = new[] { new[] { 2, 5 }, new[] { 3 } };
        long seenRows = -1;
        using var edit = model.Hooks.Replace(site, x => { seenRows = x.shape[0]; return x * 0 + 7; }, positions);
        using var after = model.Hooks.Capture(site);
        using var afterLater = model.Hooks.Capture(HookSite.ResidPost(2));
        model.forward(ids);
        seenRows.Should().Be(3, "the function gets the chosen rows stacked as [n, d]");

        var edited = after.Last;
        for (int b = 0; b < 2; b++)
            for (int t = 0; t < ids.shape[1]; t++)
            {
                bool chosen = positions[b].Contains(t);
                var row = edited[b, t];
                if (chosen) (row == 7).all().item<bool>().Should().BeTrue($"row {b} position {t} was replaced");
                else Equal(row, original[b, t]).Should().BeTrue($"row {b} position {t} was not chosen");
            }
        // Downstream, causal attention keeps the positions before the first edit of each row as they were.
        Equal(afterLater.Last[0, TensorIndex.Slice(0, 2)], later[0, TensorIndex.Slice(0, 2)]).Should().BeTrue();
        Equal(afterLater.Last[1, TensorIndex.Slice(0, 3)], later[1, TensorIndex.Slice(0, 3)]).Should().BeTrue();
        Equal(afterLater.Last[0, 2], later[0, 2]).Should().BeFalse();
    }

    [Test]
    public void PositionsForTheWrongNumberOfRowsAreAnError()
    {
        var model = Tiny("gpt2");
        using var scope = NewDisposeScope();
        using var edit = model.Hooks.Replace(HookSite.ResidPre(0), x => x, new[] { new[] { 0 } });
        var act = () => model.forward(Ids(Prompt, Prompt));
        act.Should().Throw<HarnessException>().WithMessage("hook blocks.0.hook_resid_pre: positions are given for 1 batch rows but the batch has 2");
    }

    [Test]
    public void AReplacementOfTheWrongShapeIsAnError()
    {
        var model = Tiny("gpt2");
        using var scope = NewDisposeScope();
        using var edit = model.Hooks.Replace(HookSite.ResidPre(1), x => x[.., .., TensorIndex.Slice(0, 3)]);
        var act = () => model.forward(Ids(Prompt));
        act.Should().Throw<HarnessException>().WithMessage("hook blocks.1.hook_resid_pre: the replacement has shape [1, 8, 3], expected [1, 8, 16]");
    }

    [TestCase("blocks.3.hook_resid_post")]
    [TestCase("blocks.-1.hook_resid_pre")]
    [TestCase("blocks.0.hook_attn_out")]
    [TestCase("ln_f")]
    public void AnUnknownSiteIsAOneLineErrorListingTheValidOnes(string site)
    {
        var model = Tiny("gpt2");
        var act = () => model.Hooks.Capture(site);
        act.Should().Throw<HarnessException>().Which.Message.Should().Be(
            $"unknown hook site '{site}' (valid: blocks.{{l}}.hook_resid_pre, blocks.{{l}}.hook_resid_mid, blocks.{{l}}.hook_resid_post with l in 0..2, or ln_final)");
    }

    [TestCase("gpt2")]
    [TestCase("gpt_neo")]
    public void ABatchOfDifferentLengthsGivesTheSameLastTokenLogitsAsOneAtATime(string family)
    {
        var model = Tiny(family);
        using var scope = NewDisposeScope();
        var prompts = new[] { new[] { 1, 2, 3 }, Prompt, new[] { 49 }, new[] { 7, 7, 7, 7, 7 } };
        var batched = model.LastTokenLogits(prompts);
        batched.shape.Should().Equal(4, 50);
        for (int i = 0; i < prompts.Length; i++)
        {
            var alone = model.LastTokenLogits(new[] { prompts[i] })[0];
            (batched[i] - alone).abs().max().item<float>().Should().BeLessThan(1e-5f, $"prompt {i}");
            (model.Logits(prompts[i])[-1] - alone).abs().max().item<float>().Should().BeLessThan(1e-5f);
        }
    }

    [TestCase("gpt2")]
    [TestCase("gpt_neo")]
    public void DropoutIsInactiveInEvalModeAndActiveInTrainMode(string family)
    {
        var model = Tiny(family, dropout: 0.3);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var ids = Ids(Prompt);
        model.training.Should().BeFalse();
        var first = model.forward(ids);
        Equal(model.forward(ids), first).Should().BeTrue("eval mode is deterministic");

        model.train();
        var a = model.forward(ids);
        var b = model.forward(ids);
        Equal(a, b).Should().BeFalse("dropout draws a new mask on every training pass");
        Equal(a, first).Should().BeFalse();

        model.eval();
        Equal(model.forward(ids), first).Should().BeTrue();
    }

    [TestCase(true)]
    [TestCase(false)]
    public void AKeepGraphCaptureGivesTheGradientOfALogitDifferenceWithRespectToTheResidual(bool frozen)
    {
        // float64, so that a central finite difference checks the gradient to many digits.
        var model = Tiny("gpt2", ScalarType.Float64).Freeze(frozen);
        using var scope = NewDisposeScope();
        var site = HookSite.ResidMid(1);
        var prompts = new[] { Prompt, new[] { 3, 8, 1 } };
        int he = 11, she = 29;
        Tensor Diff(Tensor logits) => (logits[.., he] - logits[.., she]).sum();

        Tensor gradient, resid;
        using (var capture = model.Hooks.Capture(site, keepGraph: true))
        {
            var diff = Diff(model.LastTokenLogits(prompts));
            resid = capture.Last;
            gradient = autograd.grad(new[] { diff }, new[] { resid })[0].detach().clone();
            resid = resid.detach().clone();
        }
        gradient.shape.Should().Equal(resid.shape);
        gradient.abs().sum().item<double>().Should().BeGreaterThan(0);

        var direction = randn(resid.shape, dtype: ScalarType.Float64, generator: new Generator(3));
        double eps = 1e-5;
        double Shifted(double s)
        {
            using var noGrad = no_grad();
            using (model.Hooks.Replace(site, x => x + s * direction))
                return Diff(model.LastTokenLogits(prompts)).item<double>();
        }
        double numeric = (Shifted(eps) - Shifted(-eps)) / (2 * eps);
        double analytic = (gradient * direction).sum().item<double>();
        Math.Abs(numeric - analytic).Should().BeLessThan(1e-6 * Math.Max(1, Math.Abs(analytic)));
    }

    [Test]
    public void HooksApplyAtEveryGenerationStep()
    {
        var model = Tiny("gpt2");
        using var scope = NewDisposeScope();
        var options = new GenerationOptions { MaxNewTokens = 5, StopAtEndOfText = false };
        var plain = model.Generate(Prompt, options);
        plain.Should().HaveCount(5);
        model.Generate(Prompt, options).Should().Equal(plain, "greedy generation is deterministic");

        using (var capture = model.Hooks.Capture(HookSite.ResidPost(1)))
        {
            model.Generate(Prompt, options);
            capture.Records.Select(r => r.shape[1]).Should().Equal(8, 9, 10, 11, 12);
        }

        // Zero final hidden states make every logit 0: greedy picks token 0 at every step.
        using (model.Hooks.Replace(HookSite.LnFinal, x => x * 0))
            model.Generate(Prompt, options).Should().Equal(0, 0, 0, 0, 0);
        // Positions are absolute. Zeroing the final hidden state at the prompt's last position (7)
        // makes the first new token 0; later steps read positions 8, 9, ... which are not edited.
        plain[0].Should().NotBe(0);
        using (model.Hooks.Replace(HookSite.LnFinal, x => x * 0, new[] { new[] { 7 } }))
            model.Generate(Prompt, options)[0].Should().Be(0);
        // Zeroing earlier prompt positions at ln_final touches no logits that generation reads.
        using (model.Hooks.Replace(HookSite.LnFinal, x => x * 0, new[] { new[] { 0, 3, 6 } }))
            model.Generate(Prompt, options).Should().Equal(plain);
        model.Generate(Prompt, options).Should().Equal(plain);
    }

    [Test]
    public void TopKSamplingIsReproducibleWithASeed()
    {
        var model = Tiny("gpt_neo");
        var options = new GenerationOptions { MaxNewTokens = 8, TopK = 10, Seed = 42, StopAtEndOfText = false };
        var a = model.Generate(Prompt, options);
        model.Generate(Prompt, options).Should().Equal(a);
        Enumerable.Range(0, 5).Select(s => string.Join(",", model.Generate(Prompt, options with { Seed = s })))
            .Distinct().Count().Should().BeGreaterThan(1, "different seeds draw different tokens");
    }

    [Test]
    public void CapturedTensorsOutliveTheScopeOfTheForwardPassUntilTheCaptureIsDisposed()
    {
        var model = Tiny("gpt2");
        var capture = model.Hooks.Capture(HookSite.ResidPost(0));
        using (var scope = NewDisposeScope()) model.forward(Ids(Prompt));
        using (var scope = NewDisposeScope()) model.forward(Ids(Prompt, Prompt));
        capture.Count.Should().Be(2);
        capture.Records[0].shape.Should().Equal(1, 8, 16);
        capture.Last.shape.Should().Equal(2, 8, 16);
        Equal(capture.Last[1], capture.Records[0][0]).Should().BeTrue();
        capture.Dispose();
        capture.Count.Should().Be(0);
        model.Hooks.Active.Should().Be(0);
    }
}
