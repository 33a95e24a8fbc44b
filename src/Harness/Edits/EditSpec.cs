using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Harness.Edits;

/// An edit as written in an experiment spec or on the command line, before it is bound to a
/// direction basis. Accepted forms (JSON, or a bare name):
///
///     "reflect"  or  reflect                      (a name alone: every field at its default)
///     {"edit": "project", "centre": "median"}     centre: mean (default) | median | zero | basis
///     {"edit": "reflect", "centre": "zero"}
///     {"edit": "amplify"}                         scale with strength -1 (centred component doubled)
///     {"edit": "scale", "strength": -1, "centre": "mean"}    strength required
///     {"edit": "erase"}                           the fitted eraser as it is
///     {"edit": "add", "alpha": 4}                 alpha required
///     {"edit": "alterrep", "alpha": 1, "sign": -1}    sign required (1 or -1), alpha >= 0, default 1
///
/// Unknown edit names, fields an edit does not take, and values of the wrong type are errors, so a
/// misspelt setting never silently falls back to a default.
public sealed record EditSpec
{
    public required string Edit { get; init; }
    public CentreKind Centre { get; init; } = CentreKind.Mean;
    public double? Strength { get; init; }
    public double? Alpha { get; init; }
    public int? Sign { get; init; }

    /// The edit names and the fields each takes (besides "edit").
    public static readonly IReadOnlyDictionary<string, string[]> Fields = new Dictionary<string, string[]>
    {
        ["project"] = ["centre"],
        ["reflect"] = ["centre"],
        ["amplify"] = ["centre"],
        ["scale"] = ["strength", "centre"],
        ["erase"] = [],
        ["add"] = ["alpha"],
        ["alterrep"] = ["alpha", "sign"],
    };

    private static readonly string[] CentreNames = ["mean", "median", "zero", "basis"];

    /// Parses a bare edit name or a JSON string/object (see the class comment).
    public static EditSpec Parse(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0) throw new UsageException("edit spec: empty");
        if (trimmed[0] is not ('{' or '"' or '['))
            return FromName(trimmed);
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(trimmed);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            throw new UsageException($"edit spec: not valid JSON ({e.Message.Split('\n')[0]})");
        }
        return Parse(node);
    }

    /// Parses a spec already read as JSON (as the experiment runner reads its spec files).
    public static EditSpec Parse(JsonNode? node)
    {
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String)
            return FromName(value.GetValue<string>());
        if (node is not JsonObject obj)
            throw new UsageException($"edit spec: must be an edit name or an object with an \"edit\" field, got {Describe(node)}");

        if (!obj.TryGetPropertyValue("edit", out var nameNode))
            throw new UsageException("edit spec: missing field 'edit'");
        if (nameNode is not JsonValue nv || nv.GetValueKind() != JsonValueKind.String)
            throw new UsageException($"edit spec: field 'edit' must be a string, got {Describe(nameNode)}");
        var name = nv.GetValue<string>();
        var allowed = AllowedFields(name);

        foreach (var (key, _) in obj)
            if (key != "edit" && !allowed.Contains(key))
                throw new UsageException(
                    $"edit '{name}': unknown field '{key}' (allowed: {string.Join(", ", new[] { "edit" }.Concat(allowed))})");

        var spec = new EditSpec
        {
            Edit = name,
            Centre = obj.TryGetPropertyValue("centre", out var c) ? ParseCentre(name, c) : CentreKind.Mean,
            Strength = obj.TryGetPropertyValue("strength", out var s) ? Number(name, "strength", s) : null,
            Alpha = obj.TryGetPropertyValue("alpha", out var a) ? Number(name, "alpha", a) : null,
            Sign = obj.TryGetPropertyValue("sign", out var g) ? ParseSign(name, g) : null,
        };
        spec.Validate();
        return spec;
    }

    /// Checks the spec's values (also for specs built in code rather than parsed).
    public void Validate()
    {
        var allowed = AllowedFields(Edit);
        void Reject(string field, bool present)
        {
            if (present && !allowed.Contains(field))
                throw new UsageException($"edit '{Edit}': unknown field '{field}' (allowed: {string.Join(", ", new[] { "edit" }.Concat(allowed))})");
        }
        Reject("centre", Centre != CentreKind.Mean);
        Reject("strength", Strength is not null);
        Reject("alpha", Alpha is not null);
        Reject("sign", Sign is not null);

        if (Edit == "scale" && Strength is null)
            throw new UsageException("edit 'scale': missing field 'strength' (a number: 1 project, 2 reflect, -1 amplify)");
        if (Edit == "add" && Alpha is null)
            throw new UsageException("edit 'add': missing field 'alpha' (a number)");
        if (Edit == "alterrep" && Sign is null)
            throw new UsageException("edit 'alterrep': missing field 'sign' (1 or -1)");
        if (Edit == "alterrep" && Alpha is < 0)
            throw new UsageException($"edit 'alterrep': alpha must be >= 0 (sign picks the side), got {Format(Alpha.Value)}");
        if (Sign is not (null or 1 or -1))
            throw new UsageException($"edit '{Edit}': sign must be 1 or -1, got {Sign}");
    }

    /// The strength s of v' = v - s (v - m) D^T D for the direction edits, else null.
    public double? EffectiveStrength => Edit switch
    {
        "project" => 1,
        "reflect" => 2,
        "amplify" => -1,
        "scale" => Strength,
        _ => null,
    };

    /// A canonical one-line label for results rows: "project(centre=median)", "add(alpha=4)", ...
    public string Label => Edit switch
    {
        "project" or "reflect" or "amplify" => $"{Edit}(centre={CentreName(Centre)})",
        "scale" => $"scale(strength={Format(Strength ?? double.NaN)}, centre={CentreName(Centre)})",
        "add" => $"add(alpha={Format(Alpha ?? double.NaN)})",
        "alterrep" => $"alterrep(alpha={Format(Alpha ?? 1)}, sign={Sign})",
        _ => Edit,
    };

    /// Binds the spec to a context and returns the edit (named by Label). The caller owns the edit.
    public IEdit Build(EditContext context)
    {
        Validate();
        switch (Edit)
        {
            case "project" or "reflect" or "amplify" or "scale":
            {
                if (context.Directions is null)
                    throw new HarnessException($"edit '{Edit}': needs a direction basis (none was given)");
                using var scope = NewDisposeScope();
                var D = OrthonormalDirections.Require(context.Directions, $"edit '{Edit}'");
                var centre = context.ResolveCentre(Centre, D, Edit);
                return new ScaleEdit(D, centre, EffectiveStrength!.Value, Label);
            }
            case "erase":
                return new EraserEdit(context.Eraser ?? throw new HarnessException("edit 'erase': needs a fitted eraser (none was given)"), Label);
            case "add":
            {
                if (context.SteeringVector is { } u) return new AddEdit(u, Alpha!.Value, Label);
                if (context.Directions is { } D && D.dim() == 2 && D.shape[0] == 1)
                    return new AddEdit(D, Alpha!.Value, Label);
                throw new HarnessException(context.Directions is null
                    ? "edit 'add': needs a steering vector or a single direction (none was given)"
                    : $"edit 'add': needs a steering vector or a single direction, the basis has shape {Shape.Text(context.Directions.shape)}");
            }
            case "alterrep":
            {
                var W = context.ClassifierDirections ?? context.Directions
                    ?? throw new HarnessException("edit 'alterrep': needs classifier directions (none were given)");
                return new AlterRepEdit(W, Alpha ?? 1, Sign!.Value, Label);
            }
            default:
                throw UnknownEdit(Edit);
        }
    }

    private static EditSpec FromName(string name)
    {
        AllowedFields(name);
        var spec = new EditSpec { Edit = name };
        spec.Validate();
        return spec;
    }

    private static string[] AllowedFields(string name) =>
        Fields.TryGetValue(name, out var fields) ? fields : throw UnknownEdit(name);

    private static UsageException UnknownEdit(string name) =>
        new($"edit spec: unknown edit '{name}' (known: {string.Join(", ", Fields.Keys)})");

    private static CentreKind ParseCentre(string edit, JsonNode? node)
    {
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            var s = v.GetValue<string>();
            int i = Array.IndexOf(CentreNames, s);
            if (i >= 0) return (CentreKind)i;
        }
        throw new UsageException($"edit '{edit}': centre must be one of {string.Join(", ", CentreNames)}, got {Describe(node)}");
    }

    private static double Number(string edit, string field, JsonNode? node)
    {
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
        {
            double x = v.GetValue<double>();
            if (double.IsFinite(x)) return x;
        }
        throw new UsageException($"edit '{edit}': {field} must be a number, got {Describe(node)}");
    }

    private static int ParseSign(string edit, JsonNode? node)
    {
        double x = node is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<double>() : double.NaN;
        if (x is 1 or -1) return (int)x;
        throw new UsageException($"edit '{edit}': sign must be 1 or -1, got {Describe(node)}");
    }

    private static string CentreName(CentreKind kind) => CentreNames[(int)kind];

    private static string Format(double x) => x.ToString(CultureInfo.InvariantCulture);

    private static string Describe(JsonNode? node) => node is null ? "null" : node.ToJsonString();
}
