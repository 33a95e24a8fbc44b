using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Erasure;

/// Options of the logistic-regression probe.
///
/// The objective is the mean cross-entropy over the rows plus L2 / 2 * ||W||^2 (the intercept is not
/// penalised). Default L2 = 1e-4 is the penalty of the evaluation probes in the RLACE reference code
/// (sklearn SGDClassifier, log loss, alpha = 1e-4, which uses this same per-row-mean convention); it
/// equals sklearn LogisticRegression(C) with C = 1 / (L2 * n), i.e. sklearn's default C = 1 at
/// n = 10,000 rows. L2 = 0 is unregularised (on separable data the weights then grow until
/// MaxIterations, while the accuracy is still right).
public sealed record LogisticRegressionOptions
{
    /// L2 penalty on the weights, per-row-mean convention (see the type's comment). 0 = none.
    public double L2 { get; init; } = 1e-4;

    /// Most L-BFGS iterations.
    public int MaxIterations { get; init; } = 500;

    /// Converged when the largest gradient entry (in standardised coordinates) is at most this, or
    /// when an iteration lowers the objective by less than Tolerance^2 relative to it.
    public double Tolerance { get; init; } = 1e-5;

    /// L-BFGS memory (number of correction pairs kept).
    public int History { get; init; } = 10;

    /// The options, declared once (OptionField); `{0}` in the help names the probe ("probe",
    /// "evaluation probes") where a method nests these under a prefix.
    public static IReadOnlyList<OptionField<LogisticRegressionOptions>> Fields { get; } =
    [
        OptionField<LogisticRegressionOptions>.Number("l2", "L2 penalty of the {0}", o => o.L2, (o, v) => o with { L2 = v }, min: 0),
        OptionField<LogisticRegressionOptions>.Integer("max_iterations", "L-BFGS iterations of the {0}", o => o.MaxIterations, (o, v) => o with { MaxIterations = v }, min: 1),
        OptionField<LogisticRegressionOptions>.Number("tolerance", "convergence tolerance of the {0}", o => o.Tolerance, (o, v) => o with { Tolerance = v }, min: 0, minExclusive: true),
        OptionField<LogisticRegressionOptions>.Integer("history", "L-BFGS history of the {0}", o => o.History, (o, v) => o with { History = v }, min: 1),
    ];

    /// Throws a UsageException naming the first bad option.
    public void Validate() => Fields.Validate(this);
}

/// A fitted linear classifier: logits = x W^T + b. Binary problems have one row (the logit of
/// Classes[1] against Classes[0]); k > 2 classes have k rows (softmax). Float64, CPU.
public sealed class LinearClassifier : IDisposable
{
    internal LinearClassifier(Tensor weights, Tensor bias, long[] classes, int iterations, bool converged, double loss)
    {
        Weights = weights;
        Bias = bias;
        Classes = classes;
        Iterations = iterations;
        Converged = converged;
        Objective = loss;
    }

    /// [1, d] for two classes (pointing towards Classes[1]), [k, d] for k > 2 classes.
    public Tensor Weights { get; }

    /// [1] or [k].
    public Tensor Bias { get; }

    /// The distinct training labels, sorted; prediction i means label Classes[i].
    public IReadOnlyList<long> Classes { get; }

    public long Dimension => Weights.shape[1];

    /// L-BFGS iterations run, and whether the tolerance was reached before MaxIterations.
    public int Iterations { get; }
    public bool Converged { get; }

    /// The final training objective (mean cross-entropy + penalty).
    public double Objective { get; }

    /// Logits [n, 1] (binary) or [n, k], float64.
    public Tensor Logits(Tensor x)
    {
        LinearInputs.CheckApplyInput(x, Dimension);
        using var scope = NewDisposeScope();
        return x.to_type(ScalarType.Float64).matmul(Weights.T).add(Bias).MoveToOuterDisposeScope();
    }

    /// Predicted labels [n], int64 (values from Classes).
    public Tensor Predict(Tensor x)
    {
        using var scope = NewDisposeScope();
        var z = Logits(x);
        var idx = Weights.shape[0] == 1 ? (z.squeeze(1) > 0).to_type(ScalarType.Int64) : z.argmax(1);
        return tensor(Classes.ToArray()).index_select(0, idx).MoveToOuterDisposeScope();
    }

    /// Fraction of rows whose predicted label equals the given label.
    public double Accuracy(Tensor x, Tensor labels)
    {
        LinearInputs.CheckApplyInput(x, Dimension);
        var y = LinearInputs.CheckLabels(labels, x.shape[0], nameof(labels), nameof(x));
        using var scope = NewDisposeScope();
        var predicted = Predict(x).data<long>().ToArray();
        int right = 0;
        for (int i = 0; i < y.Length; i++) if (predicted[i] == y[i]) right++;
        return y.Length == 0 ? double.NaN : right / (double)y.Length;
    }

    /// Mean cross-entropy (natural log) of the labels; every label must be one of Classes.
    public double LogLoss(Tensor x, Tensor labels)
    {
        LinearInputs.CheckApplyInput(x, Dimension);
        var y = LinearInputs.CheckLabels(labels, x.shape[0], nameof(labels), nameof(x));
        var index = new long[y.Length];
        var classes = Classes.ToArray();
        for (int i = 0; i < y.Length; i++)
        {
            int c = Array.BinarySearch(classes, y[i]);
            if (c < 0) throw new HarnessException($"labels: class {y[i]} was not among the classifier's training classes");
            index[i] = c;
        }
        using var scope = NewDisposeScope();
        var z = Logits(x);
        var t = tensor(index);
        if (Weights.shape[0] == 1)
        {
            var zi = z.squeeze(1);
            var loss = zi.clamp_min(0) + zi.abs().neg().exp().log1p() - t.to_type(ScalarType.Float64) * zi;
            return loss.mean().item<double>();
        }
        var logp = z - z.logsumexp(1, keepdim: true);
        return -logp.gather(1, t.unsqueeze(1)).mean().item<double>();
    }

    public void Dispose()
    {
        Weights.Dispose();
        Bias.Dispose();
    }
}

/// Binary and multinomial (softmax) logistic regression, trained full-batch with L-BFGS in float64
/// on TorchSharp (CPU), deterministic (zero initialisation, no sampling, no class balancing).
///
/// Internally the columns are centred and scaled to unit standard deviation (a diagonal
/// preconditioner: the L2 penalty is still on the weights in the caller's units, so the optimum is
/// the same), and the weights are mapped back. A 20,000 x 768 problem takes seconds.
public static class LogisticRegression
{
    /// Fits the classifier to rows x [n, d] (float32/float64) and integer labels [n] with at least
    /// two distinct values.
    public static LinearClassifier Fit(Tensor x, Tensor labels, LogisticRegressionOptions? options = null)
    {
        options ??= new LogisticRegressionOptions();
        options.Validate();
        var (y, classes) = LinearInputs.CheckFitInputs(x, labels, "x", "labels");
        return FitChecked(x, y, classes, options);
    }

    /// Fit without input checks (the caller has checked x, y and the classes).
    internal static LinearClassifier FitChecked(Tensor x, long[] y, long[] classes, LogisticRegressionOptions o)
    {
        using var outer = NewDisposeScope();
        long n = x.shape[0], d = x.shape[1];
        int k = classes.Length;
        int rows = k == 2 ? 1 : k;

        // Standardise the columns; a column with (almost) no spread keeps a tiny scale floor so that
        // rounding noise in it is not blown up.
        Tensor x1, mu, sd;
        using (var prep = NewDisposeScope())
        {
            var x64 = x.to_type(ScalarType.Float64);
            mu = x64.mean([0]);
            sd = x64.std(0L, unbiased: false);
            double sMax = sd.max().item<double>();
            sd = sd.clamp_min(sMax > 0 ? sMax * 1e-6 : 1.0);
            x1 = cat([(x64 - mu) / sd, ones(n, 1, dtype: ScalarType.Float64)], 1);
            mu.MoveToOuterDisposeScope();
            sd.MoveToOuterDisposeScope();
            x1.MoveToOuterDisposeScope();
        }

        var classIndex = new Dictionary<long, long>();
        for (int c = 0; c < k; c++) classIndex[classes[c]] = c;
        var yIdx = tensor(y.Select(v => classIndex[v]).ToArray());
        Tensor target = k == 2
            ? yIdx.to_type(ScalarType.Float64).unsqueeze(1)
            : nn.functional.one_hot(yIdx, k).to_type(ScalarType.Float64);
        // Penalty weight per parameter column: L2 on the weights in the caller's units, none on the bias.
        var penalty = cat([o.L2 / (sd * sd), zeros(1, dtype: ScalarType.Float64)]);
        double invN = 1.0 / n;

        (double F, Tensor G) Objective(Tensor theta)
        {
            using var s = NewDisposeScope();
            var z = x1.matmul(theta.T);
            Tensor loss, residual;
            if (k == 2)
            {
                loss = (z.clamp_min(0) + z.abs().neg().exp().log1p() - target * z).sum();
                residual = z.sigmoid() - target;
            }
            else
            {
                var logp = z - z.logsumexp(1, keepdim: true);
                loss = -(logp * target).sum();
                residual = logp.exp() - target;
            }
            var g = residual.T.matmul(x1).mul_(invN).add_(theta * penalty);
            double f = loss.item<double>() * invN + 0.5 * (theta * theta * penalty).sum().item<double>();
            return (f, g.MoveToOuterDisposeScope());
        }

        var theta = zeros(rows, d + 1, dtype: ScalarType.Float64);
        var (fx, grad) = Objective(theta);
        var sHist = new List<Tensor>();
        var yHist = new List<Tensor>();
        var rhoHist = new List<double>();
        int iterations = 0;
        bool converged = false;
        while (iterations < o.MaxIterations)
        {
            Interruption.ThrowIfRequested();
            using var scope = NewDisposeScope();
            if (grad.abs().max().item<double>() <= o.Tolerance) { converged = true; break; }
            iterations++;

            // Two-loop recursion: direction = -H grad.
            var q = grad.clone();
            var alpha = new double[sHist.Count];
            for (int i = sHist.Count - 1; i >= 0; i--)
            {
                alpha[i] = rhoHist[i] * sHist[i].mul(q).sum().item<double>();
                q.sub_(yHist[i] * alpha[i]);
            }
            double gamma = sHist.Count > 0
                ? 1.0 / (rhoHist[^1] * yHist[^1].mul(yHist[^1]).sum().item<double>())
                : 1.0 / Math.Max(grad.norm().item<double>(), 1e-300);
            q.mul_(gamma);
            for (int i = 0; i < sHist.Count; i++)
            {
                double beta = rhoHist[i] * yHist[i].mul(q).sum().item<double>();
                q.add_(sHist[i] * (alpha[i] - beta));
            }
            var direction = q.neg();
            double slope = grad.mul(direction).sum().item<double>();
            if (!(slope < 0))
            {
                // Not a descent direction (should not happen for this convex objective): restart.
                foreach (var t in sHist.Concat(yHist)) t.Dispose();
                sHist.Clear(); yHist.Clear(); rhoHist.Clear();
                direction = grad.neg() / Math.Max(grad.norm().item<double>(), 1e-300);
                slope = grad.mul(direction).sum().item<double>();
            }

            // Backtracking (Armijo) line search from the unit step.
            double step = 1.0;
            Tensor? thetaNew = null, gradNew = null;
            double fNew = double.NaN;
            bool accepted = false;
            for (int ls = 0; ls < 60; ls++)
            {
                thetaNew = theta + direction * step;
                (fNew, gradNew) = Objective(thetaNew);
                if (fNew <= fx + 1e-4 * step * slope) { accepted = true; break; }
                step *= 0.5;
            }
            if (!accepted || thetaNew is null || gradNew is null) break;

            var sVec = thetaNew - theta;
            var yVec = gradNew - grad;
            double sy = sVec.mul(yVec).sum().item<double>();
            if (sy > 1e-12 * sVec.norm().item<double>() * yVec.norm().item<double>())
            {
                sHist.Add(sVec.MoveToOuterDisposeScope());
                yHist.Add(yVec.MoveToOuterDisposeScope());
                rhoHist.Add(1.0 / sy);
                if (sHist.Count > o.History)
                {
                    sHist[0].Dispose(); yHist[0].Dispose();
                    sHist.RemoveAt(0); yHist.RemoveAt(0); rhoHist.RemoveAt(0);
                }
            }
            bool flat = fx - fNew <= o.Tolerance * o.Tolerance * Math.Max(1.0, Math.Abs(fx));
            theta.Dispose();
            grad.Dispose();
            theta = thetaNew.MoveToOuterDisposeScope();
            grad = gradNew.MoveToOuterDisposeScope();
            fx = fNew;
            if (flat) { converged = true; break; }
        }

        var w = theta[.., ..(int)d] / sd;
        var b = theta[.., (int)d] - w.matmul(mu);
        var classifier = new LinearClassifier(
            w.contiguous().MoveToOuterDisposeScope(), b.contiguous().MoveToOuterDisposeScope(),
            classes, iterations, converged, fx);
        return classifier;
    }
}
