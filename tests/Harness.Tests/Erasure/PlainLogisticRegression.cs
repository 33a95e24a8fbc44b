namespace Harness.Tests.Erasure;

/// Unregularised logistic regression in plain arrays, the independent check that erased rows
/// carry no linear information about the labels: binary (sigmoid) and several classes (softmax),
/// both by plain gradient descent from zero with step 1/L. Gradient descent keeps the coefficients
/// in the span of the rows, so rounding noise is not amplified along directions the erased rows
/// no longer vary in (Newton's method with a damped Hessian would be). As in the concept-erasure library's own test, x is centred first:
/// in theory the centroid does not matter, but with it the intercept's progress does not leak into
/// the coefficients while the solver converges.
public static class PlainLogisticRegression
{
    /// Fitted coefficients (no intercepts) and the training accuracy.
    public sealed record Fit(double[,] Coefficients, double Accuracy)
    {
        public double LargestCoefficient
        {
            get
            {
                double m = 0;
                foreach (var c in Coefficients) m = Math.Max(m, Math.Abs(c));
                return m;
            }
        }
    }

    public static Fit Train(double[,] x, long[] labels, int classes) =>
        classes == 2 ? Binary(x, labels) : Softmax(x, labels, classes);

    /// The accuracy of always predicting the most frequent class.
    public static double Chance(long[] labels) =>
        labels.GroupBy(l => l).Max(g => g.Count()) / (double)labels.Length;

    private static Fit Binary(double[,] x, long[] labels)
    {
        var xc = Plain.Centre(x, Plain.Mean(x));
        int n = xc.GetLength(0), d = xc.GetLength(1);
        double rate = 4 / (MaxSquaredNorm(xc) + 1e-12); // 1/L, L = max |x_i|^2 / 4 for the mean logistic loss
        var w = new double[d];
        double b = 0;
        for (int iteration = 0; iteration < Iterations; iteration++)
        {
            var gw = new double[d];
            double gb = 0;
            for (int i = 0; i < n; i++)
            {
                double t = b;
                for (int j = 0; j < d; j++) t += w[j] * xc[i, j];
                double r = 1 / (1 + Math.Exp(-t)) - (labels[i] == 1 ? 1 : 0);
                gb += r / n;
                for (int j = 0; j < d; j++) gw[j] += r * xc[i, j] / n;
            }
            b -= rate * gb;
            for (int j = 0; j < d; j++) w[j] -= rate * gw[j];
        }
        int correct = 0;
        for (int i = 0; i < n; i++)
        {
            double t = b;
            for (int j = 0; j < d; j++) t += w[j] * xc[i, j];
            if ((t > 0 ? 1 : 0) == labels[i]) correct++;
        }
        var coefficients = new double[1, d];
        for (int j = 0; j < d; j++) coefficients[0, j] = w[j];
        return new Fit(coefficients, correct / (double)n);
    }

    private const int Iterations = 4000;

    private static double MaxSquaredNorm(double[,] x)
    {
        double max = 0;
        for (int i = 0; i < x.GetLength(0); i++)
        {
            double s = 0;
            for (int j = 0; j < x.GetLength(1); j++) s += x[i, j] * x[i, j];
            max = Math.Max(max, s);
        }
        return max;
    }

    private static Fit Softmax(double[,] x, long[] labels, int classes)
    {
        var xc = Plain.Centre(x, Plain.Mean(x));
        int n = xc.GetLength(0), d = xc.GetLength(1);
        double rate = 2 / (MaxSquaredNorm(xc) + 1e-12); // 1/L, L = max |x_i|^2 / 2 for the mean softmax loss
        var w = new double[classes, d];
        var b = new double[classes];
        var probs = new double[classes];
        for (int iteration = 0; iteration < Iterations; iteration++)
        {
            var gw = new double[classes, d];
            var gb = new double[classes];
            for (int i = 0; i < n; i++)
            {
                double max = double.NegativeInfinity;
                for (int c = 0; c < classes; c++)
                {
                    double t = b[c];
                    for (int j = 0; j < d; j++) t += w[c, j] * xc[i, j];
                    probs[c] = t;
                    max = Math.Max(max, t);
                }
                double sum = 0;
                for (int c = 0; c < classes; c++) { probs[c] = Math.Exp(probs[c] - max); sum += probs[c]; }
                for (int c = 0; c < classes; c++)
                {
                    double r = probs[c] / sum - (labels[i] == c ? 1 : 0);
                    gb[c] += r / n;
                    for (int j = 0; j < d; j++) gw[c, j] += r * xc[i, j] / n;
                }
            }
            for (int c = 0; c < classes; c++)
            {
                b[c] -= rate * gb[c];
                for (int j = 0; j < d; j++) w[c, j] -= rate * gw[c, j];
            }
        }
        int correct = 0;
        for (int i = 0; i < n; i++)
        {
            int best = 0;
            double bestScore = double.NegativeInfinity;
            for (int c = 0; c < classes; c++)
            {
                double t = b[c];
                for (int j = 0; j < d; j++) t += w[c, j] * xc[i, j];
                if (t > bestScore) { bestScore = t; best = c; }
            }
            if (best == labels[i]) correct++;
        }
        return new Fit(w, correct / (double)n);
    }
}
