using System.Text;
using Harness.Models;

namespace Harness.Tests.Models.Resolution;

/// Small stand-ins for checkpoint files. Resolution never parses the weights, so any bytes do.
public static class Fixtures
{
    public const string Config = """{"model_type": "gpt2", "n_layer": 2}""";

    /// Deterministic pseudo-random bytes (incompressible, so no layer can shrink them in transit).
    public static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// A folder in HuggingFace layout with config.json and model.safetensors.
    public static string WriteCheckpoint(string dir, string config = Config, int weightBytes = 64)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(System.IO.Path.Combine(dir, "config.json"), config);
        File.WriteAllBytes(System.IO.Path.Combine(dir, "model.safetensors"), Bytes(weightBytes, 1));
        return dir;
    }

    public static string Index(params string[] shards) =>
        "{\"metadata\": {\"total_size\": 0}, \"weight_map\": {"
        + string.Join(", ", shards.Select((s, i) => $"\"h.{i}.w\": \"{s}\""))
        + "}}";

    /// Writes a repository into a hub cache by hand, exactly as Python's huggingface_hub would
    /// (blobs named by etag, snapshot entries as relative symlinks, refs/main), or with plain copies
    /// in the snapshot when `symlinks` is false. Returns the snapshot folder.
    public static string WritePythonCache(string cacheRoot, string repoId, string commit,
        IReadOnlyDictionary<string, byte[]> files, bool symlinks = true, string refText = "")
    {
        var repo = System.IO.Path.Combine(cacheRoot, "models--" + repoId.Replace("/", "--"));
        var snapshot = System.IO.Path.Combine(repo, "snapshots", commit);
        Directory.CreateDirectory(System.IO.Path.Combine(repo, "blobs"));
        Directory.CreateDirectory(snapshot);
        Directory.CreateDirectory(System.IO.Path.Combine(repo, "refs"));
        foreach (var (name, content) in files)
        {
            var etag = FakeRepo.IsLfs(name) ? FakeRepo.Sha256(content) : FakeRepo.GitSha1(content);
            File.WriteAllBytes(System.IO.Path.Combine(repo, "blobs", etag), content);
            var pointer = System.IO.Path.Combine(snapshot, name);
            if (symlinks) File.CreateSymbolicLink(pointer, "../../blobs/" + etag);
            else File.WriteAllBytes(pointer, content);
        }
        File.WriteAllText(System.IO.Path.Combine(repo, "refs", "main"), commit + refText);
        return snapshot;
    }

    public static Dictionary<string, byte[]> SingleFileCheckpoint(string config = Config, int weightBytes = 64, int seed = 1) => new()
    {
        ["config.json"] = Encoding.UTF8.GetBytes(config),
        ["model.safetensors"] = Bytes(weightBytes, seed),
    };

    /// Options for tests: a given cache and endpoint, no organisms unless told otherwise,
    /// progress captured, every progress line printed.
    public static ResolverOptions Options(string cache, string endpoint = "http://127.0.0.1:9", string? organisms = null,
        TextWriter? progress = null) => new()
    {
        HubCache = cache,
        Endpoint = endpoint,
        // Never the repository's own organisms: a test sees only what it set up.
        OrganismsDir = organisms ?? System.IO.Path.Combine(cache, "no-organisms-here"),
        Progress = progress ?? TextWriter.Null,
        ProgressInterval = TimeSpan.Zero,
        StallTimeout = TimeSpan.FromSeconds(10),
    };

    /// The resolve fails with a HarnessException whose message is one line holding every fragment.
    public static string ShouldFailWith(Func<object> act, params string[] fragments)
    {
        var message = FluentActions.Invoking(act).Should().Throw<HarnessException>().Which.Message;
        TestContext.Out.WriteLine(message);
        message.Should().NotContainAny("\n", "\r");
        foreach (var fragment in fragments) message.Should().Contain(fragment);
        return message;
    }
}
