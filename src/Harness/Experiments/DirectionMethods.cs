using Harness.Erasure;

namespace Harness.Experiments;

/// The methods an experiment can use to find a concept direction: every erasure method of the
/// registry (EraserMethods.All, fitted on the concept's activations), plus four that the runner
/// makes itself, three from the model and one from a file:
///   - `gradient`: the gradient of the mean logit difference over the concept dataset's training
///     prompts with respect to the residual at the site, at each prompt's last position, averaged
///     over prompts and normalised (the "dumb approach" of the discussion; GradientDirection);
///   - `unembed-diff`: the difference of the unembedding rows of the two most frequent answer
///     tokens, e.g. " she" - " he", normalised (UnembedDifference);
///   - `adversarial`: a basis optimised through the model so that editing along it does the most
///     damage on the concept dataset's training prompts (AdversarialDirection);
///   - `file`: directions a user brings, read from a .npy or safetensors file (FileDirection);
///   - `union`: earlier methods' directions erased together (UnionDirections).
/// They become projection erasers around the mean of the training activations (a file may instead
/// hold a whole eraser), so every edit (project, reflect, amplify, erase, ...) works with them.
public static class DirectionMethods
{
    public const string Gradient = "gradient";
    public const string UnembedDiff = "unembed-diff";

    /// Methods the runner cannot use, with the reason.
    private static readonly Dictionary<string, string> Unsupported = new(StringComparer.Ordinal)
    {
        [OracleLeaceEraser.Name] = "it needs each row's concept at erase time, which edited prompts and generations do not have",
    };

    public static EraserMethod GradientDefinition { get; } = new(
        Gradient,
        "gradient of the mean logit difference (correct - wrong) over the training prompts w.r.t. the residual at the last position, normalised",
        [EraserOption.Switch("by_label", true, "orient every prompt's logit difference towards the first label's answer (off: plain correct - wrong)")],
        needsConcept: true,
        fit: (_, _) => throw new InvalidOperationException("the gradient direction is fitted by the experiment runner (GradientDirection)"),
        load: ProjectionEraser.Load);

    public static EraserMethod UnembedDiffDefinition { get; } = new(
        UnembedDiff,
        "difference of the unembedding rows of the two most frequent answer tokens (first label's minus second's), normalised",
        [],
        needsConcept: true,
        fit: (_, _) => throw new InvalidOperationException("the unembedding difference is computed by the experiment runner (UnembedDifference)"),
        load: ProjectionEraser.Load);

    /// Every method a spec may name.
    public static IReadOnlyList<EraserMethod> All =>
        [.. EraserMethods.All.Where(m => !Unsupported.ContainsKey(m.Name)), GradientDefinition, UnembedDiffDefinition, AdversarialDirection.Definition, FileDirection.Definition, UnionDirections.Definition];

    public static IEnumerable<string> Names => All.Select(m => m.Name);

    /// Whether the runner fits this method itself (from the model) rather than through the registry.
    public static bool IsModelBased(string name) => name is Gradient or UnembedDiff or AdversarialDirection.Name or FileDirection.Name or UnionDirections.Name;

    /// The method of that name, or an error naming `source` and listing the known ones.
    public static EraserMethod Get(string name, string source)
    {
        if (Unsupported.TryGetValue(name, out var reason))
            throw new UsageException($"{source}: method '{name}' cannot be used in an experiment: {reason}");
        return All.FirstOrDefault(m => m.Name == name)
            ?? throw new UsageException($"{source}: unknown method '{name}' (known: {string.Join(", ", Names)})");
    }
}
