using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Erasure;

/// Options of the MLP probe (defaults are what the `mlp_probe_accuracy` metric uses).
public sealed record MlpProbeOptions
{
    /// ReLU units of the one hidden layer.
    public int Hidden { get; init; } = 64;

    /// Full-batch Adam steps. Fixed, with no early stopping: the rows of one prompt's positions are
    /// correlated, so a validation split of the training rows would not be held out.
    public int Steps { get; init; } = 300;

    public double LearningRate { get; init; } = 3e-3;

    /// L2 penalty on the weights (Adam's weight_decay).
    public double WeightDecay { get; init; } = 1e-4;

    /// Seed of the initial weights.
    public int Seed { get; init; }

    public void Validate()
    {
        if (Hidden < 1) throw new UsageException($"hidden: must be at least 1, got {Hidden}");
        if (Steps < 1) throw new UsageException($"steps: must be at least 1, got {Steps}");
        if (!(LearningRate > 0)) throw new UsageException($"learning_rate: must be above 0, got {LearningRate}");
        if (!(WeightDecay >= 0)) throw new UsageException($"weight_decay: must be at least 0, got {WeightDecay}");
    }
}

/// What linear erasure leaves recoverable: a small nonlinear probe (one hidden layer of ReLU units,
/// softmax over the classes) trained on some rows and scored on held-out rows, beside the
/// majority-class baseline, as ProbeAccuracy does for a linear probe. LEACE guarantees that no
/// linear classifier beats a constant predictor on the erased activations (Belrose et al. 2023,
/// arXiv 2306.03819, Theorem 3.1); it says nothing about nonlinear ones, which can still read the
/// concept from, e.g., a difference of class covariances that LEACE leaves in place (the paper's
/// section 6 shows such probes recovering it). This is the `mlp_probe_accuracy` metric.
///
/// Inputs are standardised with the training rows' mean and standard deviation; the weights start
/// from a seeded Kaiming-uniform draw (as torch.nn.Linear), so one seed gives one probe everywhere.
/// Float32, CPU.
public static class MlpProbe
{
    public static ProbeAccuracy.Result TrainTest(Tensor xTrain, Tensor yTrain, Tensor xTest, Tensor yTest, MlpProbeOptions? options = null)
    {
        options ??= new MlpProbeOptions();
        options.Validate();
        var (train, classes) = LinearInputs.CheckFitInputs(xTrain, yTrain, nameof(xTrain), nameof(yTrain));
        LinearInputs.CheckMatrix(xTest, nameof(xTest));
        if (xTest.shape[1] != xTrain.shape[1])
            throw new HarnessException($"xTest: has dimension {xTest.shape[1]} but xTrain has dimension {xTrain.shape[1]}");
        var test = LinearInputs.CheckLabels(yTest, xTest.shape[0], nameof(yTest), nameof(xTest));
        long d = xTrain.shape[1];
        int c = classes.Length;
        using var scope = NewDisposeScope();
        var x = xTrain.detach().to(ScalarType.Float32).cpu();
        var mean = x.mean([0], keepdim: true);
        var std = x.std([0], keepdim: true).clamp_min(1e-6);
        x = (x - mean) / std;
        var target = tensor(train.Select(v => (long)Array.BinarySearch(classes, v)).ToArray());

        using var generator = new Generator(0, CPU);
        generator.manual_seed(options.Seed);
        Tensor Uniform(long rows, long cols, long fanIn) =>
            (rand([rows, cols], ScalarType.Float32, generator: generator) * 2 - 1) / Math.Sqrt(fanIn);
        var w1 = new TorchSharp.Modules.Parameter(Uniform(d, options.Hidden, d));
        var b1 = new TorchSharp.Modules.Parameter(Uniform(1, options.Hidden, d));
        var w2 = new TorchSharp.Modules.Parameter(Uniform(options.Hidden, c, options.Hidden));
        var b2 = new TorchSharp.Modules.Parameter(Uniform(1, c, options.Hidden));
        Tensor Logits(Tensor input) => nn.functional.relu(input.mm(w1) + b1).mm(w2) + b2;

        using (var adam = optim.Adam([w1, b1, w2, b2], lr: options.LearningRate, weight_decay: options.WeightDecay))
            for (int step = 0; step < options.Steps; step++)
            {
                Interruption.ThrowIfRequested();
                using var stepScope = NewDisposeScope();
                adam.zero_grad();
                using (enable_grad())
                    nn.functional.cross_entropy(Logits(x), target).backward();
                adam.step();
            }

        long[] Predict(Tensor input)
        {
            using var _ = no_grad();
            var z = (input.detach().to(ScalarType.Float32).cpu() - mean) / std;
            return Logits(z).argmax(1).data<long>().Select(i => classes[i]).ToArray();
        }
        var trainPredicted = Predict(xTrain);
        var predicted = Predict(xTest);
        var correct = test.Select((y, i) => predicted[i] == y ? 1.0 : 0.0).ToArray();
        double logLoss;
        using (no_grad())
        {
            var known = test.All(v => Array.BinarySearch(classes, v) >= 0);
            logLoss = known && test.Length > 0
                ? nn.functional.cross_entropy(Logits((xTest.detach().to(ScalarType.Float32).cpu() - mean) / std),
                    tensor(test.Select(v => (long)Array.BinarySearch(classes, v)).ToArray())).item<float>()
                : double.NaN;
        }
        long majority = LinearInputs.MajorityLabel(train);
        return new ProbeAccuracy.Result(train.Select((y, i) => trainPredicted[i] == y ? 1.0 : 0.0).Average(),
            correct.Length == 0 ? double.NaN : correct.Average(), LinearInputs.MajorityBaseline(train, test), logLoss)
        {
            TestCorrect = correct,
            MajorityCorrect = test.Select(y => y == majority ? 1.0 : 0.0).ToArray(),
        };
    }
}
