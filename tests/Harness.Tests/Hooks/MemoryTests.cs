using Harness.Hooks;
using Harness.Models;
using static TorchSharp.torch;

namespace Harness.Tests.Hooks;

/// Thousands of forward passes, with captures, replacements and generation, leave no tensor alive
/// behind them (the throughput and resident-memory numbers live in `harness bench`).
public class MemoryTests
{
    [Test]
    public void LiveTensorCountStaysFlatOverThousandsOfHookedForwardPasses()
    {
        var model = LanguageModel.Create(ModelConfig.Gpt2(nLayers: 2, dModel: 16, nHeads: 2, nPositions: 32, vocabSize: 50), seed: 1).Freeze();
        var prompts = new[] { new[] { 1, 2, 3, 4 }, new[] { 5, 6 }, new[] { 7, 8, 9 } };
        void Pass(int i)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            using var capture = model.Hooks.Capture(HookSite.ResidPost(0));
            using var all = model.Hooks.Replace(HookSite.ResidPre(1), x => x + 0.1);
            using (model.Hooks.Replace(HookSite.ResidMid(1), x => x * 0.5, new[] { new[] { 1 }, new[] { 0 }, Array.Empty<int>() }))
                _ = model.LastTokenLogits(prompts).sum().item<float>();
            if (i % 200 == 0) model.Generate(prompts[0], new GenerationOptions { MaxNewTokens = 3 });
        }

        for (int i = 0; i < 10; i++) Pass(i);
        long before = Tensor.TotalCount;
        for (int i = 0; i < 2000; i++) Pass(i);
        long after = Tensor.TotalCount;
        after.Should().BeLessThanOrEqualTo(before, "every tensor a pass creates must be disposed by the pass");
        model.Hooks.Active.Should().Be(0);
    }
}
