namespace Harness.Tests.Models;

/// An independent float64 implementation of GPT-2 and GPT-Neo with plain arrays and loops, written
/// from the HuggingFace definitions, to check the TorchSharp modules against.
public static class Reference
{
    /// Logits [tokens][vocab] for one sequence.
    public static double[][] Logits(TinyCheckpoint c, int[] ids)
    {
        var w = c.Weights;
        int d = c.DModel, T = ids.Length, heads = c.NHeads, hd = d / heads;
        bool neo = c.Family == "gpt_neo";
        var h = new double[T][];
        for (int t = 0; t < T; t++)
            h[t] = Enumerable.Range(0, d).Select(i => Row(w["wte.weight"].Data, d, ids[t])[i] + Row(w["wpe.weight"].Data, d, t)[i]).ToArray();

        for (int l = 0; l < c.NLayers; l++)
        {
            var p = $"h.{l}.";
            var a = h.Select(x => LayerNorm(x, w[p + "ln_1.weight"].Data, w[p + "ln_1.bias"].Data, c.Epsilon)).ToArray();
            double[][] q, k, v;
            if (!neo)
            {
                var qkv = a.Select(x => Conv1D(x, w[p + "attn.c_attn.weight"].Data, w[p + "attn.c_attn.bias"].Data, 3 * d)).ToArray();
                q = qkv.Select(x => x[..d]).ToArray();
                k = qkv.Select(x => x[d..(2 * d)]).ToArray();
                v = qkv.Select(x => x[(2 * d)..]).ToArray();
            }
            else
            {
                q = a.Select(x => Linear(x, w[p + "attn.attention.q_proj.weight"].Data, null, d)).ToArray();
                k = a.Select(x => Linear(x, w[p + "attn.attention.k_proj.weight"].Data, null, d)).ToArray();
                v = a.Select(x => Linear(x, w[p + "attn.attention.v_proj.weight"].Data, null, d)).ToArray();
            }
            double scale = neo ? 1.0 : 1.0 / Math.Sqrt(hd);
            bool local = c.LocalLayers[l];
            var merged = new double[T][];
            for (int i = 0; i < T; i++)
            {
                merged[i] = new double[d];
                for (int head = 0; head < heads; head++)
                {
                    int o = head * hd;
                    var visible = Enumerable.Range(0, i + 1).Where(j => !local || i - j < c.WindowSize).ToArray();
                    var scores = visible.Select(j => scale * Enumerable.Range(o, hd).Sum(e => q[i][e] * k[j][e])).ToArray();
                    double max = scores.Max();
                    var exp = scores.Select(s => Math.Exp(s - max)).ToArray();
                    double sum = exp.Sum();
                    for (int n = 0; n < visible.Length; n++)
                        for (int e = o; e < o + hd; e++)
                            merged[i][e] += exp[n] / sum * v[visible[n]][e];
                }
            }
            var attnOut = neo
                ? merged.Select(x => Linear(x, w[p + "attn.attention.out_proj.weight"].Data, w[p + "attn.attention.out_proj.bias"].Data, d)).ToArray()
                : merged.Select(x => Conv1D(x, w[p + "attn.c_proj.weight"].Data, w[p + "attn.c_proj.bias"].Data, d)).ToArray();
            for (int t = 0; t < T; t++) for (int e = 0; e < d; e++) h[t][e] += attnOut[t][e];

            for (int t = 0; t < T; t++)
            {
                var m = LayerNorm(h[t], w[p + "ln_2.weight"].Data, w[p + "ln_2.bias"].Data, c.Epsilon);
                var f = neo ? Linear(m, w[p + "mlp.c_fc.weight"].Data, w[p + "mlp.c_fc.bias"].Data, c.DMlp)
                            : Conv1D(m, w[p + "mlp.c_fc.weight"].Data, w[p + "mlp.c_fc.bias"].Data, c.DMlp);
                f = f.Select(GeluNew).ToArray();
                var o = neo ? Linear(f, w[p + "mlp.c_proj.weight"].Data, w[p + "mlp.c_proj.bias"].Data, d)
                            : Conv1D(f, w[p + "mlp.c_proj.weight"].Data, w[p + "mlp.c_proj.bias"].Data, d);
                for (int e = 0; e < d; e++) h[t][e] += o[e];
            }
        }
        var wte = w["wte.weight"].Data;
        return h.Select(x =>
        {
            var n = LayerNorm(x, w["ln_f.weight"].Data, w["ln_f.bias"].Data, c.Epsilon);
            return Enumerable.Range(0, c.VocabSize).Select(token => Enumerable.Range(0, d).Sum(e => n[e] * wte[token * d + e])).ToArray();
        }).ToArray();
    }

    private static double[] Row(double[] matrix, int width, int row) => matrix.AsSpan(row * width, width).ToArray();

    public static double[] LayerNorm(double[] x, double[] gamma, double[] beta, double eps)
    {
        double mean = x.Average();
        double variance = x.Select(e => (e - mean) * (e - mean)).Average();
        return x.Select((e, i) => (e - mean) / Math.Sqrt(variance + eps) * gamma[i] + beta[i]).ToArray();
    }

    /// GPT-2 Conv1D: weight [in, out].
    private static double[] Conv1D(double[] x, double[] weight, double[] bias, int outFeatures)
    {
        var y = (double[])bias.Clone();
        for (int i = 0; i < x.Length; i++)
            for (int o = 0; o < outFeatures; o++)
                y[o] += x[i] * weight[i * outFeatures + o];
        return y;
    }

    /// torch Linear: weight [out, in].
    private static double[] Linear(double[] x, double[] weight, double[]? bias, int outFeatures)
    {
        var y = bias is null ? new double[outFeatures] : (double[])bias.Clone();
        for (int o = 0; o < outFeatures; o++)
            for (int i = 0; i < x.Length; i++)
                y[o] += x[i] * weight[o * x.Length + i];
        return y;
    }

    public static double GeluNew(double x) => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
}
