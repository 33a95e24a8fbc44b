namespace Harness.Tests.Erasure;

/// Plain double-array linear algebra for the independent reference implementations in the tests
/// (no LibTorch involved).
public static class Plain
{
    public static double[,] Multiply(double[,] a, double[,] b)
    {
        int n = a.GetLength(0), m = a.GetLength(1), p = b.GetLength(1);
        if (b.GetLength(0) != m) throw new ArgumentException("shapes");
        var c = new double[n, p];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < m; k++)
            {
                double aik = a[i, k];
                for (int j = 0; j < p; j++) c[i, j] += aik * b[k, j];
            }
        return c;
    }

    public static double[,] Transpose(double[,] a)
    {
        int n = a.GetLength(0), m = a.GetLength(1);
        var t = new double[m, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++) t[j, i] = a[i, j];
        return t;
    }

    public static double[,] Identity(int n)
    {
        var e = new double[n, n];
        for (int i = 0; i < n; i++) e[i, i] = 1;
        return e;
    }

    /// Solves A X = B by Gaussian elimination with partial pivoting (A square, invertible).
    public static double[,] Solve(double[,] a, double[,] b)
    {
        int n = a.GetLength(0), m = b.GetLength(1);
        var A = (double[,])a.Clone();
        var B = (double[,])b.Clone();
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < n; r++) if (Math.Abs(A[r, col]) > Math.Abs(A[pivot, col])) pivot = r;
            if (Math.Abs(A[pivot, col]) < 1e-300) throw new InvalidOperationException("singular");
            if (pivot != col)
            {
                for (int j = 0; j < n; j++) (A[col, j], A[pivot, j]) = (A[pivot, j], A[col, j]);
                for (int j = 0; j < m; j++) (B[col, j], B[pivot, j]) = (B[pivot, j], B[col, j]);
            }
            for (int r = 0; r < n; r++)
            {
                if (r == col) continue;
                double f = A[r, col] / A[col, col];
                if (f == 0) continue;
                for (int j = col; j < n; j++) A[r, j] -= f * A[col, j];
                for (int j = 0; j < m; j++) B[r, j] -= f * B[col, j];
            }
        }
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++) B[i, j] /= A[i, i];
        return B;
    }

    /// Column means [1, m].
    public static double[,] Mean(double[,] x)
    {
        int n = x.GetLength(0), m = x.GetLength(1);
        var mean = new double[1, m];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++) mean[0, j] += x[i, j] / n;
        return mean;
    }

    public static double[,] Centre(double[,] x, double[,] mean)
    {
        int n = x.GetLength(0), m = x.GetLength(1);
        var c = new double[n, m];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++) c[i, j] = x[i, j] - mean[0, j];
        return c;
    }

    /// The columns of `a` that are linearly independent of the ones before them (Gram-Schmidt
    /// test with relative tolerance), and an orthonormal basis of their span.
    public static (double[,] Independent, double[,] Orthonormal) IndependentColumns(double[,] a, double tolerance = 1e-9)
    {
        int d = a.GetLength(0), k = a.GetLength(1);
        var kept = new List<int>();
        var basis = new List<double[]>();
        double scale = 0;
        for (int j = 0; j < k; j++)
        {
            double s = 0;
            for (int i = 0; i < d; i++) s += a[i, j] * a[i, j];
            scale = Math.Max(scale, Math.Sqrt(s));
        }
        for (int j = 0; j < k; j++)
        {
            var v = new double[d];
            for (int i = 0; i < d; i++) v[i] = a[i, j];
            for (int pass = 0; pass < 2; pass++)
                foreach (var q in basis)
                {
                    double dot = 0;
                    for (int i = 0; i < d; i++) dot += v[i] * q[i];
                    for (int i = 0; i < d; i++) v[i] -= dot * q[i];
                }
            double norm = Math.Sqrt(v.Sum(e => e * e));
            if (norm <= tolerance * scale) continue;
            kept.Add(j);
            basis.Add(v.Select(e => e / norm).ToArray());
        }
        var independent = new double[d, kept.Count];
        var orthonormal = new double[d, kept.Count];
        for (int c = 0; c < kept.Count; c++)
            for (int i = 0; i < d; i++) { independent[i, c] = a[i, kept[c]]; orthonormal[i, c] = basis[c][i]; }
        return (independent, orthonormal);
    }
}
