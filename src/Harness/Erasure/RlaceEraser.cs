using System.Diagnostics;
using static TorchSharp.torch;

namespace Harness.Erasure;

/// Options of RLACE. Names follow the authors' solve_adv_game (rlace-icml, rlace.py). The reference
/// plays up to 75,000 steps of batch 128 at learning rate 0.005, evaluating every 1,000 steps. The
/// defaults here reach the same erasure in a few hundred steps (measured by RlaceBenchmark, on a
/// planted 768-d binary concept, 10,000 training rows, a 2,000-row dev set, steps until the dev
/// probe is within 2 % of majority; one LibTorch thread on a shared 2-core machine):
///
///   lr     batch   steps    game time   fresh probe on 4,000 unseen rows, above majority
///   0.005    128   12,000     38 s       +1.4 %   (the reference's lr and batch)
///   0.02    1024    1,000     12 s       +2.4 %
///   0.05    1024      650     10 s       +3.3 %
///   0.1     1024    2,950     20 s       +2.3 %   (noisy: the dev probe hovers at +3-5 %)
///   0.02    2048      800     15 s       +1.7 %
///   0.05    2048      300      6 s       +1.9 %   (the defaults)
///   0.1     2048      150      3 s       +2.0 %
///   0.05    4096      450     39 s       +0.9 %
///   0.1   10,000      125     39 s       +1.0 %   (full batch)
///
/// (The game times include other agents' load; each evaluation probe adds ~1-2.5 s.) The noise of
/// the P steps grows with lr / batch: 0.05 with 2,048 rows is both fast and as good as the
/// reference; smaller batches need smaller rates and many more steps.
public sealed record RlaceOptions
{
    /// The rank k of the erased subspace.
    public int Rank { get; init; } = 1;

    /// Most game steps (reference: 75,000).
    public int MaxSteps { get; init; } = 2000;

    /// Rows per SGD batch (reference: 128); all rows when the training set is smaller.
    public int BatchSize { get; init; } = 2048;

    /// SGD learning rate of the adversary P (reference: 0.005), on rows scaled to unit RMS.
    public double LearningRateP { get; init; } = 0.05;

    /// SGD learning rate of the predictor (reference: 0.005).
    public double LearningRatePredictor { get; init; } = 0.05;

    /// SGD weight decay of P and of the predictor (reference: 1e-4 for both).
    public double WeightDecay { get; init; } = 1e-4;

    /// Steps between evaluations by a freshly trained probe (reference: 1,000).
    public int EvaluateEvery { get; init; } = 100;

    /// Stop once an evaluation probe's held-out accuracy is at most majority + Epsilon (reference:
    /// |accuracy - majority| < 0.0015, on its training rows; held-out accuracies are noisier, with a
    /// standard error of ~0.5 / sqrt(held-out rows)).
    public double Epsilon { get; init; } = 0.01;

    /// Fraction of rows held out (stratified, seeded) for the evaluation probes when no dev set is
    /// given; the game itself is played on the other rows. 0 evaluates on the training rows.
    public double HoldOutFraction { get; init; } = 0.2;

    /// Seed of the held-out split, the predictor's initialisation and the batches.
    public int Seed { get; init; }

    /// The evaluation probe (reference: SGDClassifier, log loss, alpha = 1e-4, which is this L2).
    public LogisticRegressionOptions Probe { get; init; } = new();

    /// The options, declared once (OptionField).
    public static IReadOnlyList<OptionField<RlaceOptions>> Fields { get; } =
    [
        OptionField<RlaceOptions>.Integer("rank", "rank of the erased subspace", o => o.Rank, (o, v) => o with { Rank = v }, min: 1),
        OptionField<RlaceOptions>.Integer("max_steps", "most game steps", o => o.MaxSteps, (o, v) => o with { MaxSteps = v }, min: 1),
        OptionField<RlaceOptions>.Integer("batch_size", "rows per SGD batch", o => o.BatchSize, (o, v) => o with { BatchSize = v }, min: 1),
        OptionField<RlaceOptions>.Number("lr_p", "SGD learning rate of the adversary P", o => o.LearningRateP, (o, v) => o with { LearningRateP = v }, min: 0, minExclusive: true),
        OptionField<RlaceOptions>.Number("lr_predictor", "SGD learning rate of the predictor", o => o.LearningRatePredictor, (o, v) => o with { LearningRatePredictor = v }, min: 0, minExclusive: true),
        OptionField<RlaceOptions>.Number("weight_decay", "SGD weight decay", o => o.WeightDecay, (o, v) => o with { WeightDecay = v }, min: 0),
        OptionField<RlaceOptions>.Integer("evaluate_every", "steps between evaluations by a fresh probe", o => o.EvaluateEvery, (o, v) => o with { EvaluateEvery = v }, min: 1),
        OptionField<RlaceOptions>.Number("epsilon", "stop when probe accuracy <= majority + epsilon", o => o.Epsilon, (o, v) => o with { Epsilon = v }, min: 0, max: 1, maxExclusive: true),
        OptionField<RlaceOptions>.Number("holdout_fraction", "rows held out for the evaluation probes", o => o.HoldOutFraction, (o, v) => o with { HoldOutFraction = v }, min: 0, max: 1, maxExclusive: true),
        OptionField<RlaceOptions>.Integer("seed", "seed of the split, the predictor and the batches", o => o.Seed, (o, v) => o with { Seed = v }),
        .. OptionField<RlaceOptions>.Nested(LogisticRegressionOptions.Fields, "probe_", "evaluation probes", o => o.Probe, (o, p) => o with { Probe = p }),
    ];

    public void Validate() => Fields.Validate(this);
    public IReadOnlyDictionary<string, string> ToStrings() => Fields.ToStrings(this);
    public static RlaceOptions FromStrings(IReadOnlyDictionary<string, string> options) => Fields.FromStrings(options);
}

/// One evaluation of the current adversary: a fresh probe trained on the projected training rows,
/// scored on the projected held-out rows.
public sealed record RlaceEvaluation(int Step, double Accuracy, double LogLoss);

/// What an RLACE fit did: steps played, every evaluation, the one kept (highest probe loss) and
/// whether the accuracy came within Epsilon of the majority baseline.
/// GameTime is the time spent in SGD steps, EvaluationTime in training and scoring probes.
public sealed record RlaceReport(
    int Steps, double Majority, IReadOnlyList<RlaceEvaluation> Evaluations, RlaceEvaluation Best,
    bool ReachedEpsilon, TimeSpan Elapsed, TimeSpan GameTime, TimeSpan EvaluationTime);

/// RLACE, Relaxed Linear Adversarial Concept Erasure (Ravfogel et al. 2022): the minimax game
/// min over a linear predictor, max over P in the Fantope F_k, of the predictor's cross-entropy on
/// x (I - P), played by alternating SGD steps (one for P, ascending the loss, then a Fantope
/// projection; one for the predictor), as in the authors' solve_adv_game. Every EvaluateEvery steps
/// the top-k eigenvectors U of P give the candidate projection I - U^T U; a fresh probe is trained
/// on the projected rows and the candidate with the highest held-out probe loss is kept; the game
/// stops early once a probe's held-out accuracy is within Epsilon of the majority baseline. The
/// output is the rank-k orthogonal projection P_final = I - U^T U of the kept candidate, applied
/// through the origin.
///
/// Differences from the reference, all for speed or robustness, none changing the game:
/// - P is kept factored, P = c I + V diag(m) V^T: an SGD step adds a rank-2k term to P, so its
///   Fantope projection needs the eigenvalues of a small (r + 2k)-square matrix rather than of a
///   dense d x d one (the reference's eigh of 768 x 768 in every step takes ~0.1 s on an idle core
///   here and ~1 s under load, so its 75,000 steps take hours; the factored step takes 2-30 ms). The projection is exact (Fantope.ProjectSpectrum with the
///   implicit eigenvalue c of multiplicity d - r - 2k). Once the game has concentrated P (r = k
///   there, in practice), a step costs about as much as the batch's matrix products.
/// - P starts at a random rank-k projection (seeded) rather than at 0.1 * randn(d, d); both are
///   concentrated on a few random directions after the first Fantope projection, and this start
///   keeps the factors small from the first step.
/// - The game runs on rows centred on the training mean and divided by one global scale (the RMS
///   of the centred entries). The predictor has a bias, so centring changes nothing but the
///   conditioning; a global scale leaves every orthogonal projection unchanged. This makes the
///   default learning rates independent of the activations' scale (GPT-2's residual stream has
///   norms in the hundreds).
/// - Evaluation uses one deterministic L-BFGS probe scored on held-out rows (the reference trains
///   three SGD probes on the training rows and scores them on the same rows), and the stop test is
///   one-sided (accuracy <= majority + Epsilon).
/// - Defaults: see RlaceOptions; the ones that differ were chosen by the measurement in
///   tests/Harness.Tests/Erasure/RlaceBenchmark.cs (reported there).
public sealed class RlaceEraser : NullspaceEraser
{
    public const string MethodName = "rlace";

    private readonly RlaceOptions _options;

    private RlaceEraser(Tensor directions, RlaceOptions options, RlaceReport? report) : base(directions)
    {
        _options = options;
        Report = report;
    }

    public override string Method => MethodName;

    /// How the fit went (null for an eraser loaded from state).
    public RlaceReport? Report { get; }

    /// Plays the game on rows x [n, d] with integer labels z [n]. With xDev/zDev the evaluation probes
    /// are scored on them; otherwise on a held-out part of x. progress, if given, receives one line
    /// per evaluation.
    public static RlaceEraser Fit(Tensor x, Tensor z, RlaceOptions? options = null, Tensor? xDev = null, Tensor? zDev = null,
        Action<string>? progress = null)
    {
        options ??= new RlaceOptions();
        options.Validate();
        var (labels, _) = LinearInputs.CheckFitInputs(x, z);
        long d = x.shape[1];
        if (options.Rank > d)
            throw new UsageException($"rank: {options.Rank} is larger than the dimension d = {d} of x");
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        var (xTrain, yTrain, xTest, yTest) = InlpEraser.Split(x, labels, xDev, zDev, options.HoldOutFraction, options.Seed);
        var classes = LinearInputs.CheckClasses(yTrain, "z");
        double majority = LinearInputs.MajorityBaseline(yTrain, yTest);
        var yTrainTensor = tensor(yTrain);
        var yTestTensor = tensor(yTest);

        using var game = new RlaceGame(xTrain, yTrain, classes, options);
        var evaluations = new List<RlaceEvaluation>();
        RlaceEvaluation? best = null;
        Tensor? bestDirections = null;
        bool reached = false;
        int step = 0;
        var gameClock = new Stopwatch();
        var evaluationClock = new Stopwatch();
        while (step < options.MaxSteps)
        {
            Interruption.ThrowIfRequested();
            gameClock.Start();
            using (var stepScope = NewDisposeScope())
            {
                game.StepAdversary();
                game.StepPredictor();
            }
            gameClock.Stop();
            step++;
            if (step % options.EvaluateEvery != 0 && step != options.MaxSteps) continue;

            evaluationClock.Start();
            using var evalScope = NewDisposeScope();
            var u = game.TopDirections();
            var result = ProbeAccuracy.TrainTest(LinearInputs.ProjectOut(xTrain, u), yTrainTensor,
                LinearInputs.ProjectOut(xTest, u), yTestTensor, options.Probe);
            var evaluation = new RlaceEvaluation(step, result.TestAccuracy, result.TestLogLoss);
            evaluations.Add(evaluation);
            progress?.Invoke($"rlace step {step}: probe accuracy {result.TestAccuracy:F4} (majority {majority:F4}), probe loss {result.TestLogLoss:F4}, P rank {game.FactorRank}");
            if (best is null || evaluation.LogLoss > best.LogLoss || double.IsNaN(best.LogLoss))
            {
                best = evaluation;
                bestDirections?.Dispose();
                bestDirections = u.MoveToOuterDisposeScope();
            }
            evaluationClock.Stop();
            if (evaluation.Accuracy <= majority + options.Epsilon) { reached = true; break; }
        }

        var report = new RlaceReport(step, majority, evaluations, best!, reached, clock.Elapsed,
            gameClock.Elapsed, evaluationClock.Elapsed);
        return new RlaceEraser(bestDirections!.MoveToOuterDisposeScope(), options, report);
    }

    /// Rebuilds a saved eraser from its State ("directions" [k, d]) and Options.
    public static RlaceEraser FromState(IReadOnlyDictionary<string, Tensor> state, IReadOnlyDictionary<string, string> options)
    {
        var directions = LinearInputs.ReadDirections(state, MethodName);
        var parsed = RlaceOptions.FromStrings(options);
        if (options.ContainsKey("rank") && directions.shape[0] != parsed.Rank)
            throw new HarnessException($"state: the rlace directions have {directions.shape[0]} rows but the options say rank {parsed.Rank}");
        return new RlaceEraser(directions, parsed, null);
    }

    public override IReadOnlyDictionary<string, string> Options => _options.ToStrings();
}

/// The state of the RLACE game: the predictor (W [k', d], b [k'], k' = 1 for two classes) and the
/// adversary P = c I + V diag(m) V^T (V [d, r] orthonormal columns), on centred, globally scaled
/// training rows. Float64, CPU.
internal sealed class RlaceGame : IDisposable
{
    private readonly Tensor _x;
    private readonly Tensor _target;
    private readonly bool _binary;
    private readonly RlaceOptions _o;
    private readonly Random _rng;
    private readonly int[] _order;
    private Tensor _w;
    private Tensor _b;
    private double _c;
    private Tensor _v;
    private Tensor _m;

    public RlaceGame(Tensor xTrain, long[] yTrain, long[] classes, RlaceOptions options)
    {
        _o = options;
        _rng = new Random(options.Seed);
        _order = Enumerable.Range(0, yTrain.Length).ToArray();
        long d = xTrain.shape[1];
        using (var scope = NewDisposeScope())
        {
            var x = xTrain.to_type(ScalarType.Float64);
            var centred = x - x.mean([0], keepdim: true);
            double scale = Math.Sqrt(centred.square().mean().item<double>());
            _x = (scale > 0 ? centred / scale : centred).DetachFromDisposeScope();
        }
        var classIndex = classes.Select((c, i) => (c, i)).ToDictionary(t => t.c, t => (long)t.i);
        var idx = tensor(yTrain.Select(v => classIndex[v]).ToArray());
        _binary = classes.Length == 2;
        _target = _binary
            ? idx.to_type(ScalarType.Float64).unsqueeze(1)
            : nn.functional.one_hot(idx, classes.Length).to_type(ScalarType.Float64);
        _target.DetachFromDisposeScope();
        idx.Dispose();

        // The predictor starts as torch.nn.Linear does: uniform in +-1/sqrt(d), here from the seed.
        int outputs = _binary ? 1 : classes.Length;
        double bound = 1.0 / Math.Sqrt(d);
        var init = new double[outputs * d + outputs];
        for (int i = 0; i < init.Length; i++) init[i] = (2 * _rng.NextDouble() - 1) * bound;
        _w = tensor(init[..(int)(outputs * d)], [outputs, d]).DetachFromDisposeScope();
        _b = tensor(init[(int)(outputs * d)..]).DetachFromDisposeScope();

        // P starts at the projection onto k random orthonormal directions, a corner of the Fantope.
        // (The reference starts at 0.1 * randn(d, d), whose first Fantope projection is likewise
        // concentrated on a few random directions. Starting at P = 0 instead spreads the trace
        // evenly, c = k / d, until one eigenvalue has grown to 1; in that phase every step adds
        // two directions to the factors and the steps get as slow as dense ones.)
        var gaussian = new double[d * options.Rank];
        for (int i = 0; i < gaussian.Length; i++)
            gaussian[i] = Math.Sqrt(-2 * Math.Log(1 - _rng.NextDouble())) * Math.Cos(2 * Math.PI * _rng.NextDouble());
        using (var scope = NewDisposeScope())
        {
            var (q, _) = linalg.qr(tensor(gaussian, [d, options.Rank]));
            _v = q.contiguous().DetachFromDisposeScope();
        }
        _m = ones(options.Rank, dtype: ScalarType.Float64).DetachFromDisposeScope();
        _c = 0;
    }

    public long Dimension => _x.shape[1];

    /// The number r of explicit eigenvectors of the factored P.
    public long FactorRank => _v.shape[1];

    /// c, V, m of P = c I + V diag(m) V^T (for tests).
    internal (double C, Tensor V, Tensor M) Adversary => (_c, _v, _m);

    /// P as a dense matrix [d, d] (for tests and diagnostics).
    internal Tensor DenseP()
    {
        using var scope = NewDisposeScope();
        var p = eye(Dimension, dtype: ScalarType.Float64) * _c + (_v * _m).matmul(_v.T);
        return p.MoveToOuterDisposeScope();
    }

    /// Rows x (I - P) for rows x [b, d].
    private Tensor Erase(Tensor x) => (_c == 0 ? x : x * (1 - _c)) - (x.matmul(_v) * _m).matmul(_v.T);

    /// Mean cross-entropy gradient with respect to the logits [b, k'].
    private Tensor LogitGradient(Tensor logits, Tensor target)
    {
        var p = _binary ? logits.sigmoid() : logits.softmax(1);
        return (p - target) / logits.shape[0];
    }

    /// A fresh batch of rows and targets: BatchSize distinct rows drawn by a partial Fisher-Yates
    /// shuffle, or all the rows when BatchSize >= n.
    private (Tensor X, Tensor Target) NextBatch()
    {
        int n = _order.Length;
        if (_o.BatchSize >= n) return (_x.alias(), _target.alias());
        int size = _o.BatchSize;
        for (int j = 0; j < size; j++)
        {
            int k = j + _rng.Next(n - j);
            (_order[j], _order[k]) = (_order[k], _order[j]);
        }
        var batch = tensor(_order[..size].Select(i => (long)i).ToArray());
        return (_x.index_select(0, batch), _target.index_select(0, batch));
    }

    /// One SGD step of P on a fresh batch, ascending the predictor's loss, with weight decay, then the
    /// exact Fantope projection of the factored result.
    public void StepAdversary()
    {
        using var scope = NewDisposeScope();
        var (xb, target) = NextBatch();
        var g = LogitGradient(Erase(xb).matmul(_w.T) + _b, target);
        // d loss / d P = -A B^T with A = xb^T g, B = W^T; the step P <- (1 - lr wd) P - lr (A B^T)
        // is symmetrised as in the reference (P.data = (P + P^T) / 2 before the eigendecomposition).
        var a = xb.T.matmul(g);
        var bT = _w.T;
        double lr = _o.LearningRateP;
        ApplyUpdate(1 - lr * _o.WeightDecay, a, bT, -0.5 * lr);
    }

    /// P <- Fantope(alpha P + beta (A B^T + B A^T)) for A, B [d, k'], keeping P factored.
    internal void ApplyUpdate(double alpha, Tensor a, Tensor bT, double beta)
    {
        using var scope = NewDisposeScope();
        long d = Dimension;
        var y = cat([_v, a, bT], 1);
        var (q, _) = linalg.qr(y);
        long s = q.shape[1];
        var qv = q.T.matmul(_v);
        var qa = q.T.matmul(a);
        var qb = q.T.matmul(bT);
        var core = (qv * (_m * alpha)).matmul(qv.T) + (qa.matmul(qb.T) + qb.matmul(qa.T)) * beta;
        core = (core + core.T) * 0.5;
        var (l, e) = linalg.eigh(core);
        double c = alpha * _c;
        var shifted = l.data<double>().Select(v => v + c).ToArray();
        var (values, rest) = Fantope.ProjectSpectrum(shifted, c, d - s, _o.Rank);
        var m = values.Select(v => v - rest).ToArray();
        var keep = Enumerable.Range(0, m.Length).Where(i => Math.Abs(m[i]) > 1e-12).Select(i => (long)i).ToArray();
        var vectors = q.matmul(e).index_select(1, tensor(keep));
        _v.Dispose();
        _m.Dispose();
        _c = rest;
        _v = vectors.contiguous().DetachFromDisposeScope();
        _m = tensor(keep.Select(i => m[i]).ToArray()).DetachFromDisposeScope();
    }

    /// One SGD step of the predictor (weights and bias, with weight decay) on a fresh batch of
    /// rows x (I - P).
    public void StepPredictor()
    {
        using var scope = NewDisposeScope();
        var (xb, target) = NextBatch();
        var xe = Erase(xb);
        var g = LogitGradient(xe.matmul(_w.T) + _b, target);
        var gw = g.T.matmul(xe) + _w * _o.WeightDecay;
        var gb = g.sum(0L) + _b * _o.WeightDecay;
        double lr = _o.LearningRatePredictor;
        var w = (_w - gw * lr).DetachFromDisposeScope();
        var b = (_b - gb * lr).DetachFromDisposeScope();
        _w.Dispose();
        _b.Dispose();
        _w = w;
        _b = b;
    }

    /// The top-k eigenvectors of P as rows [k, d] (orthonormal).
    public Tensor TopDirections()
    {
        using var scope = NewDisposeScope();
        int k = _o.Rank;
        var m = _m.data<double>().ToArray();
        var order = Enumerable.Range(0, m.Length).Where(i => m[i] > 0).OrderByDescending(i => m[i]).Take(k).ToArray();
        if (order.Length == k)
            return _v.index_select(1, tensor(order.Select(i => (long)i).ToArray())).T.contiguous().MoveToOuterDisposeScope();
        // Fewer than k eigenvalues above the rest value c: ties, resolved by a dense eigendecomposition.
        var (_, vectors) = linalg.eigh(DenseP());
        return vectors.narrow(1, Dimension - k, k).flip(1).T.contiguous().MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        _x.Dispose();
        _target.Dispose();
        _w.Dispose();
        _b.Dispose();
        _v.Dispose();
        _m.Dispose();
    }
}
