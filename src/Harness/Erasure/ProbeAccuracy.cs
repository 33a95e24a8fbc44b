using static TorchSharp.torch;

namespace Harness.Erasure;

/// How much linear information about a concept is left in activations: a fresh logistic-regression
/// probe trained on some rows and scored on held-out rows, next to the majority-class baseline.
/// This is the experiment runner's `probe_accuracy` metric (run it on edited activations).
public static class ProbeAccuracy
{
    /// TrainAccuracy and TestAccuracy of the probe; Majority = accuracy on the test rows of always
    /// predicting the most frequent training label; TestLogLoss = mean cross-entropy on the test rows
    /// (NaN if a test label never occurs in training).
    public sealed record Result(double TrainAccuracy, double TestAccuracy, double Majority, double TestLogLoss)
    {
        /// Per test row: 1 where the probe is right, 0 where it is wrong (TestAccuracy is their mean).
        public double[] TestCorrect { get; init; } = [];

        /// Per test row: 1 where the majority training label is right (Majority is their mean).
        public double[] MajorityCorrect { get; init; } = [];

        /// TestAccuracy - Majority: how far above chance the probe still is.
        public double AboveMajority => TestAccuracy - Majority;
    }

    /// Trains a probe on (xTrain, yTrain) and scores it on (xTest, yTest).
    public static Result TrainTest(Tensor xTrain, Tensor yTrain, Tensor xTest, Tensor yTest, LogisticRegressionOptions? options = null)
    {
        options ??= new LogisticRegressionOptions();
        options.Validate();
        if (xTrain.dim() == 2 && xTrain.shape[1] == 0 && xTest.dim() == 2 && xTest.shape[1] == 0)
            return WithoutFeatures(yTrain, yTest);
        var (train, classes) = LinearInputs.CheckFitInputs(xTrain, yTrain, nameof(xTrain), nameof(yTrain));
        LinearInputs.CheckMatrix(xTest, nameof(xTest));
        if (xTest.shape[1] != xTrain.shape[1])
            throw new HarnessException($"xTest: has dimension {xTest.shape[1]} but xTrain has dimension {xTrain.shape[1]}");
        var test = LinearInputs.CheckLabels(yTest, xTest.shape[0], nameof(yTest), nameof(xTest));
        using var scope = NewDisposeScope();
        using var probe = LogisticRegression.FitChecked(xTrain, train, classes, options);
        double logLoss = test.All(v => Array.BinarySearch(classes, v) >= 0) ? probe.LogLoss(xTest, yTest) : double.NaN;
        var predicted = probe.Predict(xTest).data<long>().ToArray();
        var correct = test.Select((y, i) => predicted[i] == y ? 1.0 : 0.0).ToArray();
        return new Result(probe.Accuracy(xTrain, yTrain), correct.Length == 0 ? double.NaN : correct.Average(),
            LinearInputs.MajorityBaseline(train, test), logLoss)
        {
            TestCorrect = correct,
            MajorityCorrect = MajorityItems(train, test),
        };
    }

    /// A probe that sees no features (the component of the activations in a subspace that a method
    /// found empty, e.g. INLP stopping at once) can only learn its intercept: the training classes'
    /// frequencies. It predicts the majority training label everywhere.
    private static Result WithoutFeatures(Tensor yTrain, Tensor yTest)
    {
        var train = LinearInputs.CheckLabels(yTrain, nameof(yTrain));
        var test = LinearInputs.CheckLabels(yTest, nameof(yTest));
        if (train.Length == 0) throw new HarnessException("yTrain: no labels");
        var prior = train.GroupBy(v => v).ToDictionary(g => g.Key, g => g.Count() / (double)train.Length);
        double logLoss = test.All(prior.ContainsKey) ? -test.Average(v => Math.Log(prior[v])) : double.NaN;
        var majority = MajorityItems(train, test);
        return new Result(LinearInputs.MajorityBaseline(train, train), LinearInputs.MajorityBaseline(train, test),
            LinearInputs.MajorityBaseline(train, test), logLoss)
        {
            TestCorrect = majority,
            MajorityCorrect = majority,
        };
    }

    private static double[] MajorityItems(long[] train, long[] test)
    {
        long majority = LinearInputs.MajorityLabel(train);
        return test.Select(y => y == majority ? 1.0 : 0.0).ToArray();
    }

    /// Accuracy on yTest of always predicting the most frequent label of yTrain (ties: the smallest
    /// label).
    public static double MajorityBaseline(Tensor yTrain, Tensor yTest)
    {
        var train = LinearInputs.CheckLabels(yTrain, nameof(yTrain));
        var test = LinearInputs.CheckLabels(yTest, nameof(yTest));
        if (train.Length == 0) throw new HarnessException("yTrain: no labels");
        return LinearInputs.MajorityBaseline(train, test);
    }

    /// The fraction of the most frequent label in labels.
    public static double Majority(Tensor labels) => MajorityBaseline(labels, labels);
}
