using static TorchSharp.torch;

namespace Harness.Erasure;

/// Options of the `probe` method: the logistic-regression classifier it trains.
public sealed record ProbeOptions
{
    public LogisticRegressionOptions Classifier { get; init; } = new();

    /// The options, declared once: the classifier's, unprefixed.
    public static IReadOnlyList<OptionField<ProbeOptions>> Fields { get; } =
        OptionField<ProbeOptions>.Nested(LogisticRegressionOptions.Fields, "", "probe", o => o.Classifier, (o, c) => o with { Classifier = c }).ToList();

    public void Validate() => Fields.Validate(this);
    public IReadOnlyDictionary<string, string> ToStrings() => Fields.ToStrings(this);
    public static ProbeOptions FromStrings(IReadOnlyDictionary<string, string> options) => Fields.FromStrings(options);
}

/// The discussion's "one-step linear classifier" direction: one logistic-regression probe is trained
/// on all rows, and its normalised weight vector is the concept direction (rank 1, pointing towards
/// the larger label). With k > 2 classes the probe has k weight rows (which sum to zero); their
/// orthonormal basis (rank k - 1) is removed. Apply projects the direction(s) out through the
/// origin (see NullspaceEraser), i.e. one INLP iteration.
public sealed class ProbeEraser : NullspaceEraser
{
    public const string MethodName = "probe";

    private readonly ProbeOptions _options;
    private readonly Tensor? _weights;
    private readonly Tensor? _bias;

    private ProbeEraser(Tensor directions, Tensor? weights, Tensor? bias, ProbeOptions options, double trainAccuracy)
        : base(directions)
    {
        _weights = weights;
        _bias = bias;
        _options = options;
        TrainAccuracy = trainAccuracy;
    }

    public override string Method => MethodName;

    /// The probe's accuracy on its training rows (NaN for an eraser loaded from state).
    public double TrainAccuracy { get; }

    /// The probe's raw weights [1 or k, d] and bias, if known.
    public Tensor? Weights => _weights;
    public Tensor? Bias => _bias;

    /// Trains the probe on rows x [n, d] with integer labels z [n].
    public static ProbeEraser Fit(Tensor x, Tensor z, ProbeOptions? options = null)
    {
        options ??= new ProbeOptions();
        options.Validate();
        var (labels, classes) = LinearInputs.CheckFitInputs(x, z);
        using var scope = NewDisposeScope();
        using var probe = LogisticRegression.FitChecked(x, labels, classes, options.Classifier);
        var w = probe.Weights;
        if (w.shape[0] > 1) w = w - w.mean([0], keepdim: true);
        if (w.abs().max().item<double>() == 0)
            throw new HarnessException("x: the probe found no direction (all its weights are zero); are the rows constant?");
        Tensor directions = w.shape[0] == 1 ? w / w.norm() : LinearInputs.OrthonormalRowBasis(w, 1e-8);
        double accuracy = probe.Accuracy(x, z);
        return new ProbeEraser(directions.contiguous().MoveToOuterDisposeScope(),
            probe.Weights.clone().MoveToOuterDisposeScope(), probe.Bias.clone().MoveToOuterDisposeScope(),
            options, accuracy);
    }

    /// Rebuilds a saved eraser from its State ("directions" [k, d]; "weights" and "bias" optional)
    /// and Options.
    public static ProbeEraser FromState(IReadOnlyDictionary<string, Tensor> state, IReadOnlyDictionary<string, string> options)
    {
        var directions = LinearInputs.ReadDirections(state, MethodName);
        state.TryGetValue("weights", out var weights);
        state.TryGetValue("bias", out var bias);
        return new ProbeEraser(directions, weights?.to_type(ScalarType.Float64), bias?.to_type(ScalarType.Float64),
            ProbeOptions.FromStrings(options), double.NaN);
    }

    public override IReadOnlyDictionary<string, Tensor> State
    {
        get
        {
            var state = new Dictionary<string, Tensor> { ["directions"] = Directions };
            if (_weights is not null) state["weights"] = _weights;
            if (_bias is not null) state["bias"] = _bias;
            return state;
        }
    }

    public override IReadOnlyDictionary<string, string> Options => _options.ToStrings();
}
