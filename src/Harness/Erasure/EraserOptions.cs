using System.Globalization;

namespace Harness.Erasure;

/// The option values of one fit of one method: every option the method declares, with its default
/// unless set. Values are kept in their metadata form ("true", "3", "0.01"), so that they print and
/// save as they are; methods read them with the typed getters.
public sealed class EraserOptions
{
    private readonly SortedDictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EraserOption> _declared;

    private EraserOptions(IEnumerable<EraserOption> declared)
    {
        _declared = declared.ToDictionary(o => o.Name, StringComparer.Ordinal);
        foreach (var o in _declared.Values) _values[o.Name] = o.Default;
    }

    /// The defaults of a method's options.
    public static EraserOptions Defaults(EraserMethod method) => new(method.Options);

    /// The method's options with the given values set (names in snake_case); an unknown name or a
    /// bad value is an error naming `source` (e.g. "fit" or an eraser file's path).
    public static EraserOptions From(EraserMethod method, IReadOnlyDictionary<string, string> values, string source = "options")
    {
        var options = Defaults(method);
        foreach (var (name, value) in values) options.Set(name, value, source, method.Name);
        return options;
    }

    /// Reads a method's options back from an eraser file's metadata: each must be present.
    internal static EraserOptions FromMetadata(EraserMethod method, IReadOnlyDictionary<string, string> metadata, string path)
    {
        var options = Defaults(method);
        foreach (var o in method.Options)
        {
            if (!metadata.TryGetValue(o.Name, out var value))
                throw new HarnessException($"{path}: metadata has no '{o.Name}' (an option of method {method.Name})");
            // A bad value here is a damaged file, not a wrong command: a runtime failure.
            try { options.Set(o.Name, value, path, method.Name); }
            catch (UsageException e) { throw new HarnessException(e.Message, e); }
        }
        return options;
    }

    /// Returns a copy with one option changed.
    public EraserOptions With(string name, string value)
    {
        var copy = new EraserOptions(_declared.Values);
        foreach (var (k, v) in _values) copy._values[k] = v;
        copy.Set(name, value, "options", null);
        return copy;
    }

    public EraserOptions With(string name, bool value) => With(name, value ? "true" : "false");
    public EraserOptions With(string name, long value) => With(name, value.ToString(CultureInfo.InvariantCulture));
    public EraserOptions With(string name, double value) => With(name, EraserOption.Format(value));

    private void Set(string name, string value, string source, string? method)
    {
        if (!_declared.TryGetValue(name, out var option))
            throw new UsageException($"{source}: '{name}' is not an option{(method is null ? "" : " of method " + method)} (options: {string.Join(", ", _declared.Keys.Order(StringComparer.Ordinal))})");
        _values[name] = option.Normalise(value)
            ?? throw new UsageException($"{source}: option '{name}' must be {option.Expected}, got '{value}'");
    }

    public bool Bool(string name) => Get(name, EraserOptionKind.Switch) == "true";
    public int Int(string name) => int.Parse(Get(name, EraserOptionKind.Integer), CultureInfo.InvariantCulture);
    public double Double(string name) => double.Parse(Get(name, EraserOptionKind.Number), CultureInfo.InvariantCulture);
    public string Choice(string name) => Get(name, EraserOptionKind.Choice);
    public string Text(string name) => Get(name, EraserOptionKind.Text);

    private string Get(string name, EraserOptionKind kind)
    {
        if (!_declared.TryGetValue(name, out var option) || option.Kind != kind)
            throw new ArgumentException($"no {kind} option '{name}' is declared", nameof(name));
        return _values[name];
    }

    /// Every value, sorted by name, in metadata form.
    public IReadOnlyDictionary<string, string> Values => _values;

    /// "affine=true orth=false svd_tol=0.01".
    public override string ToString() => string.Join(" ", _values.Select(kv => $"{kv.Key}={kv.Value}"));
}
