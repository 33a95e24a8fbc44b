using System.Text.Json;
using Harness.Hooks;

namespace Harness.Experiments;

/// Where an experiment edits: explicit hook sites (`"sites": ["blocks.2.hook_resid_post"]`), or one
/// kind of residual site over layers for a sweep (`"layers": {"site": "hook_resid_post", "layers":
/// "all"}`; layers is "all", "middle" (layer n_layers / 2) or a list of layer indices). Resolved
/// against each model's number of layers; a layer outside the model is an error.
public sealed record SiteSelection
{
    public static readonly string[] SiteKinds = ["hook_resid_pre", "hook_resid_mid", "hook_resid_post"];

    /// Explicit sites, or null for a layer selection.
    public IReadOnlyList<string>? Sites { get; init; }

    /// For a layer selection: hook_resid_pre, hook_resid_mid or hook_resid_post.
    public string? Kind { get; init; }

    /// For a layer selection: the layers, or null for "all" / "middle" (see Middle).
    public IReadOnlyList<int>? Layers { get; init; }

    /// For a layer selection: "middle" instead of a list.
    public bool Middle { get; init; }

    /// Whether the experiment sweeps over layers (several sites, reported by layer).
    public bool IsSweep => Sites is null && !Middle && (Layers is null || Layers.Count > 1);

    /// The sites for a model with `layers` blocks; `what` names the spec and model for errors.
    public IReadOnlyList<string> Resolve(int layers, string what)
    {
        if (Sites is not null)
        {
            foreach (var site in Sites)
            {
                try { HookSite.Check(site, layers); }
                catch (HarnessException) { throw new UsageException($"{what}: site '{site}' is not in the model ({HookSite.Describe(layers)})"); }
            }
            return Sites;
        }
        IEnumerable<int> chosen = Middle ? [layers / 2] : Layers ?? Enumerable.Range(0, layers);
        var list = chosen.ToList();
        foreach (var l in list)
            if (l >= layers)
                throw new UsageException($"{what}: layer {l} is out of range (the model has {layers} layers, 0..{layers - 1})");
        return list.Select(l => $"blocks.{l}.{Kind}").ToList();
    }

    /// The layer index of a block site, or null for ln_final.
    public static int? LayerOf(string site)
    {
        var parts = site.Split('.');
        return parts.Length == 3 && parts[0] == "blocks" && int.TryParse(parts[1], out var l) ? l : null;
    }

    internal static SiteSelection Parse(SpecObject spec)
    {
        bool hasSites = spec.Has("sites"), hasLayers = spec.Has("layers");
        if (hasSites == hasLayers)
            throw spec.Error(hasSites
                ? "give either 'sites' or 'layers', not both"
                : "missing field 'sites' (a list of hook sites such as \"blocks.2.hook_resid_post\") or 'layers' ({\"site\": \"hook_resid_post\", \"layers\": \"all\"})");
        if (hasSites)
        {
            var sites = spec.StringList("sites");
            foreach (var site in sites)
            {
                try { HookSite.Check(site, int.MaxValue); }
                catch (HarnessException)
                {
                    throw spec.Error($"unknown hook site '{site}' in sites (valid: blocks.{{l}}.hook_resid_pre, blocks.{{l}}.hook_resid_mid, blocks.{{l}}.hook_resid_post, ln_final)");
                }
            }
            return new SiteSelection { Sites = sites };
        }
        var o = spec.Object("layers", ["site", "layers"]);
        var kind = o.String("site");
        if (!SiteKinds.Contains(kind))
            throw o.Error($"unknown site kind '{kind}' in layers.site (valid: {string.Join(", ", SiteKinds)})");
        var e = o.Require("layers");
        if (e.ValueKind == JsonValueKind.String)
        {
            return e.GetString() switch
            {
                "all" => new SiteSelection { Kind = kind },
                "middle" => new SiteSelection { Kind = kind, Middle = true },
                var s => throw o.Error($"layers.layers must be \"all\", \"middle\" or a list of layer indices, got \"{s}\""),
            };
        }
        if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() == 0)
            throw o.Error($"layers.layers must be \"all\", \"middle\" or a non-empty list of layer indices, got {SpecObject.Describe(e)}");
        var layers = new List<int>();
        foreach (var item in e.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out var l) || l < 0)
                throw o.Error($"layers.layers must list layer indices (integers >= 0), got {SpecObject.Describe(item)}");
            if (layers.Contains(l)) throw o.Error($"layers.layers lists layer {l} twice");
            layers.Add(l);
        }
        return new SiteSelection { Kind = kind, Layers = layers };
    }
}
