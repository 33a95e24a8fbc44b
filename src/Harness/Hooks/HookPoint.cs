using static TorchSharp.torch;

namespace Harness.Hooks;

/// An identity module placed at a named site of the model (like TransformerLens' HookPoint). The
/// model calls it with `.call(x)`; it passes x through every function registered on it, in the
/// order they were registered, so captures and replacements happen inside the forward pass.
/// Functions are added through ModelHooks and removed by disposing the handle it returns.
public sealed class HookPoint : nn.Module<Tensor, Tensor>
{
    private sealed class Entry(Func<Tensor, Tensor> function)
    {
        public Func<Tensor, Tensor> Function { get; } = function;
    }

    private readonly List<Entry> _entries = new();

    public HookPoint(string site) : base("HookPoint") => Site = site;

    /// The site's name, e.g. `blocks.3.hook_resid_post`.
    public string Site { get; }

    /// How many functions are registered here.
    public int Count => _entries.Count;

    /// Nothing to register (no parameters); TorchSharp's field-name registration is skipped.
    protected override void RegisterComponents() { }

    public override Tensor forward(Tensor x)
    {
        foreach (var entry in _entries.ToArray()) x = entry.Function(x);
        return x;
    }

    /// Registers a function; disposing the result removes it (once; later disposals do nothing).
    internal IDisposable Add(Func<Tensor, Tensor> function)
    {
        var entry = new Entry(function);
        _entries.Add(entry);
        return new Removal(() => _entries.Remove(entry));
    }

    internal void Clear() => _entries.Clear();

    private sealed class Removal(Action remove) : IDisposable
    {
        private Action? _remove = remove;

        public void Dispose()
        {
            _remove?.Invoke();
            _remove = null;
        }
    }
}
