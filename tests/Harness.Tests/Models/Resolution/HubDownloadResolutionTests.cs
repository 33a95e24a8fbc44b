using Harness.Models;
using static Harness.Tests.Models.Resolution.Fixtures;

namespace Harness.Tests.Models.Resolution;

/// Hub ids downloaded into an empty cache from a fake hub on a loopback port.
public class HubDownloadResolutionTests
{
    private const string RepoId = "tiny-org/tiny-gpt2";
    private TempFolder _tmp = null!;
    private FakeHub _hub = null!;
    private StringWriter _progress = null!;

    [SetUp]
    public void SetUp()
    {
        _tmp = new TempFolder();
        _hub = new FakeHub();
        _progress = new StringWriter();
    }

    [TearDown]
    public void TearDown()
    {
        TestContext.Out.Write(_progress.ToString());
        _hub.Dispose();
        _tmp.Dispose();
        _progress.Dispose();
    }

    private string Cache => _tmp["cache"];
    private string RepoFolder => Path.Combine(Cache, "models--tiny-org--tiny-gpt2");
    private ResolverOptions Options() => Fixtures.Options(Cache, _hub.Endpoint, progress: _progress);

    private FakeRepo SingleFileRepo(int weightBytes = 3_000_000) =>
        _hub.AddRepo(RepoId).With("config.json", Config).With("model.safetensors", Bytes(weightBytes, 7));

    private static List<string> FilesUnder(string dir) =>
        Directory.Exists(dir) ? Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories).Where(p => !Directory.Exists(p)).ToList() : [];

    [Test]
    public void DownloadIntoEmptyCacheMakesTheHuggingFaceLayout()
    {
        var repo = SingleFileRepo();
        var model = new ModelResolver(Options()).Resolve(RepoId);

        var snapshot = Path.Combine(RepoFolder, "snapshots", repo.Commit);
        model.Source.Should().Be(ModelSource.HubDownload);
        model.Name.Should().Be(RepoId);
        model.Directory.Should().Be(snapshot);
        model.Commit.Should().Be(repo.Commit);
        model.WeightFiles.Should().Equal(Path.Combine(snapshot, "model.safetensors"));

        // refs/main holds the bare commit hash, as Python writes it.
        File.ReadAllText(Path.Combine(RepoFolder, "refs", "main")).Should().Be(repo.Commit);
        // Snapshot entries are relative symlinks into blobs/, named by git sha1 (config) and sha256 (LFS).
        var configSha1 = FakeRepo.GitSha1(repo.Files["config.json"]);
        var weightsSha256 = FakeRepo.Sha256(repo.Files["model.safetensors"]);
        new FileInfo(Path.Combine(snapshot, "config.json")).LinkTarget.Should().Be("../../blobs/" + configSha1);
        new FileInfo(Path.Combine(snapshot, "model.safetensors")).LinkTarget.Should().Be("../../blobs/" + weightsSha256);
        File.ReadAllBytes(Path.Combine(RepoFolder, "blobs", configSha1)).Should().Equal(repo.Files["config.json"]);
        File.ReadAllBytes(Path.Combine(RepoFolder, "blobs", weightsSha256)).Should().Equal(repo.Files["model.safetensors"]);
        File.ReadAllBytes(model.WeightFiles[0]).Should().Equal(repo.Files["model.safetensors"]);
        FilesUnder(RepoFolder).Select(Path.GetFileName).Should().BeEquivalentTo(
            [configSha1, weightsSha256, "config.json", "model.safetensors", "main"], "nothing else, no .incomplete left over");

        // Plain progress lines: file name, MB done / total, MB/s.
        _progress.ToString().Should().MatchRegex(@"tiny-org/tiny-gpt2/model\.safetensors: [0-9.]+ / 3\.0 MB, [0-9.]+ MB/s");
        _progress.ToString().Should().Contain("tiny-org/tiny-gpt2/model.safetensors: 3.0 MB done in");
    }

    [Test]
    public void A_revision_is_asked_for_and_found_again_in_the_cache()
    {
        var repo = SingleFileRepo(4096);
        var options = Options() with { Revision = repo.Commit };
        var model = new ModelResolver(options).Resolve(RepoId);
        model.Commit.Should().Be(repo.Commit);
        _hub.Requests.First().Path.Should().Be($"/{RepoId}/resolve/{repo.Commit}/config.json");
        var requests = _hub.Requests.Count;
        new ModelResolver(options).Resolve(RepoId).Source.Should().Be(ModelSource.HubCache);
        _hub.Requests.Count.Should().Be(requests, "the revision's ref is in the cache");
    }

    [Test]
    public void An_unknown_revision_fails_in_one_line_naming_it()
    {
        SingleFileRepo(4096);
        ShouldFailWith(() => new ModelResolver(Options() with { Revision = "v9-missing" }).Resolve(RepoId), RepoId, "v9-missing");
        FilesUnder(RepoFolder).Should().BeEmpty("nothing is cached for a revision that does not exist");
    }

    [Test]
    public void SecondResolveUsesTheCacheWithoutAnyRequest()
    {
        var repo = SingleFileRepo(4096);
        var first = new ModelResolver(Options()).Resolve(RepoId);
        var requests = _hub.Requests.Count;
        requests.Should().BeGreaterThan(0);

        var second = new ModelResolver(Options()).Resolve(RepoId);
        second.Source.Should().Be(ModelSource.HubCache);
        second.Directory.Should().Be(first.Directory);
        second.Commit.Should().Be(repo.Commit);
        _hub.Requests.Count.Should().Be(requests);
    }

    [Test]
    public void OneRequestPerStepAndLaterFilesPinnedToTheCommit()
    {
        var repo = SingleFileRepo(4096);
        new ModelResolver(Options()).Resolve(RepoId);
        _hub.Requests.Select(r => $"{r.Method} {r.Path}").Should().Equal(
            $"HEAD /{RepoId}/resolve/main/config.json",
            $"GET /{RepoId}/resolve/main/config.json",
            // Asked at the commit config.json came from, so that a push meanwhile cannot mix versions.
            $"HEAD /{RepoId}/resolve/{repo.Commit}/model.safetensors",
            $"GET /cdn/model.safetensors/{FakeRepo.Sha256(repo.Files["model.safetensors"])}");
    }

    [Test]
    public void ShardedCheckpointDownloadsEveryShard()
    {
        var repo = _hub.AddRepo(RepoId)
            .With("config.json", Config)
            .With("model.safetensors.index.json", Index("model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors"))
            .With("model-00001-of-00003.safetensors", Bytes(5000, 1))
            .With("model-00002-of-00003.safetensors", Bytes(6000, 2))
            .With("model-00003-of-00003.safetensors", Bytes(7000, 3));

        var model = new ModelResolver(Options()).Resolve(RepoId);

        var snapshot = Path.Combine(RepoFolder, "snapshots", repo.Commit);
        var shards = new[] { "model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors" };
        model.WeightFiles.Should().Equal(shards.Select(s => Path.Combine(snapshot, s)));
        foreach (var shard in shards)
        {
            File.ReadAllBytes(Path.Combine(snapshot, shard)).Should().Equal(repo.Files[shard]);
            new FileInfo(Path.Combine(snapshot, shard)).LinkTarget.Should().Be("../../blobs/" + FakeRepo.Sha256(repo.Files[shard]));
            _hub.RequestsTo(shard).Where(r => r.Method == "GET").Should().ContainSingle();
        }
        new FileInfo(Path.Combine(snapshot, "model.safetensors.index.json")).LinkTarget.Should().NotBeNull();
        // model.safetensors was asked for first and the fake hub answered 404.
        _hub.RequestsTo("model.safetensors").Should().ContainSingle().Which.Method.Should().Be("HEAD");
    }

    [Test]
    public void InterruptedDownloadLeavesNoSnapshotFileAndResumesWithARangeRequest()
    {
        var repo = SingleFileRepo();
        var weights = repo.Files["model.safetensors"];
        var sha = FakeRepo.Sha256(weights);
        _hub.DropOnce("model.safetensors", 1_000_000);

        var once = Options() with { DownloadAttempts = 1 };
        ShouldFailWith(() => new ModelResolver(once).Resolve(RepoId),
            $"model '{RepoId}': download of model.safetensors was interrupted at", "of 3.0 MB", "run again to resume");

        // Nothing in snapshots/, no ref, no finished blob of the weights: only the partial file.
        FilesUnder(Path.Combine(RepoFolder, "snapshots")).Should().BeEmpty();
        File.Exists(Path.Combine(RepoFolder, "refs", "main")).Should().BeFalse();
        File.Exists(Path.Combine(RepoFolder, "blobs", sha)).Should().BeFalse();
        var partial = Path.Combine(RepoFolder, "blobs", sha + ".incomplete");
        var kept = new FileInfo(partial).Length;
        kept.Should().BeInRange(1, weights.Length - 1);
        File.ReadAllBytes(partial).Should().Equal(weights.Take((int)kept));

        var model = new ModelResolver(Options()).Resolve(RepoId);

        File.ReadAllBytes(model.WeightFiles[0]).Should().Equal(weights);
        File.Exists(partial).Should().BeFalse();
        _hub.RequestsTo("model.safetensors").Where(r => r.Method == "GET").Select(r => r.Range)
            .Should().Equal(null, $"bytes={kept}-");
        _progress.ToString().Should().Contain($"resuming at {kept / 1e6:F1} MB");
    }

    [Test]
    public void DroppedConnectionIsRetriedWithinOneResolve()
    {
        var repo = SingleFileRepo();
        _hub.DropOnce("model.safetensors", 500_000);

        var model = new ModelResolver(Options() with { DownloadAttempts = 3 }).Resolve(RepoId);

        File.ReadAllBytes(model.WeightFiles[0]).Should().Equal(repo.Files["model.safetensors"]);
        var ranges = _hub.RequestsTo("model.safetensors").Where(r => r.Method == "GET").Select(r => r.Range).ToList();
        ranges.Should().HaveCount(2);
        ranges[1].Should().MatchRegex(@"^bytes=[1-9][0-9]*-$");
        _progress.ToString().Should().Contain("interrupted at").And.Contain("resuming (attempt 2 of 3)");
    }

    [Test]
    public void ConcurrentResolvesDownloadEachFileOnce()
    {
        // Two runs (say, two test processes) resolving the same model into the same cache: the blob
        // lock lets one download while the other waits, then both use the same snapshot.
        var repo = SingleFileRepo();
        var results = Task.WhenAll(Enumerable.Range(0, 2).Select(_ =>
            Task.Run(() => new ModelResolver(Options()).ResolveAsync(RepoId)))).GetAwaiter().GetResult();

        results.Select(r => r.Directory).Distinct().Should().ContainSingle();
        File.ReadAllBytes(results[0].WeightFiles[0]).Should().Equal(repo.Files["model.safetensors"]);
        _hub.RequestsTo("model.safetensors").Where(r => r.Method == "GET").Should().ContainSingle();
        new FileInfo(results[0].WeightFiles[0]).LinkTarget.Should().NotBeNull("the loser of the race must not replace the link by a copy");
    }

    [Test]
    public void CorruptDownloadIsDeletedNotCached()
    {
        var repo = SingleFileRepo(4096);
        repo.LieAboutEtag("model.safetensors", new string('0', 64));
        ShouldFailWith(() => new ModelResolver(Options()).Resolve(RepoId),
            "model.safetensors does not match its sha256 " + new string('0', 64), "deleted");
        FilesUnder(Path.Combine(RepoFolder, "snapshots")).Should().BeEmpty();
        FilesUnder(Path.Combine(RepoFolder, "blobs")).Select(Path.GetFileName).Should().NotContain(n => n!.StartsWith("0000"));
    }

    [TestCase(404, true)]
    [TestCase(404, false)]
    public void UnknownHubIdIsOneLine(int status, bool errorCodes)
    {
        _hub.UnknownRepoStatus = status;
        _hub.SendErrorCodes = errorCodes;
        ShouldFailWith(() => new ModelResolver(Options()).Resolve("nobody/no-such-model"),
            $"model 'nobody/no-such-model' not found on {_hub.Endpoint}", "HTTP 404");
        FilesUnder(Cache).Where(f => !f.Contains(".locks")).Should().BeEmpty();
    }

    [Test]
    public void UnknownRepoAs401SuggestsAToken()
    {
        // What huggingface.co answers an anonymous client for a missing (or private) repository.
        _hub.UnknownRepoStatus = 401;
        ShouldFailWith(() => new ModelResolver(Options()).Resolve("nobody/private-model"),
            "model 'nobody/private-model' not found", "HTTP 401", "set HF_TOKEN");
    }

    [TestCase(401)]
    [TestCase(403)]
    public void ARefusalWithATokenSaysTheTokenLacksAccess(int status)
    {
        // The hub's answer for a private repository the token cannot see: the status with RepoNotFound.
        _hub.UnknownRepoStatus = status;
        ShouldFailWith(() => new ModelResolver(Options() with { Token = "hf_no_access" }).Resolve("nobody/private-model"),
            $"model 'nobody/private-model': the token in HF_TOKEN has no access to it on {_hub.Endpoint}", $"HTTP {status}");

        // A gated model the token may not read: a refusal without an error code.
        SingleFileRepo(4096);
        _hub.FailWith("config.json", status);
        var message = ShouldFailWith(() => new ModelResolver(Options() with { Token = "hf_no_access" }).Resolve(RepoId),
            $"model '{RepoId}': the token in HF_TOKEN has no access to it on {_hub.Endpoint}", $"HTTP {status}", "config.json");
        message.Should().NotContain("hf_no_access", "the token itself is never printed");

        // A token read from the login file: the refusal names that file, not HF_TOKEN.
        ShouldFailWith(() => new ModelResolver(Options() with { Token = "hf_no_access", TokenSource = "/h/.cache/huggingface/token" }).Resolve(RepoId),
            $"model '{RepoId}': the token in /h/.cache/huggingface/token has no access to it");
    }

    [Test]
    public void UnknownNameWithoutSlashAlsoListsOrganisms()
    {
        var organisms = _tmp["organisms"];
        WriteCheckpoint(Path.Combine(organisms, "gpt2-dropout"));
        ShouldFailWith(() => new ModelResolver(Options() with { OrganismsDir = organisms }).Resolve("gpt2-dropot"),
            "model 'gpt2-dropot' not found", "HTTP 404", "nor is it an organism (available organisms: gpt2-dropout)");
    }

    [Test]
    public void RepositoryWithoutSafetensorsIsOneLine()
    {
        _hub.AddRepo(RepoId).With("config.json", Config).With("pytorch_model.bin", Bytes(16, 1));
        ShouldFailWith(() => new ModelResolver(Options()).Resolve(RepoId),
            $"model '{RepoId}' on {_hub.Endpoint} has no model.safetensors or model.safetensors.index.json");
        FilesUnder(Path.Combine(RepoFolder, "snapshots")).Should().BeEmpty();
    }

    [Test]
    public void ServerErrorIsOneLineNamingTheFile()
    {
        SingleFileRepo(4096);
        _hub.FailWith("model.safetensors", 503);
        ShouldFailWith(() => new ModelResolver(Options()).Resolve(RepoId),
            $"model '{RepoId}'", "/model.safetensors answered HTTP 503 Service Unavailable");
        FilesUnder(Path.Combine(RepoFolder, "snapshots")).Should().BeEmpty();
    }

    [Test]
    public void UnreachableHubIsOneLine()
    {
        // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
        var options = Fixtures.Options(Cache, "http://127.0.0.1:9");
        ShouldFailWith(() => new ModelResolver(options).Resolve("gpt2"), "model 'gpt2': cannot reach http://127.0.0.1:9 to look up config.json");
    }

    [Test]
    public void TokenIsSentToTheHub()
    {
        SingleFileRepo(4096);
        new ModelResolver(Options() with { Token = "hf_test_token" }).Resolve(RepoId);
        _hub.Requests.Where(r => r.Path.Contains("/resolve/")).Should().OnlyContain(r => r.Authorization == "Bearer hf_test_token");
    }

    [Test]
    public void NoTokenMeansNoAuthorizationHeader()
    {
        SingleFileRepo(4096);
        new ModelResolver(Options()).Resolve(RepoId);
        _hub.Requests.Should().OnlyContain(r => r.Authorization == null);
    }
}
