using System.Globalization;
using Harness.IO;
using static TorchSharp.torch;

namespace Harness.Experiments;

/// A direction basis a method fitted during a run, kept so that a user can reload, compare or reuse
/// it: `directions/<site>/<method label>.safetensors` in the run folder (under `<model>/` first when
/// the run has several models), holding `directions` [k, d] (orthonormal rows, float64) and every
/// centre the run's edits used, `centre_mean`, `centre_median`, `centre_zero`, `centre_basis` [d],
/// with method, label, options, site, model and concept dataset in the metadata, and, for a fit that
/// keeps one (adversarial), `objective_curve` [steps], its objective after each step. Python reads it
/// with `safetensors.numpy.load_file`; C# with Safetensors.ReadAll.
public sealed record FittedDirections(
    string Model,
    string Site,
    string Label,
    string Method,
    string Dataset,
    IReadOnlyDictionary<string, string> Options,
    long K,
    long D,
    double[] Directions,
    IReadOnlyDictionary<string, double[]> Centres,
    double[] ObjectiveCurve)
{
    public const string Folder = "directions";

    /// Copies the basis and the centres (float64 [d] tensors) out of their dispose scope.
    public static FittedDirections Of(string model, string site, MethodSpec method, Tensor directions, IReadOnlyDictionary<string, Tensor> centres, double[] curve)
    {
        using var scope = NewDisposeScope();
        var d = directions.detach().to(ScalarType.Float64).cpu().contiguous();
        return new FittedDirections(model, site, method.Label, method.Name, method.Concept.Dataset, method.Options.Values,
            d.shape[0], d.shape[1], Values(d), centres.ToDictionary(c => c.Key, c => Values(c.Value), StringComparer.Ordinal), curve);
    }

    // A method may find no direction (INLP stopping at once): k = 0, no values.
    private static double[] Values(Tensor t)
    {
        var c = t.detach().to(ScalarType.Float64).cpu().contiguous();
        return c.numel() == 0 ? [] : c.data<double>().ToArray();
    }

    /// The file's path inside the run folder.
    public string RelativePath(bool severalModels)
    {
        var file = Path.Combine(Safe(Site), Safe(Label) + ".safetensors");
        return Path.Combine(Folder, severalModels ? Path.Combine(RunFolder.Safe(Model), file) : file);
    }

    public void Write(string path)
    {
        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal)
        {
            ["directions"] = tensor(Directions, [K, D], ScalarType.Float64),
        };
        foreach (var (name, centre) in Centres) tensors[name] = tensor(centre, [D], ScalarType.Float64);
        if (ObjectiveCurve.Length > 0) tensors["objective_curve"] = tensor(ObjectiveCurve, [ObjectiveCurve.Length], ScalarType.Float64);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["method"] = Method,
            ["label"] = Label,
            ["site"] = Site,
            ["model"] = Model,
            ["dataset"] = Dataset,
            ["k"] = K.ToString(CultureInfo.InvariantCulture),
            ["dimension"] = D.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in Options) metadata.TryAdd("option." + key, value);
        IO.CreatedPaths.CreateFolder(Path.GetDirectoryName(path)!); // removed again if the run is interrupted
        Safetensors.Write(path, tensors, metadata);
    }

    /// A label or site as a file name: path separators and control characters become '_'.
    private static string Safe(string name) =>
        string.Concat(name.Select(c => c is '/' or '\\' or ':' || char.IsControl(c) ? '_' : c));
}
