using System.Globalization;

namespace Harness.Erasure;

/// One option of an options record T (RlaceOptions, InlpOptions, ...), declared once: its name,
/// help and bounds, and how to read and set it on the record; its default is the record's own
/// (`new T()`), written beside the property with its documentation. Everything else derives from
/// this declaration: the registry's EraserOption (command-line flag, spec field, eraser-file
/// metadata, `--help`), the record's ToStrings / FromStrings, and its validation, so that a bound
/// is checked in one place with one message.
public sealed class OptionField<T> where T : new()
{
    private readonly Func<T, string> _get;
    private readonly Func<T, string, T> _set;

    private OptionField(EraserOption option, Func<T, string> get, Func<T, string, T> set)
    {
        Option = option;
        _get = get;
        _set = set;
    }

    public EraserOption Option { get; }
    public string Name => Option.Name;

    /// The value on a record, in metadata form ("3", "0.01", "true").
    public string Get(T options) => _get(options);

    /// The record with this option set from a normalised value.
    public T Set(T options, string value) => _set(options, value);

    public static OptionField<T> Integer(string name, string help, Func<T, int> get, Func<T, int, T> set, int min = int.MinValue, int max = int.MaxValue) =>
        new(EraserOption.Integer(name, get(new T()), help, min, max),
            o => get(o).ToString(CultureInfo.InvariantCulture), (o, s) => set(o, int.Parse(s, CultureInfo.InvariantCulture)));

    public static OptionField<T> Number(string name, string help, Func<T, double> get, Func<T, double, T> set,
        double min = double.NegativeInfinity, double max = double.PositiveInfinity, bool minExclusive = false, bool maxExclusive = false) =>
        new(EraserOption.Number(name, get(new T()), help, min, max, minExclusive, maxExclusive),
            o => EraserOption.Format(get(o)), (o, s) => set(o, double.Parse(s, CultureInfo.InvariantCulture)));

    public static OptionField<T> Switch(string name, string help, Func<T, bool> get, Func<T, bool, T> set) =>
        new(EraserOption.Switch(name, get(new T()), help), o => get(o) ? "true" : "false", (o, s) => set(o, s == "true"));

    /// The fields of a nested record (a method's classifier) as fields of this one: names prefixed,
    /// `{0}` in their help replaced by what the nested record is ("evaluation probes").
    public static IEnumerable<OptionField<T>> Nested<TInner>(IEnumerable<OptionField<TInner>> inner, string prefix, string what,
        Func<T, TInner> get, Func<T, TInner, T> set) where TInner : new() =>
        inner.Select(f => new OptionField<T>(
            f.Option.Renamed(prefix + f.Name, string.Format(CultureInfo.InvariantCulture, f.Option.Help, what)),
            o => f.Get(get(o)), (o, s) => set(o, f.Set(get(o), s))));
}

/// What a record's fields do together.
public static class OptionFields
{
    /// The options in metadata form, by name.
    public static IReadOnlyDictionary<string, string> ToStrings<T>(this IReadOnlyList<OptionField<T>> fields, T options) where T : new() =>
        fields.ToDictionary(f => f.Name, f => f.Get(options), StringComparer.Ordinal);

    /// A record from metadata-form values (keys it does not declare are ignored; missing ones keep
    /// their defaults); a bad value is an error naming the option and what it takes.
    public static T FromStrings<T>(this IReadOnlyList<OptionField<T>> fields, IReadOnlyDictionary<string, string> values) where T : new()
    {
        var options = new T();
        foreach (var f in fields)
            if (values.TryGetValue(f.Name, out var value))
                options = f.Set(options, f.Option.Normalise(value) ?? throw new UsageException($"option '{f.Name}' must be {f.Option.Expected}, got '{value}'"));
        return options;
    }

    /// Throws a UsageException naming the first option whose value its declaration refuses.
    public static void Validate<T>(this IReadOnlyList<OptionField<T>> fields, T options) where T : new()
    {
        foreach (var f in fields)
            if (f.Option.Normalise(f.Get(options)) is null)
                throw new UsageException($"option '{f.Name}' must be {f.Option.Expected}, got '{f.Get(options)}'");
    }
}
