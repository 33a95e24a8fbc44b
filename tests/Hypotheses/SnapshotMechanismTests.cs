using Hypotheses.Snapshots;
using Newtonsoft.Json.Linq;

namespace Hypotheses;

/// Tests of the snapshot mechanism itself (not hypotheses: no [Property("Hypothesis")], so
/// `--filter Hypothesis=...` never selects them). Each test points the mechanism at its own
/// temporary root and passes CI / update mode through SnapshotSettings: nothing here reads or
/// writes the real snapshots/ folder, and no process environment variable is changed.
public class SnapshotMechanismTests
{
    private string _root = "";

    [SetUp]
    public void CreateRoot() => _root = Directory.CreateTempSubdirectory("hypotheses-snapshots-").FullName;

    [TearDown]
    public void DeleteRoot()
    {
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { }
    }

    private SnapshotSettings Settings(bool ci = false, bool update = false, string? model = "gpt2") =>
        new() { Root = _root, Model = HypothesisModel.FromName(model), Ci = ci, Update = update };

    private string SnapshotFile(string hypothesis = "Demo", string model = "gpt2") =>
        Path.Combine(_root, "snapshots", model, hypothesis + ".json");

    private string MismatchFile(string hypothesis = "Demo", string model = "gpt2") =>
        Path.Combine(_root, "snapshots", model, "__mismatch__", hypothesis + ".json");

    private sealed record DemoResult(string Verdict, double Bias, IReadOnlyDictionary<string, double> Metrics);

    private static DemoResult Result(double bias = 0.8734, string verdict = "supported") =>
        new(verdict, bias, new Dictionary<string, double> { ["kl"] = 0.012345, ["accuracy"] = 0.98761 });

    // ---- rounding ----

    [TestCase(0.873412, 0.8734)]
    [TestCase(-0.873412, -0.8734)]
    [TestCase(35.2134, 35.21)]
    [TestCase(1234.5, 1235.0)]
    [TestCase(987654.0, 987700.0)]
    [TestCase(0.012345, 0.01235)]
    [TestCase(0.00123456, 0.001235)]
    [TestCase(0.00004, 0.00004)]
    [TestCase(0.0000004, 0.0)]
    [TestCase(0.99996, 1.0)]
    [TestCase(0.0125, 0.0125)]
    [TestCase(2.0, 2.0)]
    [TestCase(0.0, 0.0)]
    public void Rounding_keeps_four_significant_digits_and_at_most_six_decimals(double value, double expected)
    {
        SnapshotRounding.Default.Round(value).Should().Be(expected);
    }

    [Test]
    public void Rounding_never_writes_negative_zero_and_keeps_non_finite_values()
    {
        var rounded = SnapshotRounding.Default.Round(-0.0000001);
        rounded.Should().Be(0.0);
        double.IsNegative(rounded).Should().BeFalse("-0.0 would show up as a diff against 0.0");
        double.IsNaN(SnapshotRounding.Default.Round(double.NaN)).Should().BeTrue();
        SnapshotRounding.Default.Round(double.NegativeInfinity).Should().Be(double.NegativeInfinity);
    }

    [Test]
    public void Rounding_is_configurable_and_checks_its_bounds()
    {
        new SnapshotRounding { SignificantDigits = 5, MaxDecimals = 6 }.Round(0.000123456).Should().Be(0.000123);
        new SnapshotRounding { SignificantDigits = 5, MaxDecimals = 6 }.Round(35.21346).Should().Be(35.213);
        ((Action)(() => _ = new SnapshotRounding { SignificantDigits = 0 })).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => _ = new SnapshotRounding { MaxDecimals = 16 })).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Test]
    public void Float_noise_below_the_rounding_does_not_change_the_snapshot_text()
    {
        var a = MetricSnapshot.Render("Demo", Result(bias: 0.87341), Settings());
        var b = MetricSnapshot.Render("Demo", Result(bias: 0.87339), Settings());
        a.Should().Be(b);
    }

    [Test]
    public void Every_double_in_a_nested_result_is_rounded()
    {
        var result = new
        {
            Verdict = Outcome.Refuted,
            Count = 12,
            Single = 0.1f,
            Amount = 1.23456m,
            Series = new[] { 0.11111, 0.22222 },
            Nested = new List<object> { new { Deep = new Dictionary<string, double[]> { ["x"] = [3.14159] } } },
            Missing = double.NaN,
            Raw = JObject.Parse("""{"p": 0.987654, "n": 3}"""),
        };
        var json = JObject.Parse(MetricSnapshot.Render("Demo", result, Settings()));
        var r = json["result"]!;
        r["Verdict"]!.Value<string>().Should().Be("Refuted", "verdicts and other enums are written as words");
        r["Count"]!.Type.Should().Be(JTokenType.Integer);
        r["Count"]!.Value<long>().Should().Be(12);
        r["Single"]!.Value<double>().Should().Be(0.1);
        r["Amount"]!.Value<double>().Should().Be(1.235);
        r["Series"]!.Values<double>().Should().Equal(0.1111, 0.2222);
        r["Nested"]![0]!["Deep"]!["x"]![0]!.Value<double>().Should().Be(3.142);
        r["Missing"]!.Value<string>().Should().Be("NaN");
        r["Raw"]!["p"]!.Value<double>().Should().Be(0.9877);
        r["Raw"]!["n"]!.Value<long>().Should().Be(3);
    }

    private enum Outcome { Supported, Refuted }

    [Test]
    public void Snapshot_text_is_stable_indented_json_with_one_number_per_line()
    {
        var metrics = new Dictionary<string, double> { ["zeta"] = 1, ["alpha"] = 2, ["mid"] = 3 };
        var text = MetricSnapshot.Render("Demo", new { Verdict = "supported", Metrics = metrics, Curve = new[] { 0.5, 0.25 } }, Settings());

        text.Should().Be("""
            {
              "hypothesis": "Demo",
              "model": "gpt2",
              "result": {
                "Verdict": "supported",
                "Metrics": {
                  "alpha": 2.0,
                  "mid": 3.0,
                  "zeta": 1.0
                },
                "Curve": [
                  0.5,
                  0.25
                ]
              }
            }

            """.ReplaceLineEndings("\n"), "properties keep their declared order, dictionary keys are sorted, each number has its line");
    }

    [Test]
    public void Values_that_do_not_belong_in_a_snapshot_are_refused_with_the_path()
    {
        ((Action)(() => MetricSnapshot.Render("Demo", new { Took = TimeSpan.FromSeconds(1) }, Settings())))
            .Should().Throw<ArgumentException>().WithMessage("*result.Took*TimeSpan*");
        ((Action)(() => MetricSnapshot.Render("../Demo", new { A = 1 }, Settings())))
            .Should().Throw<ArgumentException>().WithMessage("*hypothesis name*");
    }

    // ---- model folders ----

    [TestCase(null, "organisms")]
    [TestCase("", "organisms")]
    [TestCase("organisms", "organisms")]
    [TestCase("gpt2", "gpt2")]
    [TestCase("gpt2-medium", "gpt2-medium")]
    [TestCase("EleutherAI/gpt-neo-125m", "EleutherAI--gpt-neo-125m")]
    [TestCase("gpt2-dropout", "gpt2-dropout")]
    [TestCase("/data/models/my-gpt2", "my-gpt2")]
    [TestCase("/data/models/my-gpt2/", "my-gpt2")]
    [TestCase("./checkpoints/tiny", "tiny")]
    [TestCase("~/models/gpt2-small", "gpt2-small")]
    [TestCase(@"C:\models\neo", "neo")]
    [TestCase("/models/my model+v2", "my_model_v2")]
    [TestCase("./.hidden", "_hidden")]
    public void Model_names_map_to_one_safe_folder(string? model, string folder)
    {
        HypothesisModel.FolderName(model).Should().Be(folder);
        HypothesisModel.FromName(model).SnapshotFolder.Should().Be(folder);
    }

    [Test]
    public void The_default_model_is_the_organisms_and_has_no_model_argument()
    {
        var model = HypothesisModel.FromName(null);
        model.IsOrganisms.Should().BeTrue();
        model.Argument.Should().BeNull();
        model.Name.Should().Be("organisms");
        HypothesisModel.FromName("EleutherAI/gpt-neo-125m").Argument.Should().Be("EleutherAI/gpt-neo-125m");
    }

    // ---- settings from the environment (through lookups, not the process environment) ----

    [Test]
    public void Settings_read_the_model_from_the_run_parameter_then_the_environment()
    {
        File.WriteAllText(Path.Combine(_root, "ConceptErasure.sln"), "");
        var nested = Directory.CreateDirectory(Path.Combine(_root, "tests", "Hypotheses", "bin")).FullName;
        Func<string, string?> env = new Dictionary<string, string?>
        {
            ["HARNESS_MODEL"] = "gpt2", ["CI"] = "true", ["SNAPSHOT_UPDATE"] = "1",
        }.GetValueOrDefault;

        var fromEnv = SnapshotSettings.FromEnvironment(env, _ => null, [nested]);
        fromEnv.Root.Should().Be(_root);
        fromEnv.Model.SnapshotFolder.Should().Be("gpt2");
        fromEnv.Ci.Should().BeTrue();
        fromEnv.Update.Should().BeTrue();

        var fromParameter = SnapshotSettings.FromEnvironment(env,
            name => name == "HARNESS_MODEL" ? "EleutherAI/gpt-neo-125m" : null, [nested]);
        fromParameter.Model.SnapshotFolder.Should().Be("EleutherAI--gpt-neo-125m");

        var plain = SnapshotSettings.FromEnvironment(_ => null, _ => null, [nested]);
        plain.Model.IsOrganisms.Should().BeTrue();
        plain.Ci.Should().BeFalse();
        plain.Update.Should().BeFalse();
    }

    [TestCase("true", true)]
    [TestCase("TRUE", true)]
    [TestCase("1", true)]
    [TestCase("yes", true)]
    [TestCase("false", false)]
    [TestCase("0", false)]
    [TestCase("", false)]
    [TestCase(null, false)]
    public void Flags_are_true_only_for_true_words(string? value, bool expected)
    {
        SnapshotSettings.IsTrue(value).Should().Be(expected);
    }

    [Test]
    public void The_real_root_is_the_folder_of_ConceptErasure_sln()
    {
        var root = SnapshotSettings.FindRoot([AppContext.BaseDirectory]);
        File.Exists(Path.Combine(root, "ConceptErasure.sln")).Should().BeTrue();
        _root.Should().NotStartWith(root, "the mechanism tests must write outside the repository");
    }

    // ---- the check ----

    [Test]
    public void A_missing_snapshot_is_created_locally_and_then_matches()
    {
        var created = MetricSnapshot.Check("Demo", Result(), Settings());
        created.Status.Should().Be(SnapshotStatus.Created);
        created.Passed.Should().BeTrue();
        created.SnapshotPath.Should().Be(SnapshotFile());
        File.ReadAllText(SnapshotFile()).Should().Be(MetricSnapshot.Render("Demo", Result(), Settings()));

        MetricSnapshot.Check("Demo", Result(), Settings()).Status.Should().Be(SnapshotStatus.Matched);
        Directory.Exists(Path.GetDirectoryName(MismatchFile())).Should().BeFalse();
    }

    [Test]
    public void A_missing_snapshot_under_CI_fails_and_creates_no_snapshot()
    {
        var outcome = MetricSnapshot.Check("Demo", Result(), Settings(ci: true));

        outcome.Status.Should().Be(SnapshotStatus.MissingInCi);
        outcome.Passed.Should().BeFalse();
        File.Exists(SnapshotFile()).Should().BeFalse();
        var realModelFolder = Path.Combine(SnapshotSettings.FindRoot([AppContext.BaseDirectory]), "snapshots", "gpt2");
        File.Exists(Path.Combine(realModelFolder, "Demo.json")).Should().BeFalse();
        File.Exists(Path.Combine(realModelFolder, "__mismatch__", "Demo.json")).Should().BeFalse();
        outcome.Message.Should().Contain("snapshots/gpt2/Demo.json").And.Contain("CI");
        // The values of the run are kept beside it for review (and for CI's artifact upload).
        outcome.MismatchPath.Should().Be(MismatchFile());
        File.ReadAllText(MismatchFile()).Should().Be(MetricSnapshot.Render("Demo", Result(), Settings()));
    }

    [Test]
    public void An_identical_result_passes_and_leaves_the_files_untouched()
    {
        MetricSnapshot.Check("Demo", Result(), Settings());
        var before = File.GetLastWriteTimeUtc(SnapshotFile());
        var text = File.ReadAllText(SnapshotFile());

        var outcome = MetricSnapshot.Check("Demo", Result(bias: 0.87342), Settings(ci: true));

        outcome.Status.Should().Be(SnapshotStatus.Matched);
        File.ReadAllText(SnapshotFile()).Should().Be(text);
        File.GetLastWriteTimeUtc(SnapshotFile()).Should().Be(before);
        Directory.Exists(Path.GetDirectoryName(MismatchFile())).Should().BeFalse();
    }

    [Test]
    public void A_mismatch_fails_names_the_changed_values_and_leaves_the_new_snapshot_for_review()
    {
        MetricSnapshot.Check("Demo", Result(), Settings());
        var original = File.ReadAllText(SnapshotFile());

        var outcome = MetricSnapshot.Check("Demo", Result(bias: -0.41, verdict: "refuted"), Settings(ci: true));

        outcome.Status.Should().Be(SnapshotStatus.Mismatched);
        outcome.Passed.Should().BeFalse();
        outcome.Message.Should().Contain("result.Bias: 0.8734 -> -0.41")
            .And.Contain("result.Verdict: \"supported\" -> \"refuted\"")
            .And.NotContain("result.Metrics", "unchanged values are not listed")
            .And.Contain("snapshots/gpt2/__mismatch__/Demo.json")
            .And.Contain("SNAPSHOT_UPDATE=1 HARNESS_MODEL=gpt2 dotnet test --filter Hypothesis=Demo");
        File.ReadAllText(SnapshotFile()).Should().Be(original, "a mismatch never overwrites the snapshot");
        File.ReadAllText(MismatchFile()).Should().Be(MetricSnapshot.Render("Demo", Result(bias: -0.41, verdict: "refuted"), Settings()));
    }

    [Test]
    public void The_accept_command_quotes_a_model_path_for_the_shell()
    {
        var settings = Settings(model: "/models/my model");
        MetricSnapshot.Check("Demo", Result(), settings);

        MetricSnapshot.Check("Demo", Result(bias: 0.1), settings).Message
            .Should().Contain("SNAPSHOT_UPDATE=1 HARNESS_MODEL='/models/my model' dotnet test --filter Hypothesis=Demo")
            .And.Contain("snapshots/my_model/Demo.json");
    }

    [Test]
    public void A_fixed_mismatch_removes_its_stale_review_file_but_not_another_hypothesis_s()
    {
        MetricSnapshot.Check("Demo", Result(), Settings());
        MetricSnapshot.Check("Other", Result(), Settings());
        MetricSnapshot.Check("Demo", Result(bias: 0.1), Settings()).Status.Should().Be(SnapshotStatus.Mismatched);
        MetricSnapshot.Check("Other", Result(bias: 0.1), Settings()).Status.Should().Be(SnapshotStatus.Mismatched);

        MetricSnapshot.Check("Demo", Result(), Settings()).Status.Should().Be(SnapshotStatus.Matched);
        File.Exists(MismatchFile("Demo")).Should().BeFalse();
        File.Exists(MismatchFile("Other")).Should().BeTrue();

        MetricSnapshot.Check("Other", Result(), Settings()).Status.Should().Be(SnapshotStatus.Matched);
        Directory.Exists(Path.GetDirectoryName(MismatchFile())).Should().BeFalse("an empty __mismatch__ folder is removed");
    }

    [Test]
    public void SNAPSHOT_UPDATE_accepts_new_values_and_creates_missing_ones()
    {
        MetricSnapshot.Check("Demo", Result(), Settings());
        MetricSnapshot.Check("Demo", Result(bias: 0.5), Settings()).Status.Should().Be(SnapshotStatus.Mismatched);

        var updated = MetricSnapshot.Check("Demo", Result(bias: 0.5), Settings(update: true));
        updated.Status.Should().Be(SnapshotStatus.Updated);
        updated.Passed.Should().BeTrue();
        JObject.Parse(File.ReadAllText(SnapshotFile()))["result"]!["Bias"]!.Value<double>().Should().Be(0.5);
        Directory.Exists(Path.GetDirectoryName(MismatchFile())).Should().BeFalse("accepting clears the review file");

        MetricSnapshot.Check("Demo", Result(bias: 0.5), Settings(update: true)).Status.Should().Be(SnapshotStatus.Matched);
        MetricSnapshot.Check("New", Result(), Settings(update: true)).Status.Should().Be(SnapshotStatus.Created);
        File.Exists(SnapshotFile("New")).Should().BeTrue();
    }

    [Test]
    public void SNAPSHOT_UPDATE_is_ignored_under_CI()
    {
        MetricSnapshot.Check("Demo", Result(), Settings());
        var original = File.ReadAllText(SnapshotFile());

        var outcome = MetricSnapshot.Check("Demo", Result(bias: 0.5), Settings(ci: true, update: true));

        outcome.Status.Should().Be(SnapshotStatus.Mismatched);
        outcome.Message.Should().Contain("SNAPSHOT_UPDATE is ignored when CI is set");
        File.ReadAllText(SnapshotFile()).Should().Be(original);
        MetricSnapshot.Check("Missing", Result(), Settings(ci: true, update: true)).Status.Should().Be(SnapshotStatus.MissingInCi);
        File.Exists(SnapshotFile("Missing")).Should().BeFalse();
    }

    [Test]
    public void Each_model_has_its_own_snapshot()
    {
        MetricSnapshot.Check("Demo", Result(), Settings(model: null)).Status.Should().Be(SnapshotStatus.Created);
        MetricSnapshot.Check("Demo", Result(bias: 0.2), Settings(model: "EleutherAI/gpt-neo-125m")).Status.Should().Be(SnapshotStatus.Created);

        File.Exists(SnapshotFile(model: "organisms")).Should().BeTrue();
        File.Exists(SnapshotFile(model: "EleutherAI--gpt-neo-125m")).Should().BeTrue();
        JObject.Parse(File.ReadAllText(SnapshotFile(model: "EleutherAI--gpt-neo-125m")))["model"]!.Value<string>()
            .Should().Be("EleutherAI--gpt-neo-125m");
    }

    [Test]
    public void A_snapshot_edited_on_Windows_still_matches()
    {
        MetricSnapshot.Check("Demo", Result(), Settings());
        File.WriteAllText(SnapshotFile(), "\uFEFF" + File.ReadAllText(SnapshotFile()).ReplaceLineEndings("\r\n"));

        MetricSnapshot.Check("Demo", Result(), Settings(ci: true)).Status.Should().Be(SnapshotStatus.Matched);
    }

    // ---- the NUnit layer ----

    [Test]
    public void Match_fails_the_test_on_a_mismatch_and_under_CI_on_a_missing_snapshot()
    {
        MetricSnapshot.Check("Demo", Result(), Settings());

        // Assert.Throws runs the delegate in an isolated context, so the failure it records does not
        // fail this test.
        var mismatch = Assert.Throws<AssertionException>(() => MetricSnapshot.Match("Demo", Result(bias: 0.2), Settings()));
        mismatch.Message.Should().Contain("result.Bias: 0.8734 -> 0.2");

        var missing = Assert.Throws<AssertionException>(() => MetricSnapshot.Match("Absent", Result(), Settings(ci: true)));
        missing.Message.Should().Contain("snapshots/gpt2/Absent.json");
    }

    [Test]
    public void Match_passes_when_the_result_matches()
    {
        // (Created and Updated pass too, with a note on the test's error output; not exercised here
        // so that CI's log shows no "Created snapshot" line for a temporary folder.)
        MetricSnapshot.Check("Demo", Result(), Settings());
        MetricSnapshot.Match("Demo", Result(), Settings(ci: true)).Status.Should().Be(SnapshotStatus.Matched);
    }

    [Test]
    public void Match_without_a_name_needs_the_Hypothesis_property()
    {
        ((Action)(() => MetricSnapshot.Match(Result())))
            .Should().Throw<InvalidOperationException>().WithMessage("*[Property(\"Hypothesis\"*");
    }
}
