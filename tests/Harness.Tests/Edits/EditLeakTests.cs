using Harness.Edits;
using Harness.Metrics;
using TorchSharp;
using static Harness.Tests.Edits.TestTensors;
using static TorchSharp.torch;

namespace Harness.Tests.Edits;

/// Edits and metrics run at every forward pass, thousands of times: none may leave tensors alive
/// once the caller's dispose scope ends.
public class EditLeakTests
{
    [Test]
    public void RepeatedEditsAndMetricsLeaveNoLiveTensors()
    {
        using var outer = NewDisposeScope();
        using var edit = EditSpec.Parse("{\"edit\": \"project\", \"centre\": \"median\"}")
            .Build(new EditContext { Directions = Basis(2, 8, 1), TrainingActivations = Randn([20, 8], 2) });
        using var alter = new AlterRepEdit(Basis(2, 8, 3), 1, -1);
        var v = Randn([2, 3, 8], 4, ScalarType.Float32);
        var mask = tensor(new[] { true, false, true, false, false, true }, [2, 3]);
        var logits = Randn([2, 3, 11], 5, ScalarType.Float32);
        var tokens = zeros(2, 3, dtype: ScalarType.Int64);

        void Pass()
        {
            using var scope = NewDisposeScope();
            EditPositions.ApplyAt(edit, v, mask);
            alter.Apply(v);
            KlDamage.Mean(logits, logits + 1e-3, mask);
            Perplexity.Compute(logits, tokens, mask);
            PronounBias.Compute(logits[TensorIndex.Colon, -1], new[] { 0, 1 }, new[] { 1, 0 });
        }

        Pass();
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 50; i++) Pass();
        DisposeScopeManager.Statistics.ThreadTotalLiveCount.Should().Be(before);
    }
}
