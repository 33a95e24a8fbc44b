using System.Text;
using Harness.Models;
using static Harness.Tests.Models.Resolution.Fixtures;

namespace Harness.Tests.Models.Resolution;

/// Hub ids found in a HuggingFace cache that Python (or a person) wrote: where the cache is, how it is
/// read, and offline mode. The endpoint is a fake hub, so that "no request" can be counted.
public class HubCacheResolutionTests
{
    private const string CommitA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string CommitB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    private TempFolder _tmp = null!;
    private FakeHub _hub = null!;

    [SetUp]
    public void SetUp()
    {
        _tmp = new TempFolder();
        _hub = new FakeHub();
    }

    [TearDown]
    public void TearDown()
    {
        _hub.Dispose();
        _tmp.Dispose();
    }

    [Test]
    public void CacheLocationFollowsHuggingFacePrecedence()
    {
        string CacheFor(params (string Key, string Value)[] vars) =>
            ResolverOptions.HubCacheFromEnvironment(vars.ToDictionary(v => v.Key, v => v.Value).GetValueOrDefault);

        CacheFor(("HF_HUB_CACHE", "/a"), ("HF_HOME", "/b"), ("XDG_CACHE_HOME", "/c"), ("HOME", "/h")).Should().Be("/a");
        CacheFor(("HF_HOME", "/b"), ("XDG_CACHE_HOME", "/c"), ("HOME", "/h")).Should().Be("/b/hub");
        CacheFor(("XDG_CACHE_HOME", "/c"), ("HOME", "/h")).Should().Be("/c/huggingface/hub");
        CacheFor(("HOME", "/h")).Should().Be("/h/.cache/huggingface/hub");
        CacheFor(("HF_HOME", "~/hf"), ("HOME", "/h")).Should().Be("/h/hf/hub");
        // Empty counts as unset, and the legacy name still works.
        CacheFor(("HF_HUB_CACHE", ""), ("HUGGINGFACE_HUB_CACHE", "/legacy"), ("HOME", "/h")).Should().Be("/legacy");
    }

    [Test]
    public void EnvironmentGivesEndpointTokenAndOfflineMode()
    {
        var options = ResolverOptions.FromEnvironment(new Dictionary<string, string>
        {
            ["HF_ENDPOINT"] = "http://mirror.local:8080/", ["HF_TOKEN"] = "hf_secret", ["HF_HUB_OFFLINE"] = "1", ["HOME"] = "/h",
        }.GetValueOrDefault, TextWriter.Null);
        options.Endpoint.Should().Be("http://mirror.local:8080");
        options.Token.Should().Be("hf_secret");
        options.Offline.Should().BeTrue();

        var defaults = ResolverOptions.FromEnvironment(new Dictionary<string, string> { ["HF_HUB_OFFLINE"] = "0" }.GetValueOrDefault, TextWriter.Null);
        defaults.Endpoint.Should().Be("https://huggingface.co");
        defaults.Token.Should().BeNull();
        defaults.Offline.Should().BeFalse();
        ResolverOptions.FromEnvironment(new Dictionary<string, string> { ["TRANSFORMERS_OFFLINE"] = "yes" }.GetValueOrDefault, TextWriter.Null)
            .Offline.Should().BeTrue();
    }

    [Test]
    public void TheTokenThatHfAuthLoginSavedIsReadWhenHfTokenIsUnset()
    {
        using var temp = new TempFolder();
        var home = temp.File("hf");
        Directory.CreateDirectory(home);
        File.WriteAllText(Path.Combine(home, "token"), "hf_from_login\n");
        (string?, string) For(params (string Key, string Value)[] vars)
        {
            var (token, source, problem) = ResolverOptions.TokenFromEnvironment(vars.ToDictionary(v => v.Key, v => v.Value).GetValueOrDefault);
            problem.Should().BeNull();
            return (token, source);
        }

        For(("HF_HOME", home)).Should().Be(("hf_from_login", Path.Combine(home, "token")), "huggingface_hub's HF_HOME/token, stripped");
        For(("HF_HOME", home), ("HF_TOKEN", "hf_env")).Should().Be(("hf_env", "HF_TOKEN"), "the variable comes first");
        For(("HF_HOME", home), ("HUGGING_FACE_HUB_TOKEN", "hf_old")).Should().Be(("hf_old", "HUGGING_FACE_HUB_TOKEN"));
        var elsewhere = temp.File("my-token");
        File.WriteAllText(elsewhere, "  hf_elsewhere  ");
        For(("HF_HOME", home), ("HF_TOKEN_PATH", elsewhere)).Should().Be(("hf_elsewhere", elsewhere));
        File.WriteAllText(elsewhere, "\n");
        For(("HF_HOME", home), ("HF_TOKEN_PATH", elsewhere)).Item1.Should().BeNull("an empty token file is no token");
        For(("HOME", temp.File("nobody"))).Item1.Should().BeNull("~/.cache/huggingface/token does not exist there");
        ResolverOptions.FromEnvironment(new Dictionary<string, string> { ["HF_HOME"] = home }.GetValueOrDefault, TextWriter.Null)
            .Should().Match<ResolverOptions>(o => o.Token == "hf_from_login" && o.TokenSource == Path.Combine(home, "token"));
    }

    /// A token file that exists but cannot be read (here /proc/self/mem, which fails even for root)
    /// stops only what talks to the hub: a local folder still loads, a download says why it cannot.
    [Test]
    public void An_unreadable_token_file_fails_a_download_and_nothing_else()
    {
        Assume.That(OperatingSystem.IsLinux() && File.Exists("/proc/self/mem"), "needs Linux's /proc/self/mem");
        var env = new Dictionary<string, string> { ["HF_TOKEN_PATH"] = "/proc/self/mem", ["HF_HUB_CACHE"] = _tmp["cache"] };
        var (token, _, problem) = ResolverOptions.TokenFromEnvironment(env.GetValueOrDefault);
        token.Should().BeNull();
        problem.Should().StartWith("/proc/self/mem: cannot read the hub token file (");
        var options = ResolverOptions.FromEnvironment(env.GetValueOrDefault, TextWriter.Null) with
        {
            Endpoint = "http://127.0.0.1:9",
            OrganismsDir = _tmp["no-organisms"],
        };
        var dir = WriteCheckpoint(_tmp["ckpt"]);
        new ModelResolver(options).Resolve(dir).Source.Should().Be(ModelSource.Directory);
        ShouldFailWith(() => new ModelResolver(options).Resolve("tiny-org/not-cached"), "/proc/self/mem: cannot read the hub token file");
    }

    [Test]
    public void PythonCacheIsFoundThroughHfHubCacheBeforeHfHome()
    {
        // Two caches holding different commits of gpt2: HF_HUB_CACHE must win over HF_HOME.
        var hubCache = _tmp["hub-cache"];
        var hfHome = _tmp["hf-home"];
        var snapshotA = WritePythonCache(hubCache, "gpt2", CommitA, SingleFileCheckpoint("""{"which": "A"}"""));
        var snapshotB = WritePythonCache(Path.Combine(hfHome, "hub"), "gpt2", CommitB, SingleFileCheckpoint("""{"which": "B"}"""));
        var env = new Dictionary<string, string>
        {
            ["HF_HUB_CACHE"] = hubCache, ["HF_HOME"] = hfHome, ["HF_ENDPOINT"] = _hub.Endpoint,
            ["HARNESS_ORGANISMS_DIR"] = _tmp["no-organisms"], ["HOME"] = _tmp["home"],
        };

        var fromHubCache = new ModelResolver(ResolverOptions.FromEnvironment(env.GetValueOrDefault, TextWriter.Null)).Resolve("gpt2");
        fromHubCache.Source.Should().Be(ModelSource.HubCache);
        fromHubCache.Directory.Should().Be(snapshotA);
        fromHubCache.Commit.Should().Be(CommitA);
        File.ReadAllText(fromHubCache.ConfigPath).Should().Contain("\"A\"");

        env.Remove("HF_HUB_CACHE");
        var fromHfHome = new ModelResolver(ResolverOptions.FromEnvironment(env.GetValueOrDefault, TextWriter.Null)).Resolve("gpt2");
        fromHfHome.Directory.Should().Be(snapshotB);
        File.ReadAllText(fromHfHome.ConfigPath).Should().Contain("\"B\"");
        File.ReadAllBytes(fromHfHome.WeightFiles[0]).Should().Equal(SingleFileCheckpoint()["model.safetensors"]);

        _hub.Requests.Should().BeEmpty("a cached model is used without asking the hub");
    }

    [Test]
    public void OrgSlashNameIsFoundUnderItsCacheFolder()
    {
        var cache = _tmp["cache"];
        var snapshot = WritePythonCache(cache, "EleutherAI/gpt-neo-125m", CommitA, SingleFileCheckpoint());
        Directory.Exists(Path.Combine(cache, "models--EleutherAI--gpt-neo-125m")).Should().BeTrue();
        new ModelResolver(Options(cache, _hub.Endpoint)).Resolve("EleutherAI/gpt-neo-125m").Directory.Should().Be(snapshot);
        _hub.Requests.Should().BeEmpty();
    }

    [Test]
    public void PlainCopiedSnapshotFilesWork()
    {
        // A cache copied with `cp -rL`, or written where symlinks are unavailable; refs/main with a newline.
        var cache = _tmp["cache"];
        var snapshot = WritePythonCache(cache, "gpt2", CommitA, SingleFileCheckpoint(), symlinks: false, refText: "\n");
        var model = new ModelResolver(Options(cache, _hub.Endpoint)).Resolve("gpt2");
        model.Directory.Should().Be(snapshot);
        new FileInfo(model.WeightFiles[0]).LinkTarget.Should().BeNull();
        _hub.Requests.Should().BeEmpty();
    }

    [Test]
    public void ShardedPythonCacheIsComplete()
    {
        var cache = _tmp["cache"];
        var files = new Dictionary<string, byte[]>
        {
            ["config.json"] = Encoding.UTF8.GetBytes(Config),
            ["model.safetensors.index.json"] = Encoding.UTF8.GetBytes(Index("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors")),
            ["model-00001-of-00002.safetensors"] = Bytes(16, 1),
            ["model-00002-of-00002.safetensors"] = Bytes(16, 2),
        };
        var snapshot = WritePythonCache(cache, "gpt2-xl", CommitA, files);
        new ModelResolver(Options(cache, _hub.Endpoint)).Resolve("gpt2-xl").WeightFiles.Should().Equal(
            Path.Combine(snapshot, "model-00001-of-00002.safetensors"), Path.Combine(snapshot, "model-00002-of-00002.safetensors"));
        _hub.Requests.Should().BeEmpty();
    }

    [Test]
    public void OfflineUsesTheCache()
    {
        var cache = _tmp["cache"];
        var snapshot = WritePythonCache(cache, "gpt2", CommitA, SingleFileCheckpoint());
        var options = Options(cache, _hub.Endpoint) with { Offline = true };
        new ModelResolver(options).Resolve("gpt2").Directory.Should().Be(snapshot);
    }

    [Test]
    public void OfflineWithoutTheModelIsOneClearLineAndNoRequest()
    {
        _hub.AddRepo("gpt2").With("config.json", Config).With("model.safetensors", Bytes(64, 1));
        var cache = _tmp["cache"];
        var options = Options(cache, _hub.Endpoint) with { Offline = true };
        ShouldFailWith(() => new ModelResolver(options).Resolve("EleutherAI/gpt-neo-125m"),
            "model 'EleutherAI/gpt-neo-125m' is not in the HuggingFace cache", Path.GetFullPath(cache), "HF_HUB_OFFLINE");
        _hub.Requests.Should().BeEmpty();
    }

    [Test]
    public void DanglingSymlinkCountsAsMissing()
    {
        // The blob was deleted (a cleaned-up cache): the snapshot link dangles, so the model is not cached.
        var cache = _tmp["cache"];
        var snapshot = WritePythonCache(cache, "gpt2", CommitA, SingleFileCheckpoint());
        File.Delete(new FileInfo(Path.Combine(snapshot, "model.safetensors")).ResolveLinkTarget(true)!.FullName);
        var options = Options(cache, _hub.Endpoint) with { Offline = true };
        ShouldFailWith(() => new ModelResolver(options).Resolve("gpt2"), "model 'gpt2' is not in the HuggingFace cache");
    }

    [Test]
    public void PartialPythonCacheIsCompletedFromTheHub()
    {
        // Python fetched only config.json (AutoConfig.from_pretrained): the weights are downloaded next
        // to it, into the same snapshot, and config.json is not fetched again.
        var repo = _hub.AddRepo("gpt2").With("config.json", Config).With("model.safetensors", Bytes(4096, 3));
        var cache = _tmp["cache"];
        WritePythonCache(cache, "gpt2", repo.Commit, new Dictionary<string, byte[]> { ["config.json"] = repo.Files["config.json"] });

        var model = new ModelResolver(Options(cache, _hub.Endpoint)).Resolve("gpt2");
        model.Source.Should().Be(ModelSource.HubDownload);
        model.Directory.Should().Be(Path.Combine(cache, "models--gpt2", "snapshots", repo.Commit));
        File.ReadAllBytes(model.WeightFiles[0]).Should().Equal(repo.Files["model.safetensors"]);
        _hub.RequestsTo("config.json").Should().ContainSingle().Which.Method.Should().Be("HEAD");
    }
}
