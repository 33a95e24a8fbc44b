using Harness.Models;
using static Harness.Tests.Models.Resolution.Fixtures;

namespace Harness.Tests.Models.Resolution;

/// `--model` naming a local directory or an embedded organism, and the bad input around them.
public class LocalResolutionTests
{
    private TempFolder _tmp = null!;

    [SetUp] public void SetUp() => _tmp = new TempFolder();
    [TearDown] public void TearDown() => _tmp.Dispose();

    private ModelResolver Resolver(string? organisms = null) => new(Options(_tmp["cache"], organisms: organisms));

    [Test]
    public void DirectoryWithConfigAndWeightsResolvesToItself()
    {
        var dir = WriteCheckpoint(_tmp["ckpt"]);
        var model = Resolver().Resolve(dir);
        model.Source.Should().Be(ModelSource.Directory);
        model.Directory.Should().Be(dir);
        model.ConfigPath.Should().Be(Path.Combine(dir, "config.json"));
        model.WeightFiles.Should().Equal(Path.Combine(dir, "model.safetensors"));
        model.Commit.Should().BeNull();
    }

    [Test]
    public void ShardedDirectoryListsItsShardsInOrder()
    {
        var dir = _tmp["sharded"];
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "config.json"), Config);
        File.WriteAllText(Path.Combine(dir, "model.safetensors.index.json"),
            Index("model-00002-of-00002.safetensors", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"));
        File.WriteAllBytes(Path.Combine(dir, "model-00001-of-00002.safetensors"), Bytes(8, 1));
        File.WriteAllBytes(Path.Combine(dir, "model-00002-of-00002.safetensors"), Bytes(8, 2));

        Resolver().Resolve(dir).WeightFiles.Should().Equal(
            Path.Combine(dir, "model-00001-of-00002.safetensors"),
            Path.Combine(dir, "model-00002-of-00002.safetensors"));
    }

    [Test]
    public void MissingDirectoryIsNamed()
    {
        ShouldFailWith(() => Resolver().Resolve(_tmp["nope/model"]), $"model directory '{_tmp["nope/model"]}' does not exist");
        // A relative path is reported as the absolute path it was taken for.
        ShouldFailWith(() => Resolver().Resolve("./no-such-checkpoint"),
            $"model directory '{Path.GetFullPath("no-such-checkpoint")}' does not exist");
    }

    [Test]
    public void DirectoryWithoutConfigIsNamed()
    {
        var dir = _tmp["noconfig"];
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, "model.safetensors"), Bytes(8, 1));
        ShouldFailWith(() => Resolver().Resolve(dir), $"model directory '{dir}' has no config.json");
    }

    [Test]
    public void DirectoryWithoutWeightsIsNamed()
    {
        var dir = _tmp["noweights"];
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "config.json"), Config);
        ShouldFailWith(() => Resolver().Resolve(dir),
            $"model directory '{dir}' has no model.safetensors or model.safetensors.index.json");

        // A PyTorch-only checkpoint gets told why its weights do not count.
        File.WriteAllBytes(Path.Combine(dir, "pytorch_model.bin"), Bytes(8, 1));
        ShouldFailWith(() => Resolver().Resolve(dir), "pytorch_model.bin", "not supported");
    }

    [Test]
    public void MissingShardIsNamed()
    {
        var dir = _tmp["halfsharded"];
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "config.json"), Config);
        File.WriteAllText(Path.Combine(dir, "model.safetensors.index.json"), Index("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"));
        File.WriteAllBytes(Path.Combine(dir, "model-00001-of-00002.safetensors"), Bytes(8, 1));
        ShouldFailWith(() => Resolver().Resolve(dir), "shard model-00002-of-00002.safetensors", "model.safetensors.index.json", "is missing");
    }

    [Test]
    public void IndexThatClimbsOutOfTheFolderIsRejected()
    {
        var dir = _tmp["evil"];
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "config.json"), Config);
        File.WriteAllText(Path.Combine(dir, "model.safetensors.index.json"), Index("../../secret.safetensors"));
        ShouldFailWith(() => Resolver().Resolve(dir), "model.safetensors.index.json", "'../../secret.safetensors' is not a plain file name");
    }

    [Test]
    public void BrokenIndexIsNamed()
    {
        var dir = _tmp["badindex"];
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "config.json"), Config);
        File.WriteAllText(Path.Combine(dir, "model.safetensors.index.json"), "{\"metadata\": {}}");
        ShouldFailWith(() => Resolver().Resolve(dir), "model.safetensors.index.json", "weight_map");
    }

    [Test]
    public void AFileIsNotAModel()
    {
        var dir = WriteCheckpoint(_tmp["ckpt"]);
        var weights = Path.Combine(dir, "model.safetensors");
        ShouldFailWith(() => Resolver().Resolve(weights), $"model '{weights}' is a file", "give the directory");
    }

    [TestCase("")]
    [TestCase("  ")]
    public void EmptyNameIsRejected(string model) =>
        ShouldFailWith(() => Resolver().Resolve(model), "model: the name is empty");

    [Test]
    public void NameThatIsNothingIsRejectedWithTheChoices()
    {
        var organisms = _tmp["repo/experiments/organisms"];
        WriteCheckpoint(Path.Combine(organisms, "gpt2-dropout"));
        ShouldFailWith(() => Resolver(organisms).Resolve("my model"),
            "model 'my model' is not a directory, an organism or a hub id", "available organisms: gpt2-dropout");
    }

    [Test]
    public void A_revision_of_a_local_folder_or_organism_is_refused_rather_than_ignored()
    {
        var organisms = _tmp["repo/experiments/organisms"];
        WriteCheckpoint(Path.Combine(organisms, "gpt2-dropout"));
        var dir = WriteCheckpoint(_tmp["ckpt"]);
        var resolver = new ModelResolver(Options(_tmp["cache"], organisms: organisms) with { Revision = "v2" });
        FluentActions.Invoking(() => resolver.Resolve(dir)).Should().Throw<UsageException>()
            .WithMessage($"model '{dir}' is a directory: a revision ('v2') applies to hub ids only");
        FluentActions.Invoking(() => resolver.Resolve("gpt2-dropout")).Should().Throw<UsageException>()
            .WithMessage("model 'gpt2-dropout' is an organism: a revision ('v2') applies to hub ids only");
        FluentActions.Invoking(() => resolver.Resolve(null)).Should().Throw<UsageException>();
    }

    [Test]
    public void NoModelMeansTheDefaultOrganism()
    {
        var organisms = _tmp["repo/experiments/organisms"];
        var folder = WriteCheckpoint(Path.Combine(organisms, "gpt2-dropout"));
        WriteCheckpoint(Path.Combine(organisms, "neo-small"));

        var model = Resolver(organisms).Resolve(null);
        model.Name.Should().Be(ModelResolver.DefaultOrganism).And.Be("gpt2-dropout");
        model.Source.Should().Be(ModelSource.Organism);
        model.Directory.Should().Be(folder);
        model.WeightFiles.Should().Equal(Path.Combine(folder, "model.safetensors"));

        Resolver(organisms).Resolve("neo-small").Directory.Should().Be(Path.Combine(organisms, "neo-small"));
    }

    [Test]
    public void MissingDefaultOrganismListsTheAvailableOnes()
    {
        var organisms = _tmp["repo/experiments/organisms"];
        WriteCheckpoint(Path.Combine(organisms, "neo-small"));
        WriteCheckpoint(Path.Combine(organisms, "attn-only"));
        ShouldFailWith(() => Resolver(organisms).Resolve(null),
            "default organism 'gpt2-dropout' is missing", "available organisms: attn-only, neo-small");
    }

    [Test]
    public void MissingOrganismsFolderIsExplained()
    {
        var missing = _tmp["nowhere"];
        ShouldFailWith(() => Resolver(missing).Resolve(null),
            "default organism 'gpt2-dropout' is missing", $"the organisms folder {missing} (HARNESS_ORGANISMS_DIR) does not exist");
    }

    [Test]
    public void OrganismWithoutWeightsIsNamed()
    {
        var organisms = _tmp["repo/experiments/organisms"];
        var folder = Path.Combine(organisms, "gpt2-dropout");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), Config);
        ShouldFailWith(() => Resolver(organisms).Resolve(null), $"organism 'gpt2-dropout' ({folder}) has no model.safetensors");
    }

    [Test]
    public void UnknownOrganismOfflineListsTheAvailableOnes()
    {
        // A misspelt organism is also a valid hub id; offline, the message must still say what exists.
        var organisms = _tmp["repo/experiments/organisms"];
        WriteCheckpoint(Path.Combine(organisms, "gpt2-dropout"));
        var resolver = new ModelResolver(Options(_tmp["cache"], organisms: organisms) with { Offline = true });
        ShouldFailWith(() => resolver.Resolve("gpt2-dropot"),
            "model 'gpt2-dropot' is not in the HuggingFace cache", "nor is it an organism (available organisms: gpt2-dropout)");
    }

    [Test]
    public void OrganismsFolderIsFoundByWalkingUp()
    {
        var organisms = _tmp["checkout/experiments/organisms"];
        WriteCheckpoint(Path.Combine(organisms, "gpt2-dropout"));
        var deep = _tmp["checkout/src/Harness/bin/Debug"];
        Directory.CreateDirectory(deep);
        var elsewhere = _tmp["elsewhere"];
        Directory.CreateDirectory(elsewhere);

        // The first start (the current directory) finds nothing; the second (the program's folder) does.
        OrganismCatalog.FindUpwards([elsewhere, deep]).Should().Be(organisms);
        var options = Options(_tmp["cache"]) with { OrganismsDir = null, OrganismSearchStarts = [elsewhere, deep] };
        new ModelResolver(options).Resolve(null).Directory.Should().Be(Path.Combine(organisms, "gpt2-dropout"));
    }

    [Test]
    public void OrganismsDirComesFromTheEnvironment()
    {
        var env = new Dictionary<string, string> { ["HARNESS_ORGANISMS_DIR"] = _tmp["orgs"], ["HOME"] = _tmp["home"] };
        ResolverOptions.FromEnvironment(env.GetValueOrDefault, TextWriter.Null).OrganismsDir.Should().Be(_tmp["orgs"]);
        ResolverOptions.FromEnvironment(new Dictionary<string, string>().GetValueOrDefault, TextWriter.Null).OrganismsDir.Should().BeNull();
    }

    [TestCase("gpt2", true)]
    [TestCase("gpt2-medium", true)]
    [TestCase("EleutherAI/gpt-neo-125m", true)]
    [TestCase("openai-community/gpt2", true)]
    [TestCase("a/b/c", false)]
    [TestCase("-gpt2", false)]
    [TestCase("gpt2.", false)]
    [TestCase("org--x/name", false)]
    [TestCase("a..b", false)]
    [TestCase("repo.git", false)]
    [TestCase("my model", false)]
    public void HubIdsFollowHuggingFaceRules(string id, bool valid) => HubRepoId.IsValid(id).Should().Be(valid);
}
