using System.Text.RegularExpressions;

namespace Harness.Hooks;

/// Names of the hook sites, following TransformerLens: the residual stream before each block
/// (`blocks.{l}.hook_resid_pre`), between its attention and MLP (`blocks.{l}.hook_resid_mid`), after
/// it (`blocks.{l}.hook_resid_post`, equal to HuggingFace's output of block l and to block l+1's
/// resid_pre), and the output of the final layer norm (`ln_final`), which the unembedding reads.
public static partial class HookSite
{
    public const string LnFinal = "ln_final";

    public static string ResidPre(int layer) => $"blocks.{layer}.hook_resid_pre";
    public static string ResidMid(int layer) => $"blocks.{layer}.hook_resid_mid";
    public static string ResidPost(int layer) => $"blocks.{layer}.hook_resid_post";

    /// Every site of a model with `layers` blocks, in the order a forward pass reaches them.
    public static IReadOnlyList<string> All(int layers) =>
        Enumerable.Range(0, layers).SelectMany(l => new[] { ResidPre(l), ResidMid(l), ResidPost(l) })
            .Append(LnFinal).ToArray();

    /// The one-line description of the valid names, for error messages.
    public static string Describe(int layers) =>
        $"valid: blocks.{{l}}.hook_resid_pre, blocks.{{l}}.hook_resid_mid, blocks.{{l}}.hook_resid_post with l in 0..{layers - 1}, or {LnFinal}";

    /// Throws a one-line UsageException when `site` is not a site of a model with `layers` blocks.
    public static void Check(string site, int layers)
    {
        var m = BlockSite().Match(site);
        if (site == LnFinal || (m.Success && int.TryParse(m.Groups[1].Value, out var l) && l < layers && m.Groups[1].Value == l.ToString()))
            return;
        throw new UsageException($"unknown hook site '{site}' ({Describe(layers)})");
    }

    /// The block and the point inside it of a valid site: (l, "pre" | "mid" | "post"), or (layers,
    /// "final") for ln_final.
    public static (int Layer, string Point) Locate(string site, int layers)
    {
        Check(site, layers);
        if (site == LnFinal) return (layers, "final");
        var m = BlockSite().Match(site);
        return (int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups[2].Value);
    }

    [GeneratedRegex(@"^blocks\.(\d+)\.hook_resid_(pre|mid|post)$")]
    private static partial Regex BlockSite();
}
