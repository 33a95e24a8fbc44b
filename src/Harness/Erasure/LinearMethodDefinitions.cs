using static TorchSharp.torch;

namespace Harness.Erasure;

/// The registry entries of the classifier-based methods (probe, INLP, RLACE): their options as the
/// command line and eraser files see them, and how to fit and load them. The options records
/// (ProbeOptions, InlpOptions, RlaceOptions) stay the source of the defaults; the declarations here
/// only give each option its kind and help text.
public static class LinearMethodDefinitions
{
    private static readonly LogisticRegressionOptions Classifier = new();

    private static IEnumerable<EraserOption> ClassifierOptions(string prefix, string what) => new[]
    {
        EraserOption.Number(prefix + "l2", Classifier.L2, $"L2 penalty of the {what}", min: 0),
        EraserOption.Integer(prefix + "max_iterations", Classifier.MaxIterations, $"L-BFGS iterations of the {what}", min: 1),
        EraserOption.Number(prefix + "tolerance", Classifier.Tolerance, $"convergence tolerance of the {what}", min: 0, minExclusive: true),
        EraserOption.Integer(prefix + "history", Classifier.History, $"L-BFGS history of the {what}", min: 1),
    };

    public static EraserMethod Probe { get; } = new(
        "probe",
        "one logistic-regression probe; its normalised weight vector is the direction (rank 1), projected out",
        ClassifierOptions("", "probe").ToList(),
        needsConcept: true,
        fit: (data, options) => ProbeEraser.Fit(data.X, Labels(data, "probe"), ProbeOptions.FromStrings(options.Values)),
        load: state => Checked(state, ProbeEraser.FromState(state.Tensors, state.Options.Values)));

    private static readonly InlpOptions InlpDefaults = new();

    public static EraserMethod Inlp { get; } = new(
        "inlp",
        "iterative nullspace projection: classifiers trained and projected out until one is near chance",
        new[]
        {
            EraserOption.Integer("iterations", InlpDefaults.MaxIterations, "most classifiers trained", min: 1),
            EraserOption.Number("min_accuracy_margin", InlpDefaults.MinAccuracyMargin, "stop when held-out accuracy < majority + this (-1: never)", min: -1, max: 0.999),
            EraserOption.Number("holdout_fraction", InlpDefaults.HoldOutFraction, "rows held out to score each classifier", min: 0, max: 0.999),
            EraserOption.Integer("seed", InlpDefaults.Seed, "seed of the held-out split"),
        }.Concat(ClassifierOptions("classifier_", "classifiers")).ToList(),
        needsConcept: true,
        fit: (data, options) => InlpEraser.Fit(data.X, Labels(data, "inlp"), InlpOptions.FromStrings(options.Values)),
        load: state => Checked(state, InlpEraser.FromState(state.Tensors, state.Options.Values)));

    private static readonly RlaceOptions RlaceDefaults = new();

    public static EraserMethod Rlace { get; } = new(
        "rlace",
        "relaxed linear adversarial concept erasure: a rank-k projection from a minimax game over the Fantope",
        new[]
        {
            EraserOption.Integer("rank", RlaceDefaults.Rank, "rank of the erased subspace", min: 1),
            EraserOption.Integer("max_steps", RlaceDefaults.MaxSteps, "most game steps", min: 1),
            EraserOption.Integer("batch_size", RlaceDefaults.BatchSize, "rows per SGD batch", min: 1),
            EraserOption.Number("lr_p", RlaceDefaults.LearningRateP, "SGD learning rate of the adversary P", min: 0, minExclusive: true),
            EraserOption.Number("lr_predictor", RlaceDefaults.LearningRatePredictor, "SGD learning rate of the predictor", min: 0, minExclusive: true),
            EraserOption.Number("weight_decay", RlaceDefaults.WeightDecay, "SGD weight decay", min: 0),
            EraserOption.Integer("evaluate_every", RlaceDefaults.EvaluateEvery, "steps between evaluations by a fresh probe", min: 1),
            EraserOption.Number("epsilon", RlaceDefaults.Epsilon, "stop when probe accuracy <= majority + epsilon", min: 0, max: 0.999),
            EraserOption.Number("holdout_fraction", RlaceDefaults.HoldOutFraction, "rows held out for the evaluation probes", min: 0, max: 0.999),
            EraserOption.Integer("seed", RlaceDefaults.Seed, "seed of the split, the predictor and the batches"),
        }.Concat(ClassifierOptions("probe_", "evaluation probes")).ToList(),
        needsConcept: true,
        fit: (data, options) => RlaceEraser.Fit(data.X, Labels(data, "rlace"), RlaceOptions.FromStrings(options.Values)),
        load: state => Checked(state, RlaceEraser.FromState(state.Tensors, state.Options.Values)));

    /// A loaded eraser must act on the dimension its file's metadata declares.
    private static IEraser Checked(EraserState state, IEraser eraser) =>
        eraser.Dimension == state.Dimension ? eraser
            : throw state.Error($"directions have dimension {eraser.Dimension} but the metadata says {state.Dimension}");

    private static Tensor Labels(EraserData data, string method) => data.RequireLabels(method).Labels;
}
