using System.Globalization;

namespace Harness.Erasure;

public enum EraserOptionKind
{
    /// true/false. On the command line: `--name` turns on an option that is off by default,
    /// `--no-name` turns off one that is on by default.
    Switch,
    /// An integer (`--name 3`).
    Integer,
    /// A real number (`--name 0.01`).
    Number,
    /// One of a few words (`--name covariance`).
    Choice,
    /// Any non-empty text, such as a file's path (`--name d.npy`).
    Text,
}

/// One option of an erasure method: its name in eraser-file metadata (snake_case, e.g.
/// "svd_tol"; on the command line the same with dashes, e.g. `--svd-tol`), kind, default and help.
public sealed record EraserOption
{
    private EraserOption(string name, EraserOptionKind kind, string @default, string help, double min, double max, bool minExclusive, string[]? choices = null, bool maxExclusive = false)
    {
        MaxExclusive = maxExclusive;
        Choices = choices ?? [];
        if (name is "method" or "dimension" || name.Length == 0 || name.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_')))
            throw new ArgumentException($"bad option name '{name}' (snake_case, not 'method' or 'dimension')", nameof(name));
        Name = name; Kind = kind; Default = @default; Help = help; Min = min; Max = max; MinExclusive = minExclusive;
    }

    public static EraserOption Switch(string name, bool @default, string help) =>
        new(name, EraserOptionKind.Switch, @default ? "true" : "false", help, 0, 0, false);

    public static EraserOption Integer(string name, int @default, string help, int min = int.MinValue, int max = int.MaxValue) =>
        new(name, EraserOptionKind.Integer, @default.ToString(CultureInfo.InvariantCulture), help, min, max, false);

    /// A real number in [min, max], with either end open when minExclusive / maxExclusive.
    public static EraserOption Number(string name, double @default, string help, double min = double.NegativeInfinity,
        double max = double.PositiveInfinity, bool minExclusive = false, bool maxExclusive = false) =>
        new(name, EraserOptionKind.Number, Format(@default), help, min, max, minExclusive, null, maxExclusive);

    /// The same option under another name and help (a nested record's options under a prefix).
    public EraserOption Renamed(string name, string help) =>
        new(name, Kind, Default, help, Min, Max, MinExclusive, Choices.ToArray(), MaxExclusive);

    /// One of `choices` (the first is not necessarily the default).
    public static EraserOption Choice(string name, string @default, string help, params string[] choices) =>
        choices.Contains(@default) ? new(name, EraserOptionKind.Choice, @default, help, 0, 0, false, choices)
        : throw new ArgumentException($"option {name}: default '{@default}' is not one of its choices", nameof(@default));

    /// Any non-empty text; the default "" means "not given" (the method says whether it needs one).
    public static EraserOption Text(string name, string help) =>
        new(name, EraserOptionKind.Text, "", help, 0, 0, false);

    public string Name { get; }
    /// The words a Choice option takes.
    public IReadOnlyList<string> Choices { get; }
    public EraserOptionKind Kind { get; }
    /// The default in the metadata form ("true", "3", "0.01").
    public string Default { get; }
    public string Help { get; }
    public double Min { get; }
    public double Max { get; }
    public bool MinExclusive { get; }
    public bool MaxExclusive { get; }

    /// The command-line flag that sets it: `--no-affine`, `--orth`, `--svd-tol`.
    public string Flag => "--" + (Kind == EraserOptionKind.Switch && Default == "true" ? "no-" : "") + Name.Replace('_', '-');

    /// The flag with its argument, for help texts: `--svd-tol <x>`, `--rank <n>`, `--orth`.
    public string Usage => Kind switch
    {
        EraserOptionKind.Integer => Flag + " <n>",
        EraserOptionKind.Number => Flag + " <x>",
        EraserOptionKind.Choice => Flag + " <" + string.Join("|", Choices) + ">",
        EraserOptionKind.Text => Flag + " <text>",
        _ => Flag,
    };

    /// Checks and normalises a value; null when it is not valid for this option.
    public string? Normalise(string value)
    {
        switch (Kind)
        {
            case EraserOptionKind.Switch:
                return value is "true" or "false" ? value : null;
            case EraserOptionKind.Choice:
                return Choices.Contains(value) ? value : null;
            case EraserOptionKind.Text:
                return value.Length > 0 ? value : null;
            case EraserOptionKind.Integer:
                if (!long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) || i < Min || i > Max) return null;
                return i.ToString(CultureInfo.InvariantCulture);
            default:
                if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d)) return null;
                if (d > Max || d < Min || (MinExclusive && d == Min) || (MaxExclusive && d == Max)) return null;
                return Format(d);
        }
    }

    /// What a valid value looks like, for error messages.
    public string Expected => Kind switch
    {
        EraserOptionKind.Switch => "true or false",
        EraserOptionKind.Choice => "one of " + string.Join(", ", Choices),
        EraserOptionKind.Text => "a non-empty text",
        EraserOptionKind.Integer => Range("an integer"),
        _ => Range("a number"),
    };

    private string Range(string what)
    {
        bool hasMin = !double.IsNegativeInfinity(Min) && Min > int.MinValue, hasMax = !double.IsPositiveInfinity(Max) && Max < int.MaxValue;
        if (hasMin && hasMax)
            return MinExclusive || MaxExclusive ? $"{what} in {(MinExclusive ? "(" : "[")}{Format(Min)}, {Format(Max)}{(MaxExclusive ? ")" : "]")}" : $"{what} from {Format(Min)} to {Format(Max)}";
        if (hasMin) return MinExclusive ? $"{what} above {Format(Min)}" : $"{what} of at least {Format(Min)}";
        if (hasMax) return $"{what} of at most {Format(Max)}";
        return what;
    }

    internal static string Format(double d) => d.ToString("R", CultureInfo.InvariantCulture);
}
