using static TorchSharp.torch;

namespace Harness.Erasure;

/// Options of INLP.
public sealed record InlpOptions
{
    /// Most classifiers trained (each removes 1 direction, or k - 1 for k > 2 classes).
    public int MaxIterations { get; init; } = 50;

    /// Stop (and keep no more directions) once a classifier's held-out accuracy is below the
    /// majority-class baseline + this margin. -1 never stops early (the paper's fixed number of
    /// iterations). The held-out accuracy is noisy (its standard error is ~0.5 / sqrt(held-out
    /// rows)), so one unlucky classifier can stop INLP with a few percent of accuracy left.
    public double MinAccuracyMargin { get; init; } = 0.01;

    /// Fraction of the rows held out (stratified, seeded) to score each classifier when no dev set
    /// is given. 0 scores on the training rows (optimistic in high dimension: a 768-d probe on a few
    /// thousand rows fits noise well above the majority baseline).
    public double HoldOutFraction { get; init; } = 0.2;

    /// Seed of the held-out split.
    public int Seed { get; init; }

    /// The linear classifier trained at each iteration.
    public LogisticRegressionOptions Classifier { get; init; } = new();

    /// The options, declared once (OptionField).
    public static IReadOnlyList<OptionField<InlpOptions>> Fields { get; } =
    [
        OptionField<InlpOptions>.Integer("iterations", "most classifiers trained", o => o.MaxIterations, (o, v) => o with { MaxIterations = v }, min: 1),
        OptionField<InlpOptions>.Number("min_accuracy_margin", "stop when held-out accuracy < majority + this (-1: never)", o => o.MinAccuracyMargin, (o, v) => o with { MinAccuracyMargin = v }, min: -1, max: 1, maxExclusive: true),
        OptionField<InlpOptions>.Number("holdout_fraction", "rows held out to score each classifier", o => o.HoldOutFraction, (o, v) => o with { HoldOutFraction = v }, min: 0, max: 1, maxExclusive: true),
        OptionField<InlpOptions>.Integer("seed", "seed of the held-out split", o => o.Seed, (o, v) => o with { Seed = v }),
        .. OptionField<InlpOptions>.Nested(LogisticRegressionOptions.Fields, "classifier_", "classifiers", o => o.Classifier, (o, c) => o with { Classifier = c }),
    ];

    public void Validate() => Fields.Validate(this);
    public IReadOnlyDictionary<string, string> ToStrings() => Fields.ToStrings(this);
    public static InlpOptions FromStrings(IReadOnlyDictionary<string, string> options) => Fields.FromStrings(options);
}

/// Iterative Nullspace Projection (Ravfogel et al. 2020, "Null It Out"). Repeatedly: train a linear
/// classifier (logistic regression) on the currently projected rows, score it on held-out rows, stop
/// if it is within MinAccuracyMargin of the majority baseline, else add its weight rows to the
/// removed set and project the original rows onto the intersection of all the classifiers'
/// nullspaces. As in the authors' code (get_projection_to_intersection_of_nullspaces, after
/// Ben-Israel), that projection is computed afresh from all the directions found, P = I - P_R where
/// P_R is the orthogonal projection onto the span of every classifier's weight rows, rather than as a
/// product of the per-step projections; here P_R = U^T U with U an orthonormal basis of that span
/// built in iteration order (Gram-Schmidt), so Directions[0] is the first classifier's direction.
/// Apply projects through the origin (no centre), as the paper does.
public sealed class InlpEraser : NullspaceEraser
{
    public const string MethodName = "inlp";

    private readonly InlpOptions _options;
    private readonly Tensor? _classifierWeights;

    private InlpEraser(Tensor directions, Tensor? classifierWeights, IReadOnlyList<double> accuracies, double majority, InlpOptions options)
        : base(directions)
    {
        _classifierWeights = classifierWeights;
        Accuracies = accuracies;
        Majority = majority;
        _options = options;
    }

    public override string Method => MethodName;

    /// The held-out accuracy of each classifier trained, in order (the last one is the one that
    /// stopped the loop, unless MaxIterations was reached). Empty for an eraser loaded from state
    /// without them.
    public IReadOnlyList<double> Accuracies { get; }

    /// The majority-class baseline on the held-out rows (NaN if unknown).
    public double Majority { get; }

    /// The raw weight rows of the classifiers whose directions were removed, stacked [m, d].
    public Tensor? ClassifierWeights => _classifierWeights;

    /// Runs INLP on rows x [n, d] with integer labels z [n]. With xDev/zDev the classifiers are
    /// scored on them; otherwise on a held-out part of x (InlpOptions.HoldOutFraction).
    public static InlpEraser Fit(Tensor x, Tensor z, InlpOptions? options = null, Tensor? xDev = null, Tensor? zDev = null)
    {
        options ??= new InlpOptions();
        options.Validate();
        var (labels, _) = LinearInputs.CheckFitInputs(x, z);
        long d = x.shape[1];
        using var scope = NewDisposeScope();
        var (xTrain, yTrain, xTest, yTest) = Split(x, labels, xDev, zDev, options.HoldOutFraction, options.Seed);
        var trainClasses = LinearInputs.CheckClasses(yTrain, "z");
        double majority = LinearInputs.MajorityBaseline(yTrain, yTest);
        var yTestTensor = tensor(yTest);

        var directions = zeros(0, d, dtype: ScalarType.Float64);
        var weights = new List<Tensor>();
        var accuracies = new List<double>();
        for (int i = 0; i < options.MaxIterations && directions.shape[0] < d; i++)
        {
            Interruption.ThrowIfRequested();
            using var step = NewDisposeScope();
            var xp = LinearInputs.ProjectOut(xTrain, directions);
            var xpTest = LinearInputs.ProjectOut(xTest, directions);
            using var classifier = LogisticRegression.FitChecked(xp, yTrain, trainClasses, options.Classifier);
            double accuracy = classifier.Accuracy(xpTest, yTestTensor);
            accuracies.Add(accuracy);
            if (accuracy < majority + options.MinAccuracyMargin) break;
            var grown = AppendDirections(directions, classifier.Weights);
            if (grown.shape[0] == directions.shape[0]) break;
            weights.Add(classifier.Weights.clone().MoveToOuterDisposeScope());
            directions.Dispose();
            directions = grown.MoveToOuterDisposeScope();
        }
        var stacked = weights.Count > 0 ? cat(weights, 0) : zeros(0, d, dtype: ScalarType.Float64);
        return new InlpEraser(directions.MoveToOuterDisposeScope(), stacked.MoveToOuterDisposeScope(),
            accuracies, majority, options);
    }

    /// Rebuilds a saved eraser from its State ("directions" [k, d]; "classifier_weights",
    /// "accuracies" [m] and "majority" [1] optional) and Options.
    public static InlpEraser FromState(IReadOnlyDictionary<string, Tensor> state, IReadOnlyDictionary<string, string> options)
    {
        var directions = LinearInputs.ReadDirections(state, MethodName);
        state.TryGetValue("classifier_weights", out var w);
        var accuracies = state.TryGetValue("accuracies", out var a)
            ? a.to_type(ScalarType.Float64).data<double>().ToArray() : [];
        double majority = state.TryGetValue("majority", out var m) && m.numel() == 1
            ? m.to_type(ScalarType.Float64).item<double>() : double.NaN;
        return new InlpEraser(directions, w?.to_type(ScalarType.Float64), accuracies, majority, InlpOptions.FromStrings(options));
    }

    public override IReadOnlyDictionary<string, Tensor> State
    {
        get
        {
            var state = new Dictionary<string, Tensor>
            {
                ["directions"] = Directions,
                ["accuracies"] = tensor(Accuracies.ToArray()),
                ["majority"] = tensor(new[] { Majority }),
            };
            if (_classifierWeights is not null) state["classifier_weights"] = _classifierWeights;
            return state;
        }
    }

    public override IReadOnlyDictionary<string, string> Options => _options.ToStrings();

    /// Extends the orthonormal rows U [r, d] with the part of the rows of w [m, d] outside their
    /// span (two rounds of Gram-Schmidt; a row whose remainder is below 1e-8 of its norm adds
    /// nothing). One row keeps its sign; k > 2 rows (summing to zero) add an orthonormal basis of
    /// their remainder (rank k - 1).
    internal static Tensor AppendDirections(Tensor u, Tensor w)
    {
        using var scope = NewDisposeScope();
        var rows = w.to_type(ScalarType.Float64);
        if (rows.shape[0] > 1) rows = rows - rows.mean([0], keepdim: true);
        var norms = rows.norm(1, keepdim: true);
        var nonzero = (norms.squeeze(1) > 0).nonzero().squeeze(1);
        if (nonzero.shape[0] == 0) return u.clone().MoveToOuterDisposeScope();
        rows = rows.index_select(0, nonzero) / norms.index_select(0, nonzero);
        for (int round = 0; round < 2 && u.shape[0] > 0; round++)
            rows = rows - rows.matmul(u.T).matmul(u);
        Tensor added;
        if (rows.shape[0] == 1)
        {
            double n = rows.norm().item<double>();
            added = n > 1e-8 ? rows / n : zeros(0, u.shape[1], dtype: ScalarType.Float64);
        }
        else
        {
            // The rows had unit norm, so singular values below 1e-8 are rounding noise (the k rows
            // of a softmax classifier sum to zero: rank k - 1).
            var (_, s, vh) = linalg.svd(rows, fullMatrices: false);
            long r = (s > 1e-8).sum().item<long>();
            added = vh[..(int)r];
            if (r > 0)
            {
                var signs = added.gather(1, added.abs().argmax(1, keepdim: true)).sign();
                added = added * where(signs == 0, ones_like(signs), signs);
            }
        }
        return cat([u, added], 0).contiguous().MoveToOuterDisposeScope();
    }

    /// The training and scoring rows: the given dev set, a stratified held-out part, or (fraction 0)
    /// the training rows themselves. Matrices are float64.
    internal static (Tensor XTrain, long[] YTrain, Tensor XTest, long[] YTest) Split(
        Tensor x, long[] labels, Tensor? xDev, Tensor? zDev, double holdOutFraction, int seed)
    {
        var x64 = x.to_type(ScalarType.Float64);
        if (xDev is not null || zDev is not null)
        {
            var yDev = LinearInputs.CheckDevInputs(xDev, zDev, x.shape[1]);
            return (x64, labels, xDev!.to_type(ScalarType.Float64), yDev);
        }
        if (holdOutFraction <= 0) return (x64, labels, x64, labels);
        var (train, test) = LinearInputs.StratifiedSplit(labels, holdOutFraction, seed);
        return (x64.index_select(0, tensor(train)), train.Select(i => labels[i]).ToArray(),
                x64.index_select(0, tensor(test)), test.Select(i => labels[i]).ToArray());
    }
}
