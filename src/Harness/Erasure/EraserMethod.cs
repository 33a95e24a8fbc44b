namespace Harness.Erasure;

/// An erasure method as the registry (EraserMethods) knows it: its command-line name, a one-line
/// summary, the options it takes, whether fitting needs the concept z, how to fit it and how to
/// rebuild a fitted eraser from an eraser file. Each method defines one of these next to its
/// eraser (e.g. LeaceEraser.Definition) and EraserMethods lists it.
public sealed record EraserMethod
{
    public EraserMethod(string name, string summary, IReadOnlyList<EraserOption> options, bool needsConcept,
        Func<EraserData, EraserOptions, IEraser> fit, Func<EraserState, IEraser> load)
    {
        if (options.Select(o => o.Name).Distinct(StringComparer.Ordinal).Count() != options.Count)
            throw new ArgumentException($"method {name} declares an option twice", nameof(options));
        Name = name; Summary = summary; Options = options; NeedsConcept = needsConcept; FitFunction = fit; LoadFunction = load;
    }

    /// The name on the command line, in eraser files and in results ("leace", "mean-diff", ...).
    public string Name { get; }
    public string Summary { get; }
    public IReadOnlyList<EraserOption> Options { get; }
    /// Whether fitting needs z (labels or values); `random` does not.
    public bool NeedsConcept { get; }
    private Func<EraserData, EraserOptions, IEraser> FitFunction { get; }
    private Func<EraserState, IEraser> LoadFunction { get; }

    /// Fits the method on the rows, with the given options (Defaults() for the defaults).
    public IEraser Fit(EraserData data, EraserOptions? options = null)
    {
        if (NeedsConcept) data.RequireConcept(Name);
        return FitFunction(data, options ?? EraserOptions.Defaults(this));
    }

    /// The method's options with their defaults.
    public EraserOptions Defaults() => EraserOptions.Defaults(this);

    internal IEraser Load(EraserState state) => LoadFunction(state);
}
