using static TorchSharp.torch;

namespace Harness.Hooks;

/// Records the activation at one hook site on every forward pass while it is registered. Made by
/// ModelHooks.Capture; disposing it removes the hook and frees what it recorded.
///
/// The capture owns its tensors (they belong to no dispose scope): they stay valid across the
/// caller's scopes until Clear() or Dispose(). Copy out (e.g. `.clone()` or an index) what must
/// outlive the capture.
///
/// Without keepGraph, each record is a detached copy [batch, tokens, d] of the activation as it
/// was at this point of the hook chain (hooks registered earlier on the same site have already
/// run). With keepGraph, the record is the very tensor that flows on through the model, made a leaf
/// that requires grad when nothing upstream does, so `torch.autograd.grad(outputs, [capture.Last])`
/// gives d(output)/d(activation), e.g. the gradient of a logit difference w.r.t. the residual stream.
public sealed class Capture : IDisposable
{
    private readonly List<Tensor> _records = new();
    private IDisposable? _registration;

    internal Capture(string site, bool keepGraph)
    {
        Site = site;
        KeepGraph = keepGraph;
    }

    public string Site { get; }
    public bool KeepGraph { get; }

    /// One tensor per forward pass that reached the site since the capture started (or was cleared).
    public IReadOnlyList<Tensor> Records => _records;

    public int Count => _records.Count;

    /// The activation of the latest forward pass.
    public Tensor Last => _records.Count > 0
        ? _records[^1]
        : throw new InvalidOperationException($"hook site '{Site}' has not been reached since the capture started: run a forward pass first");

    internal void Attach(IDisposable registration) => _registration = registration;

    internal Tensor Record(Tensor x)
    {
        if (KeepGraph)
        {
            if (!x.requires_grad) x = x.detach().requires_grad_(true);
            _records.Add(x.DetachFromDisposeScope());
            return x;
        }
        _records.Add(x.detach().clone().DetachFromDisposeScope());
        return x;
    }

    /// Frees the recorded tensors; the capture keeps recording.
    public void Clear()
    {
        foreach (var t in _records) t.Dispose();
        _records.Clear();
    }

    /// Removes the hook and frees the recorded tensors.
    public void Dispose()
    {
        _registration?.Dispose();
        _registration = null;
        Clear();
    }
}
