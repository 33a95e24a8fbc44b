using static TorchSharp.torch;

namespace Harness.Experiments;

/// The probe_accuracy metric's probe: a logistic regression retrained from scratch on (edited)
/// training activations and scored on held-out activations, next to the majority baseline.
///
/// Provisional: a small softmax regression (standardised features, L2 1e-4 per row, full-batch
/// Adam, fixed steps) until the `linear` work's LogisticRegression / ProbeAccuracy land in
/// Harness.Erasure; then this delegates to ProbeAccuracy.TrainTest.
public static class RetrainedProbe
{
    public sealed record Result(double Accuracy, double Majority);

    public const int Steps = 300;
    public const double L2 = 1e-4;

    /// x: float [n, d]; y: int64 labels [n] (0..k-1).
    public static Result Evaluate(Tensor xTrain, Tensor yTrain, Tensor xTest, Tensor yTest, int seed = 0)
    {
        using var scope = NewDisposeScope();
        var x = xTrain.to(ScalarType.Float64);
        var xt = xTest.to(ScalarType.Float64);
        var y = yTrain.to(ScalarType.Int64);
        var yt = yTest.to(ScalarType.Int64);
        long classes = Math.Max(y.max().item<long>(), yt.max().item<long>()) + 1;
        var mean = x.mean([0]);
        var std = x.std(0).clamp_min(1e-8);
        x = (x - mean) / std;
        xt = (xt - mean) / std;

        var counts = bincount(y, minlength: classes);
        long majorityClass = counts.argmax().item<long>();
        double majority = yt.eq(majorityClass).to(ScalarType.Float64).mean().item<double>();

        var w = new TorchSharp.Modules.Parameter(zeros(x.shape[1], classes, dtype: ScalarType.Float64));
        var b = new TorchSharp.Modules.Parameter(zeros(classes, dtype: ScalarType.Float64));
        using (var optimizer = optim.Adam([w, b], lr: 0.05))
        using (enable_grad())
        {
            for (int step = 0; step < Steps; step++)
            {
                using var inner = NewDisposeScope();
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(x.mm(w) + b, y) + L2 / 2 * w.square().sum();
                loss.backward();
                optimizer.step();
            }
        }
        using var noGrad = no_grad();
        double accuracy = (xt.mm(w) + b).argmax(1).eq(yt).to(ScalarType.Float64).mean().item<double>();
        return new Result(accuracy, majority);
    }
}
