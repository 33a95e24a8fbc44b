namespace Harness.Tests.Erasure;

/// An independent reference for LEACE, written from the closed form of the paper rather than
/// from the library's algorithm: with Sigma the covariance of x and S an independent set of
/// columns spanning the cross-covariance Sigma_xz, LEACE's edit is the oblique projection
///   E = S (S^T Sigma^-1 S)^-1 S^T Sigma^-1,   x' = x - E (x - c)
/// (the library's W+ u u^T W with W = Sigma^-1/2 equals this when no singular value is cut by
/// svd_tol); `orth` uses the orthogonal projection E = U U^T onto span(S). c is the mean when
/// affine, else 0. Plain double arrays, Gaussian elimination, no eigen-decomposition, no LibTorch.
public static class PlainLeace
{
    public static double[,] Erase(double[,] x, double[,] z, bool shrinkage = true, bool affine = true, bool orth = false)
    {
        int n = x.GetLength(0), d = x.GetLength(1);
        var meanX = Plain.Mean(x);
        var meanZ = Plain.Mean(z);
        var xc = Plain.Centre(x, meanX);
        var zc = Plain.Centre(z, meanZ);
        var xxT = Plain.Multiply(Plain.Transpose(xc), xc);
        var sigmaXz = Scale(Plain.Multiply(Plain.Transpose(xc), zc), 1.0 / (n - 1));
        var sigma = shrinkage ? Shrink(Scale(xxT, 1.0 / n), n) : Scale(xxT, 1.0 / (n - 1));

        var (s, u) = Plain.IndependentColumns(sigmaXz);
        double[,] edit;
        if (orth)
            edit = Plain.Multiply(u, Plain.Transpose(u));
        else
        {
            var a = Plain.Solve(sigma, s);                       // Sigma^-1 S  [d, r]
            var m = Plain.Multiply(Plain.Transpose(s), a);        // S^T Sigma^-1 S  [r, r]
            var mInvSt = Plain.Solve(m, Plain.Transpose(s));      // M^-1 S^T  [r, d]
            // E = S M^-1 S^T Sigma^-1 = S (M^-1 S^T) Sigma^-1, and Sigma^-1 is symmetric: use (Sigma^-1 (M^-1 S^T)^T)^T.
            var right = Plain.Transpose(Plain.Solve(sigma, Plain.Transpose(mInvSt))); // M^-1 S^T Sigma^-1  [r, d]
            edit = Plain.Multiply(s, right);
        }
        var centre = affine ? meanX : new double[1, d];
        var delta = Plain.Centre(x, centre);
        var change = Plain.Multiply(delta, Plain.Transpose(edit));
        var result = new double[n, d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) result[i, j] = x[i, j] - change[i, j];
        return result;
    }

    /// Optimal linear shrinkage of S_n (normalised by n) towards tr(S_n)/p I, written from the
    /// formula: alpha = 1 - (T^2 s0 / n) / (|S_n|_F^2 s0 - s0^2), beta = 1 - alpha, with
    /// T = tr(S_n), s0 = T^2 / p (the library adds machine epsilon to numerator and denominator,
    /// which does not show at these magnitudes).
    public static double[,] Shrink(double[,] sn, double n)
    {
        int p = sn.GetLength(0);
        double trace = 0, normSq = 0;
        for (int i = 0; i < p; i++) trace += sn[i, i];
        foreach (var v in sn) normSq += v * v;
        double s0 = trace * trace / p;
        double alpha = 1 - trace * trace * s0 / n / (normSq * s0 - s0 * s0);
        double beta = 1 - alpha;
        var result = Scale(sn, alpha);
        for (int i = 0; i < p; i++) result[i, i] += beta * trace / p;
        return result;
    }

    public static double[,] Scale(double[,] a, double f)
    {
        var r = (double[,])a.Clone();
        for (int i = 0; i < r.GetLength(0); i++)
            for (int j = 0; j < r.GetLength(1); j++) r[i, j] *= f;
        return r;
    }

    /// Integer labels as the harness encodes them: one 0/1 column for two classes, else one-hot.
    public static double[,] Encode(long[] labels, int classes)
    {
        int columns = classes == 2 ? 1 : classes;
        var z = new double[labels.Length, columns];
        for (int i = 0; i < labels.Length; i++)
        {
            if (classes == 2) z[i, 0] = labels[i] == 1 ? 1 : 0;
            else z[i, labels[i]] = 1;
        }
        return z;
    }
}
