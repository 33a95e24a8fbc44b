using static TorchSharp.torch;

namespace Harness.Hooks;

/// The hook sites of one model and the API to use them: capture the activation at a site, or
/// replace it with a function of itself, at every position or at chosen positions of each batch
/// row. Every registration returns an IDisposable that removes it, so a caller can register several
/// edits and captures, run a batch (a forward pass or a whole generation) and remove them:
///
///     using (model.Hooks.Replace(HookSite.ResidPost(6), x => eraser.Apply(x)))
///     using (var cap = model.Hooks.Capture(HookSite.ResidPost(8)))
///     {
///         var logits = model.LastTokenLogits(prompts);
///         var acts = cap.Last;
///     }
///
/// Functions on the same site run in registration order, each receiving the previous one's output.
public sealed class ModelHooks
{
    private readonly Dictionary<string, HookPoint> _points;
    private readonly int _layers;

    public ModelHooks(IEnumerable<HookPoint> points, int layers)
    {
        _points = points.ToDictionary(p => p.Site, StringComparer.Ordinal);
        _layers = layers;
    }

    /// Every site name, in the order a forward pass reaches them.
    public IReadOnlyList<string> Sites => HookSite.All(_layers);

    /// The hook point at a site; an unknown name is a one-line HarnessException listing the valid ones.
    public HookPoint Point(string site)
    {
        HookSite.Check(site, _layers);
        return _points[site];
    }

    /// How many functions are registered over all sites.
    public int Active => _points.Values.Sum(p => p.Count);

    /// Replaces the activation x [batch, tokens, d] at `site` by replace(x), which must keep the shape.
    public IDisposable Replace(string site, Func<Tensor, Tensor> replace)
    {
        var point = Point(site);
        return point.Add(x =>
        {
            var y = replace(x);
            CheckShape(site, x, y);
            return y;
        });
    }

    /// Replaces the activation at chosen positions only: positions[b] lists the token positions to
    /// edit in batch row b (one array per row; an empty array leaves the row alone). `replace` gets
    /// the selected rows stacked as [n, d] (row 0's positions first, in the order given) and returns
    /// [n, d]; every other position keeps its value. Positions are absolute: during generation they
    /// keep naming the same tokens as the sequence grows.
    public IDisposable Replace(string site, Func<Tensor, Tensor> replace, IReadOnlyList<int[]> positions)
    {
        var point = Point(site);
        var rows = new List<long>();
        var columns = new List<long>();
        for (int b = 0; b < positions.Count; b++)
            foreach (var p in positions[b])
            {
                if (p < 0) throw new HarnessException($"hook {site}: position {p} of batch row {b} is negative");
                rows.Add(b);
                columns.Add(p);
            }
        long maxPosition = columns.Count == 0 ? -1 : columns.Max();
        var rowArray = rows.ToArray();
        var columnArray = columns.ToArray();
        return point.Add(x =>
        {
            long batch = x.shape[0], tokens = x.shape[1];
            if (positions.Count != batch)
                throw new HarnessException($"hook {site}: positions are given for {positions.Count} batch rows but the batch has {batch}");
            if (maxPosition >= tokens)
                throw new HarnessException($"hook {site}: position {maxPosition} is outside the sequence of {tokens} tokens");
            if (rowArray.Length == 0) return x;
            var r = tensor(rowArray, device: x.device);
            var c = tensor(columnArray, device: x.device);
            var selected = x.index(TensorIndex.Tensor(r), TensorIndex.Tensor(c));
            var edited = replace(selected);
            CheckShape(site, selected, edited);
            var y = x.clone();
            y.index_put_(edited.to(x.dtype), new[] { r, c });
            return y;
        });
    }

    /// Starts recording the activation at `site` on every forward pass (see Capture).
    public Capture Capture(string site, bool keepGraph = false)
    {
        var point = Point(site);
        var capture = new Capture(site, keepGraph);
        capture.Attach(point.Add(capture.Record));
        return capture;
    }

    /// Removes every function from every site (captures stop recording but keep their tensors).
    public void RemoveAll()
    {
        foreach (var p in _points.Values) p.Clear();
    }

    private static void CheckShape(string site, Tensor input, Tensor output)
    {
        if (!input.shape.SequenceEqual(output.shape))
            throw new HarnessException($"hook {site}: the replacement has shape [{string.Join(", ", output.shape)}], expected [{string.Join(", ", input.shape)}]");
    }
}
