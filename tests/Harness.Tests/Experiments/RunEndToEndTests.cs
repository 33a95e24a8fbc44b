using System.Text.Json;
using Harness.Experiments;
using Harness.Experiments.Evidence;
using Harness.IO;
using Harness.Metrics;
using static TorchSharp.torch;

namespace Harness.Tests.Experiments;

/// `harness run` on a small random-weight model written to a temporary folder.
public class RunEndToEndTests
{
    private TinyExperiment _tiny = null!;

    [OneTimeSetUp]
    public void Setup() => _tiny = new TinyExperiment();

    [OneTimeTearDown]
    public void TearDown() => _tiny.Dispose();

    [Test]
    public void AFullSpecWritesTheDocumentedResultsReportAndPlots()
    {
        var spec = _tiny.Spec("""
            {
              "name": "e2e",
              "description": "every metric on a random model",
              "hypothesis": "Projection",
              "models": ["{model}"],
              "layers": {"site": "hook_resid_post", "layers": "all"},
              "concept": {"dataset": "gender", "positions": "last"},
              "methods": ["leace", "mean-diff", {"method": "random", "seed": 3, "directions": 3}, "gradient", "unembed-diff", {"method": "adversarial", "max_steps": 5},
                          {"method": "rlace", "max_steps": 40, "evaluate_every": 20, "seeds": [0, 1]}],
              "edits": ["project", "reflect", "amplify", "erase"],
              "evaluate": {"datasets": ["gender", "controls"], "max_prompts": 12, "max_texts": 4, "confidence_bins": 2},
              "metrics": ["pronoun_bias", "logit_diff", "answer_accuracy", "kl_damage", "perplexity", "probe_accuracy", "mlp_probe_accuracy", "generation_divergence", "confusion",
                          "partner_kl", "partner_divergence", "edit_size", "kl_damage_per_bias_change", "direction_stats"],
              "generation": {"max_new_tokens": 3, "max_prompts": 4},
              "seed": 1
            }
            """, "e2e.json");
        var folder = _tiny.Temp.File("e2e-out");
        var (code, output, err) = Cli.Cli.Run("run", spec, "--out", folder);
        code.Should().Be(0, err);

        var all = ResultsFile.Read(Path.Combine(folder, ResultsFile.FileName));
        var rows = all.Where(r => r.IsPooled).ToList();
        rows.Should().OnlyContain(r => r.Experiment == "e2e" && r.Model == _tiny.Model);
        rows.Select(r => r.Site).Distinct().Should().Equal("blocks.0.hook_resid_post", "blocks.1.hook_resid_post");
        rows.Select(r => r.Metric).Distinct().Should().BeEquivalentTo(MetricNames.All);
        rows.Select(r => r.Split).Distinct().Should().BeEquivalentTo(["test", "text", ResultRow.UnflippedTextSplit, "train"]);
        rows.Select(r => r.Method).Distinct().Should().Equal("none", "leace", "mean-diff", "random", "gradient", "unembed-diff", "adversarial", "rlace(seed=0)", "rlace(seed=1)", "rlace", MetricNames.AllDirections);
        rows.Where(r => r.Metric == MetricNames.PronounBias).Select(r => r.Edit).Distinct()
            .Should().Equal("none", "project(centre=median)", "reflect(centre=median)", "amplify(centre=median)", "erase");
        rows.Where(r => r.Metric != MetricNames.KlDamage && r.Metric != MetricNames.Perplexity).Should().OnlyContain(r => double.IsFinite(r.Value));
        rows.Where(r => r.IsBaseline && r.Metric == MetricNames.KlDamage).Should().OnlyContain(r => r.Value == 0);
        rows.Where(r => r.IsBaseline && r.Metric == MetricNames.GenerationDivergence).Should().OnlyContain(r => r.Value == 3);
        rows.Where(r => r.Metric == MetricNames.Directions).Should().OnlyContain(r => r.Value == 1 && r.Edit == "fit" && r.Dataset == "gender");
        rows.Where(r => r.Metric == MetricNames.Confusion).Should().OnlyContain(r => r.Edit == "patch" && r.Dataset == "gender");
        rows.Where(r => r.Metric == MetricNames.ProbeAccuracy && r.Edit == "keep").Should().HaveCount(2 * 9);
        // Confidence bins: each prompt metric's bins partition its prompts (their n add up to the
        // pooled row's), the edited rows paired with the unedited ones of the same bin.
        var pooledBias = rows.Where(r => r.IsPooled && r.Metric == MetricNames.PronounBias && r.Split == "test").ToList();
        pooledBias.Should().NotBeEmpty();
        foreach (var p in pooledBias)
        {
            var bins = all.Where(r => r.Label is "confidence=1" or "confidence=2" && r.Model == p.Model && r.Site == p.Site && r.Method == p.Method && r.Edit == p.Edit && r.Dataset == p.Dataset && r.Split == p.Split && r.Metric == p.Metric).ToList();
            bins.Should().HaveCount(2, p.ToString());
            bins.Sum(r => r.N).Should().Be(p.N, p.ToString());
            if (!p.IsBaseline && p.Seeds is null) bins.Should().OnlyContain(r => r.Effect != null, p.ToString());
        }
        // The MLP probe beside every linear one but on a method's own subspace ("keep").
        rows.Where(r => r.Metric == MetricNames.MlpProbeAccuracy).Select(r => (r.Site, r.Method, r.Edit))
            .Should().BeEquivalentTo(rows.Where(r => r.Metric == MetricNames.ProbeAccuracy && r.Edit != "keep").Select(r => (r.Site, r.Method, r.Edit)))
            .And.NotBeEmpty();
        rows.Where(r => r.Metric == MetricNames.MlpProbeAccuracy).Should().OnlyContain(r => r.Value >= 0 && r.Value <= 1 && r.CiLow <= r.Value && r.Value <= r.CiHigh);
        // Seeds: every row of a seed names its aggregate; the aggregate carries the seeds' spread; RLACE
        // says whether each fit met its stop criterion; every edited bias of a fitted method is ranked
        // against the null of the random method's 3 bases, whose own rows carry its quantiles.
        rows.Where(r => r.Method.StartsWith("rlace(", StringComparison.Ordinal)).Should().OnlyContain(r => r.SeedOf == "rlace");
        rows.Where(r => r.Method == "rlace").Should().OnlyContain(r => r.Seeds == 2 && r.SeedMin <= r.Value && r.Value <= r.SeedMax);
        rows.Where(r => r.Metric is MetricNames.StopReached && r.Method != "rlace").Should().OnlyContain(r => r.Value == 0 || r.Value == 1).And.HaveCount(2 * 3);
        rows.Where(r => r.Metric is MetricNames.FitSteps && r.Method.StartsWith("rlace(", StringComparison.Ordinal)).Should().OnlyContain(r => r.Value >= 20 && r.Value <= 40);
        // The adversarial fit: its steps (at most max_steps) and the KL it reached, one per site.
        rows.Where(r => r.Metric is MetricNames.FitSteps && r.Method == "adversarial").Should().OnlyContain(r => r.Value >= 1 && r.Value <= 5).And.HaveCount(2);
        rows.Where(r => r.Metric is MetricNames.FitObjective).Should().OnlyContain(r => r.Method == "adversarial" && r.Value >= 0).And.HaveCount(2);
        rows.Where(r => r.Metric is MetricNames.AnswerAccuracy).Should().OnlyContain(r => r.Value >= 0 && r.Value <= 1);
        // direction_stats: per fitted direction (not the null's own method, whose draws are points
        // of the correlation) d' = mean difference / spread; a cosine per pair of the 8 directions
        // of a site (leace, mean-diff, gradient, unembed-diff, adversarial, two rlace seeds) and
        // their aggregate's mean stats; rank correlations over the 3 draws and over all directions.
        foreach (var d in rows.Where(r => r.Metric == MetricNames.DirectionDPrime))
        {
            var md = rows.Single(r => r.Model == d.Model && r.Site == d.Site && r.Method == d.Method && r.Metric == MetricNames.DirectionMeanDifference).Value;
            var spread = rows.Single(r => r.Model == d.Model && r.Site == d.Site && r.Method == d.Method && r.Metric == MetricNames.DirectionSpread).Value;
            if (d.Method != "rlace") d.Value.Should().BeApproximately(md / spread, 1e-9 * Math.Max(1, d.Value), d.Method);
            d.Edit.Should().Be(ResultRow.FitEdit);
        }
        rows.Where(r => r.Metric == MetricNames.DirectionDPrime).Select(r => r.Method).Distinct().Should().BeEquivalentTo(
            ["leace", "mean-diff", "gradient", "unembed-diff", "adversarial", "rlace(seed=0)", "rlace(seed=1)", "rlace"]);
        rows.Where(r => r.Metric == MetricNames.DirectionCosine).Should().HaveCount(2 * 7 * 6 / 2)
            .And.OnlyContain(r => r.Versus != null && r.Versus != r.Method && r.Value >= 0 && r.Value <= 1 + 1e-9);
        all.Where(r => r.Metric == MetricNames.DirectionCosine && r.Method == "leace" && r.Versus == "mean-diff").Should().HaveCount(2, "versus is read back");
        rows.Where(r => r.Metric.StartsWith("rank_corr_", StringComparison.Ordinal)).Should().HaveCount(2 * 2 * 3 * 4 * 2) // sites, populations, metrics, edits, evaluated sets
            .And.OnlyContain(r => (r.Method == "random" || r.Method == MetricNames.AllDirections) && r.NullN == 3 && r.N == null
                && r.CiLow <= r.Value + 1e-12 && r.Value <= r.CiHigh + 1e-12);
        // Counterfactual and size metrics: partner rows only on the paired dataset; a reflection
        // moves every prompt twice as far as the projection around the same centre; damage per unit
        // of edit size is the quotient of its two rows.
        rows.Where(r => r.Metric is MetricNames.PartnerKl or MetricNames.PartnerDivergence).Should().OnlyContain(r => r.Dataset == "gender" && r.Value >= 0);
        rows.Where(r => r.Metric is MetricNames.PartnerDivergence).Should().OnlyContain(r => r.Value <= 3);
        ResultRow Of(ResultRow r, string metric, string? edit = null) => rows.Single(x => x.Site == r.Site && x.Method == r.Method && x.Edit == (edit ?? r.Edit)
            && x.Dataset == r.Dataset && x.Split == r.Split && x.Metric == metric);
        foreach (var r in rows.Where(r => r.Metric == MetricNames.EditSize && r.Edit == "project(centre=median)"))
            Of(r, MetricNames.EditSize, "reflect(centre=median)").Value.Should().BeApproximately(2 * r.Value, 1e-6 * r.Value + 1e-9, r.ToString());
        rows.Where(r => r.Metric == MetricNames.KlPerEditSize).Should().NotBeEmpty();
        foreach (var r in rows.Where(r => r.Metric == MetricNames.KlPerEditSize))
        {
            r.Value.Should().BeApproximately(Of(r, MetricNames.KlDamage).Value / Of(r, MetricNames.EditSize).Value, 1e-9 + 1e-9 * r.Value, r.ToString());
            r.CiLow.Should().BeLessThanOrEqualTo(r.CiHigh!.Value);
        }
        rows.Where(r => r.Metric == MetricNames.KlPerBiasChange).Should().NotBeEmpty().And.OnlyContain(r => r.Dataset == "controls" && r.Value >= 0);
        var biasEdited = rows.Where(r => r.Metric == MetricNames.PronounBias && !r.IsBaseline).ToList();
        biasEdited.Where(r => r.Method != "random").Should().OnlyContain(r => r.NullN == 3 && r.NullRank >= 0.25 && r.NullRank <= 1);
        biasEdited.Where(r => r.Method == "random").Should().OnlyContain(r => r.NullN == 3 && r.NullLow <= r.NullMedian && r.NullMedian <= r.NullHigh);
        rows.Where(r => r.Metric == MetricNames.PronounBias).Should().OnlyContain(r => r.Value >= -1 && r.Value <= 1);

        // results.json is a plain array of objects with exactly the documented keys
        using (var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, ResultsFile.FileName))))
            doc.RootElement.EnumerateArray().First().EnumerateObject().Select(p => p.Name)
                .Should().Equal("experiment", "model", "site", "method", "edit", "dataset", "split", "metric", "value", "n", "ci_low", "ci_high");

        // Every mean is the mean of its items in items.jsonl, and n counts them; every edited prompt
        // row has its paired effect; the bias is also given per label.
        var items = File.ReadLines(Path.Combine(folder, Harness.Experiments.Evidence.ItemsFile.FileName)).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var byRow = items.GroupBy(i => string.Join("|", new[] { "model", "site", "method", "edit", "dataset", "split", "metric" }.Select(k => i.GetProperty(k).GetString())))
            .ToDictionary(g => g.Key, g => g.ToList());
        var means = all.Where(r => r.N is not null).ToList();
        means.Should().NotBeEmpty();
        foreach (var r in means)
        {
            var mine = byRow[string.Join("|", r.Model, r.Site, r.Method, r.Edit, r.Dataset, r.Split, r.Metric)]
                .Where(i => r.Label is null
                    || (EvidenceRows.IsGroupLabel(r.Label) ? i.GetProperty("groups").EnumerateArray().Any(g => g.GetString() == r.Label) : i.GetProperty("label").GetString() == r.Label)).ToList();
            mine.Should().HaveCount(r.N!.Value, r.ToString());
            mine.Average(i => i.GetProperty("value").GetDouble()).Should().BeApproximately(r.Value, 1e-9, r.ToString());
            r.CiLow.Should().BeLessThanOrEqualTo(r.Value + 1e-12, r.ToString());
            r.CiHigh.Should().BeGreaterThanOrEqualTo(r.Value - 1e-12, r.ToString());
        }
        all.Where(r => r.Metric == MetricNames.PronounBias && !r.IsBaseline).Should().OnlyContain(r => r.Effect != null && r.EffectCiLow <= r.Effect && r.Effect <= r.EffectCiHigh);
        all.Where(r => r.Metric == MetricNames.PronounBias && r.Dataset == "gender").Select(r => r.Label).Distinct().Should().BeEquivalentTo([null, "female", "male", "confidence=1", "confidence=2"], "per label and per confidence bin (confidence_bins 2)");
        all.Where(r => r.Metric is MetricNames.ProbeAccuracy or MetricNames.ProbeMajority).Should().OnlyContain(r => r.Label == null, "probe accuracy stays pooled");
        rows.Where(r => r.Metric == MetricNames.Directions).Should().OnlyContain(r => r.N == null && r.CiLow == null);
        // Text metrics: KL is a mean over positions (items clustered by text); perplexity is the exp
        // of a mean, so it has the mapped interval but no n.
        rows.Where(r => r.Split == ResultRow.TextSplit && r.Metric == MetricNames.KlDamage).Should().OnlyContain(r => r.N > 0 && r.CiLow <= r.Value + 1e-12);
        rows.Where(r => r.Split == ResultRow.TextSplit && r.Metric == MetricNames.Perplexity)
            .Should().OnlyContain(r => r.N == null && r.CiLow <= r.Value && r.Value <= r.CiHigh && r.CiLow > 1);

        // Every fitted basis is in directions/<site>/<label>.safetensors: orthonormal rows, the centres
        // the edits used, and what it is in the metadata.
        foreach (var site in new[] { "blocks.0.hook_resid_post", "blocks.1.hook_resid_post" })
            foreach (var method in new[] { "leace", "mean-diff", "random", "gradient", "unembed-diff", "adversarial", "rlace(seed=0)", "rlace(seed=1)" })
            {
                var file = Path.Combine(folder, "directions", site, method + ".safetensors");
                File.Exists(file).Should().BeTrue(file);
                var tensors = Harness.IO.Safetensors.ReadAll(file, out var metadata);
                metadata["method"].Should().Be(method.Split('(')[0]);
                metadata["site"].Should().Be(site);
                // The adversarial fit also keeps its objective after each step.
                tensors.Keys.Should().BeEquivalentTo(method == "adversarial" ? ["directions", "centre_median", "objective_curve"] : ["directions", "centre_median"]);
                var d = tensors["directions"];
                d.shape.Should().Equal(1, 16);
                d.mm(d.t()).item<double>().Should().BeApproximately(1, 1e-9);
                tensors["centre_median"].shape.Should().Equal(16);
                foreach (var t in tensors.Values) t.Dispose();
            }

        var report = File.ReadAllText(Path.Combine(folder, RunFolder.ReportFile));
        report.Should().Contain("# e2e").And.Contain("## Verdict: Projection").And.Contain("## Bias by method and edit")
            .And.Contain("pronoun_bias on gender/test by site").And.Contain("![plot-layers-");
        File.ReadAllText(Path.Combine(folder, RunFolder.SpecFile)).Should().Be(File.ReadAllText(spec));
        var plots = Directory.GetFiles(folder, "plot-*.png").Select(Path.GetFileName).ToList();
        plots.Should().Contain(p => p!.StartsWith("plot-bias-tiny-gpt2-blocks.0.hook_resid_post"))
            .And.Contain("plot-layers-tiny-gpt2-gender.png");
        foreach (var p in plots)
            File.ReadAllBytes(Path.Combine(folder, p!)).Take(4).Should().Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' });

        output.Should().Contain("pronoun_bias on gender/test by site").And.Contain("verdict (Projection): ");
        err.Should().Contain("run: e2e:").And.Contain("leace reflect(centre=median): gender/test pronoun_bias");
    }

    [Test]
    public void TheUneditedBiasEqualsTheOneComputedByHandFromTheLogitsVerb_AndANoOpEditDoesNoDamage()
    {
        var spec = _tiny.Spec("""
            {
              "name": "by-hand",
              "models": ["{model}"],
              "sites": ["blocks.1.hook_resid_mid"],
              "concept": {"dataset": "{dataset}"},
              "methods": ["mean-diff"],
              "edits": [{"edit": "scale", "strength": 0}],
              "evaluate": ["{dataset}"],
              "metrics": ["pronoun_bias", "kl_damage"],
              "batch_size": 3
            }
            """, "by-hand.json");
        var folder = _tiny.Temp.File("by-hand-out");
        var (code, _, err) = Cli.Cli.Run("run", spec, "--out", folder);
        code.Should().Be(0, err);
        var rows = ResultsFile.Read(Path.Combine(folder, ResultsFile.FileName));

        var b = new List<double>();
        var tokenizer = Harness.Models.Gpt2Tokenizer.Instance;
        foreach (var line in TinyExperiment.Prompts)
        {
            using var doc = JsonDocument.Parse(line);
            var prompt = doc.RootElement.GetProperty("prompt").GetString()!;
            int correct = tokenizer.Encode(doc.RootElement.GetProperty("correct").GetString()!).Single();
            int wrong = tokenizer.Encode(doc.RootElement.GetProperty("wrong").GetString()!).Single();
            var npy = _tiny.Temp.File($"logits-{b.Count}.npy");
            Cli.Cli.Run("logits", "--model", _tiny.Model, "--text", prompt, "--npy", npy).Code.Should().Be(0);
            using var scope = NewDisposeScope();
            var last = Npy.Read(npy)[-1].to(ScalarType.Float64);
            var p = last.softmax(0);
            double pc = p[correct].item<double>(), pw = p[wrong].item<double>();
            b.Add((pc - pw) / Math.Max(pc, pw));
        }
        var unedited = rows.Single(r => r.IsBaseline && r.IsPooled && r.Metric == MetricNames.PronounBias && r.Dataset == "tiny");
        unedited.Value.Should().BeApproximately(b.Average(), 1e-5);

        var noOp = rows.Where(r => r.IsPooled && r.Edit == "scale(strength=0, centre=median)" && r.Metric == MetricNames.KlDamage).ToList();
        noOp.Select(r => r.Split).Should().BeEquivalentTo(["test", ResultRow.TextSplit, ResultRow.UnflippedTextSplit],
            "the prompts' last positions, the text, and the text without the positions predicting the dataset's paired words");
        noOp.Should().OnlyContain(r => Math.Abs(r.Value) < 1e-12);
        rows.Single(r => r.IsPooled && r.Edit == "scale(strength=0, centre=median)" && r.Metric == MetricNames.PronounBias).Value.Should().Be(unedited.Value);
    }

    [Test]
    public void ARandomMethodWithManyDirectionsGivesTheNullThatEveryOtherEditIsRankedAgainst()
    {
        var spec = _tiny.Spec("""
            {
              "name": "null", "models": ["{model}"], "sites": ["blocks.1.hook_resid_pre"],
              "concept": {"dataset": "gender", "positions": "last"},
              "methods": ["leace", {"method": "random", "directions": 3, "seed": 2}],
              "edits": ["project", "reflect"],
              "evaluate": {"datasets": ["gender"], "max_prompts": 12},
              "metrics": ["pronoun_bias", "logit_diff", "kl_damage"]
            }
            """, "null.json");
        var folder = _tiny.Temp.File("null-out");
        var (code, _, err) = Cli.Cli.Run("run", spec, "--out", folder);
        code.Should().Be(0, err);
        err.Should().Contain("random: null of 3 random bases x 2 edit(s)");
        var rows = ResultsFile.Read(Path.Combine(folder, ResultsFile.FileName));

        rows.Where(r => r.Metric == MetricNames.KlDamage || r.IsBaseline).Should().OnlyContain(r => r.NullN == null, "KL stays off the null");
        foreach (var metric in new[] { MetricNames.PronounBias, MetricNames.LogitDiff })
            foreach (var random in rows.Where(r => r.Method == "random" && r.Metric == metric && !r.IsBaseline))
            {
                random.NullN.Should().Be(3);
                random.NullRank.Should().BeNull();
                // Three sorted effects a <= b <= c give low = a + 0.05 (b - a), median = b,
                // high = b + 0.95 (c - b) (numpy's linear percentiles): solve for a and c.
                double b = random.NullMedian!.Value, a = (random.NullLow!.Value - 0.05 * b) / 0.95, c = (random.NullHigh!.Value - 0.05 * b) / 0.95;
                random.NullMean.Should().BeApproximately((a + b + c) / 3, 1e-9, "null_mean is the mean of the draws' effects");
                new[] { a, b, c }.Should().Contain(x => Math.Abs(x - random.Effect!.Value) < 1e-6,
                    $"draw 0 of the null is the random method's own basis ({random.Label ?? "pooled"} {random.Edit} {metric})");
                var leace = rows.Single(r => r.Method == "leace" && r.Edit == random.Edit && r.Metric == metric && r.Label == random.Label);
                leace.NullN.Should().Be(3);
                double expected = (1 + new[] { a, b, c }.Count(x => Math.Abs(x) >= Math.Abs(leace.Effect!.Value) - 1e-9)) / 4.0;
                leace.NullRank.Should().BeApproximately(expected, 1e-12, leace.ToString());
            }
    }

    [Test]
    public void WithNullMetricsPromptTheNullMeasuresKlPerDrawFromTheSiteOnAsAFullPassDoes()
    {
        var spec = _tiny.Spec("""
            {
              "name": "klnull", "models": ["{model}"], "sites": ["blocks.1.hook_resid_pre"],
              "concept": {"dataset": "gender", "positions": "last"},
              "methods": ["leace", {"method": "random", "directions": 3, "seed": 2, "null_metrics": "prompt"}],
              "edits": ["project", "reflect"],
              "evaluate": {"datasets": ["gender"], "max_prompts": 12},
              "metrics": ["pronoun_bias", "kl_damage"]
            }
            """, "klnull.json");
        var folder = _tiny.Temp.File("klnull-out");
        var (code, _, err) = Cli.Cli.Run("run", spec, "--out", folder);
        code.Should().Be(0, err);
        var rows = ResultsFile.Read(Path.Combine(folder, ResultsFile.FileName));
        var kl = rows.Where(r => r.Metric == MetricNames.KlDamage && !r.IsBaseline && r.Split == "test").ToList();
        kl.Should().NotBeEmpty();
        foreach (var random in kl.Where(r => r.Method == "random"))
        {
            random.NullN.Should().Be(3);
            // Draw 0 is the random method's own basis: its KL, measured from the site on in the
            // null, is one of the three draws, as the full pass measured it.
            double b = random.NullMedian!.Value, a = (random.NullLow!.Value - 0.05 * b) / 0.95, c = (random.NullHigh!.Value - 0.05 * b) / 0.95;
            new[] { a, b, c }.Should().Contain(x => Math.Abs(x - random.Effect!.Value) < 1e-6 * Math.Max(1, Math.Abs(x)), random.ToString());
            new[] { a, b, c }.Should().OnlyContain(x => x >= -1e-9, "a KL is never negative");
        }
        kl.Where(r => r.Method == "leace").Should().OnlyContain(r => r.NullN == 3 && r.NullRank >= 0.25 && r.NullRank <= 1);
    }

    [Test]
    public void WithoutKlTheBiasAndLogitDifferenceComeFromTheAnswerLogitsAloneAndAgreeWithTheFullLogits()
    {
        IReadOnlyList<ResultRow> Run(string metrics, string name)
        {
            var spec = _tiny.Spec($$"""
                {
                  "name": "{{name}}", "models": ["{model}"], "sites": ["blocks.1.hook_resid_pre"],
                  "concept": {"dataset": "gender", "positions": "last"},
                  "methods": ["leace", "mean-diff"], "edits": ["project", "reflect", "amplify"],
                  "evaluate": {"datasets": ["gender"], "max_prompts": 12}, "metrics": {{metrics}}
                }
                """, name + ".json");
            var folder = _tiny.Temp.File(name + "-out");
            var (code, _, err) = Cli.Cli.Run("run", spec, "--out", folder);
            code.Should().Be(0, err);
            return ResultsFile.Read(Path.Combine(folder, ResultsFile.FileName));
        }
        // Two answer-only metrics: every pass computes h (W_c - W_w); with kl_damage: the full logits.
        var answers = Run("""["pronoun_bias", "logit_diff"]""", "answers");
        var full = Run("""["pronoun_bias", "logit_diff", "kl_damage"]""", "full");
        answers.Should().NotBeEmpty();
        foreach (var r in answers)
        {
            var f = full.Single(x => (x.Method, x.Edit, x.Metric, x.Label) == (r.Method, r.Edit, r.Metric, r.Label) && x.Dataset == r.Dataset);
            r.Value.Should().BeApproximately(f.Value, 1e-5, r.ToString());
            (r.Effect ?? 0).Should().BeApproximately(f.Effect ?? 0, 1e-5, r.ToString());
        }
    }

    [Test]
    public void ForceReplacesAnEarlierRunButNothingElse()
    {
        var spec = _tiny.Spec("""
            {"name": "force", "models": ["{model}"], "sites": ["blocks.0.hook_resid_pre"], "concept": {"dataset": "{dataset}"},
             "methods": ["random"], "edits": ["project"], "evaluate": ["{dataset}"]}
            """, "force.json");
        var folder = _tiny.Temp.File("force-out");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "mine");
        File.WriteAllText(Path.Combine(folder, "plot-old.png"), "stale");
        File.WriteAllText(Path.Combine(folder, ResultsFile.FileName), "[]");

        Cli.Cli.Run("run", spec, "--out", folder).Code.Should().Be(Harness.Cli.CommandLine.ExitUsage);
        var (code, _, err) = Cli.Cli.Run("run", spec, "--out", folder, "--force");
        code.Should().Be(0, err);
        File.ReadAllText(Path.Combine(folder, "notes.txt")).Should().Be("mine");
        File.Exists(Path.Combine(folder, "plot-old.png")).Should().BeFalse();
        ResultsFile.Read(Path.Combine(folder, ResultsFile.FileName)).Should().NotBeEmpty();
        File.Exists(Path.Combine(folder, "plot-bias-tiny-gpt2.png")).Should().BeTrue();
    }

    private string DtypeSpec() => _tiny.Spec("""
        {"name": "dtype", "models": ["{model}"], "sites": ["blocks.1.hook_resid_post"], "concept": {"dataset": "{dataset}"},
         "methods": ["leace", "random", {"method": "rlace", "max_steps": 20, "evaluate_every": 10, "seed": 5}], "edits": ["project", "reflect"],
         "evaluate": {"datasets": ["{dataset}"], "max_texts": 2}, "metrics": ["pronoun_bias", "kl_damage", "perplexity", "probe_accuracy"], "seed": 2}
        """, "dtype.json");

    [Test]
    public void RunJsonSaysWhatTheRunRanOnAndFloat64GivesTheFloat32Numbers()
    {
        var spec = DtypeSpec();
        var folder = _tiny.Temp.File("float64-out");
        var before = DateTime.UtcNow;
        var (code, _, err) = Cli.Cli.Run("run", spec, "--out", folder, "--dtype", "float64", "--threads", "2");
        code.Should().Be(0, err);
        var after = DateTime.UtcNow;

        var path = Path.Combine(folder, RunInfo.FileName);
        var run = RunInfo.Read(path);
        run.Dtype.Should().Be("float64");
        run.Device.Should().Be("cpu");
        run.Threads.Should().Be(2);
        run.CommandLine.Should().Equal("harness", "run", spec, "--out", folder, "--dtype", "float64", "--threads", "2");
        run.WorkingDirectory.Should().Be(Directory.GetCurrentDirectory());
        run.Spec.Should().Be(spec);
        run.Seed.Should().Be(2);
        run.MethodSeeds.Should().BeEquivalentTo(new Dictionary<string, int> { ["random"] = 2, ["rlace"] = 5 });
        (run.Harness.Commit == SourceRevision.Unknown ? run.Harness.Tree == SourceRevision.Unknown : System.Text.RegularExpressions.Regex.IsMatch(run.Harness.Commit, "^[0-9a-f]{40}$"))
            .Should().BeTrue(run.Harness.ToString());
        run.Harness.Tree.Should().BeOneOf("clean", "dirty", SourceRevision.Unknown);

        var model = run.Models.Should().ContainSingle().Which;
        model.Name.Should().Be(_tiny.Model);
        model.Source.Should().Be(Harness.Models.ModelSource.Directory);
        model.Folder.Should().Be(Path.GetFullPath(_tiny.Model));
        model.Revision.Should().BeNull();
        var weights = Path.Combine(_tiny.Model, Harness.Models.HfCheckpoint.WeightsFile);
        model.Weights.Should().Equal(new RunWeightFile("model.safetensors", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(weights)))));

        run.Machine.Cores.Should().Be(Environment.ProcessorCount);
        run.Machine.Os.Should().NotBeNullOrWhiteSpace();
        run.Machine.Cpu.Should().NotBeNullOrWhiteSpace();
        run.Machine.TorchSharp.Should().Be("0.107.0");
        run.Machine.LibTorch.Should().MatchRegex(@"^\d+\.\d+\.\d+");
        run.Machine.Dotnet.Should().StartWith(".NET ");
        run.StartedUtc.Kind.Should().Be(DateTimeKind.Utc);
        run.StartedUtc.Should().BeOnOrAfter(before).And.BeOnOrBefore(run.FinishedUtc);
        run.FinishedUtc.Should().BeOnOrBefore(after);

        // snake_case keys, ISO 8601 times
        var json = File.ReadAllText(path);
        json.Should().Contain("\"command_line\": [").And.Contain("\"method_seeds\": {").And.Contain("\"started_utc\": \"")
            .And.Contain("\"torchsharp\": \"0.107.0\"").And.Contain("\"source\": \"directory\"").And.MatchRegex("\"finished_utc\": \"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z\"");

        // results.json holds nothing of the machine or the time; report.md shows them briefly.
        var results = File.ReadAllText(Path.Combine(folder, ResultsFile.FileName));
        results.Should().NotContain(run.StartedUtc.ToString("yyyy-MM-dd")).And.NotContain(run.Machine.Cpu).And.NotContain("float64");
        File.ReadAllText(Path.Combine(folder, RunFolder.ReportFile)).Should().Contain("- ran on: cpu, float64, 2 LibTorch thread(s); harness commit ")
            .And.Contain($"({model.Source.ToString().ToLowerInvariant()}, model.safetensors sha256 {model.Weights[0].Sha256![..12]})")
            .And.Contain($"TorchSharp 0.107.0, LibTorch {run.Machine.LibTorch}");

        // The same spec in float32: the unedited numbers agree to float32 precision.
        var folder32 = _tiny.Temp.File("float32-out");
        Cli.Cli.Run("run", spec, "--out", folder32).Code.Should().Be(0);
        RunInfo.Read(Path.Combine(folder32, RunInfo.FileName)).Dtype.Should().Be("float32");
        var rows64 = ResultsFile.Read(Path.Combine(folder, ResultsFile.FileName));
        var rows32 = ResultsFile.Read(Path.Combine(folder32, ResultsFile.FileName));
        rows64.Select(r => (r.Method, r.Edit, r.Metric, r.Split)).Should().Equal(rows32.Select(r => (r.Method, r.Edit, r.Metric, r.Split)));
        foreach (var (r64, r32) in rows64.Zip(rows32).Where(p => p.First.IsBaseline && p.First.Metric != MetricNames.ProbeAccuracy))
            r64.Value.Should().BeApproximately(r32.Value, 1e-4 * Math.Max(1, Math.Abs(r32.Value)), $"{r64.Metric} {r64.Split}");
    }

    [TestCase("float16")]
    [TestCase("bfloat16")]
    public void HalfPrecisionRunsWithFitsAndMetricsInFloat64(string dtype)
    {
        var folder = _tiny.Temp.File($"{dtype}-out");
        var (code, _, err) = Cli.Cli.Run("run", DtypeSpec(), "--out", folder, "--dtype", dtype);
        code.Should().Be(0, err);
        RunInfo.Read(Path.Combine(folder, RunInfo.FileName)).Dtype.Should().Be(dtype);
        var rows = ResultsFile.Read(Path.Combine(folder, ResultsFile.FileName));
        rows.Should().NotBeEmpty().And.OnlyContain(r => double.IsFinite(r.Value));
        rows.Where(r => r.Metric == MetricNames.PronounBias).Should().OnlyContain(r => r.Value >= -1 && r.Value <= 1);
    }
}
