namespace Harness.Erasure;

/// The registry of erasure methods: `fit --method <name>` and eraser files find their method here.
/// A new method is one line in All.
public static class EraserMethods
{
    /// Every method, in the order `fit --help` lists them.
    public static IReadOnlyList<EraserMethod> All { get; } = new[]
    {
        LeaceEraser.Definition,
        OracleLeaceEraser.Definition,
        MeanDifference.Definition,
        RandomDirections.Definition,
        LinearMethodDefinitions.Probe,
        LinearMethodDefinitions.Inlp,
        LinearMethodDefinitions.Rlace,
    };

    public static IEnumerable<string> Names => All.Select(m => m.Name);

    public static EraserMethod? Find(string name) => All.FirstOrDefault(m => m.Name == name);

    /// The method of that name, or an error listing the known ones.
    public static EraserMethod Get(string name, string source = "method") =>
        Find(name) ?? throw new UsageException($"{source}: unknown method '{name}' (known: {string.Join(", ", Names)})");
}
