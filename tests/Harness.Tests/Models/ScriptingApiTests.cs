using System.Xml.Linq;
using Harness.Erasure;
using Harness.Experiments;
using Harness.Hooks;
using Harness.Models;
using Harness.Tests.Experiments;
using static TorchSharp.torch;

namespace Harness.Tests.Models;

/// The C# API in TransformerLens's and concept-erasure's terms, checked against the lower-level
/// calls it stands for (a second computation of the same numbers), and its XML docs.
public class ScriptingApiTests
{
    private static readonly string[] Prompts = ["Mary said that", "The king thinks that he will", "John"];
    private const string Site = "blocks.1.hook_resid_post";

    [Test]
    public void FromPretrained_loads_a_folder_as_the_checkpoint_loader_does()
    {
        using var tiny = new TinyExperiment();
        using var scope = NewDisposeScope();
        var model = LanguageModel.FromPretrained(tiny.Model);
        var ids = model.ToTokens("The queen thinks");
        model.Logits(ids).allclose(tiny.Reference.Logits(ids), rtol: 0, atol: 0).Should().BeTrue();
        model.training.Should().BeFalse("a loaded model is in eval mode");
    }

    [Test]
    public void RunWithCache_returns_the_activations_a_capture_records_and_the_logits()
    {
        using var tiny = new TinyExperiment();
        using var scope = NewDisposeScope();
        var model = tiny.Reference;
        using (var cache = model.RunWithCache(Prompts, Site, Site))
        {
            var tokens = Prompts.Select(model.ToTokens).ToArray();
            using var batch = TokenBatch.RightPadded(tokens);
            using var capture = model.Hooks.Capture(Site);
            var expected = model.forward(batch.Ids);
            cache.Sites.Should().Equal(Site);
            cache[Site].allclose(capture.Last, rtol: 0, atol: 0).Should().BeTrue();
            cache.Logits.allclose(expected, rtol: 1e-6, atol: 1e-5).Should().BeTrue();
            cache.LastLogits.allclose(model.LastTokenLogits(tokens), rtol: 1e-6, atol: 1e-5).Should().BeTrue();
            cache.Lengths.Should().Equal(tokens.Select(t => t.Length));

            // Each prompt alone: its last token's activation is the cache's Last row.
            var last = cache.Last(Site);
            last.shape.Should().Equal(Prompts.Length, model.Config.DModel);
            for (int b = 0; b < Prompts.Length; b++)
                using (var alone = model.RunWithCache([Prompts[b]], Site))
                    last[b].allclose(alone.Last(Site)[0], rtol: 1e-5, atol: 1e-6).Should().BeTrue($"prompt {b} padded or alone");
            var all = cache.AllPositions(Site);
            all.shape.Should().Equal(tokens.Sum(t => t.Length), model.Config.DModel);
            all[tokens[0].Length - 1].allclose(last[0], rtol: 0, atol: 0).Should().BeTrue("prompt 0's rows come first");
            all[tokens[0].Length].allclose(cache[Site][1, 0], rtol: 0, atol: 0).Should().BeTrue("then prompt 1's, without padding");
            all[-1].allclose(last[Prompts.Length - 1], rtol: 0, atol: 0).Should().BeTrue();
            var unknown = () => cache["blocks.0.hook_resid_pre"];
            unknown.Should().Throw<HarnessException>().WithMessage("site 'blocks.0.hook_resid_pre' was not cached*");
        }
        model.Hooks.Active.Should().Be(0, "the captures are removed");
    }

    [Test]
    public void RunWithHooks_applies_each_edit_at_its_site_and_removes_it()
    {
        using var tiny = new TinyExperiment();
        using var scope = NewDisposeScope();
        var model = tiny.Reference;
        var tokens = Prompts.Select(model.ToTokens).ToArray();
        using var plain = model.RunWithHooks(Prompts);
        plain.LastLogits.allclose(model.LastTokenLogits(tokens), rtol: 1e-6, atol: 1e-5).Should().BeTrue();
        using (var identity = model.RunWithHooks(Prompts, (Site, x => x)))
            identity.Logits.allclose(plain.Logits, rtol: 0, atol: 0).Should().BeTrue("an identity edit changes nothing");
        // The final hidden state zeroed: the tied unembedding gives logits of exactly 0.
        using (var zeroed = model.RunWithHooks(Prompts, (HookSite.LnFinal, x => zeros_like(x))))
            zeroed.LastLogits.abs().max().item<float>().Should().Be(0);

        // Doubling the residual at a site equals replacing it by hand through ModelHooks.
        using var doubled = model.RunWithHooks(Prompts, (Site, x => 2 * x));
        Tensor manual;
        using (model.Hooks.Replace(Site, x => 2 * x))
            manual = model.LastTokenLogits(tokens);
        doubled.LastLogits.allclose(manual, rtol: 1e-6, atol: 1e-5).Should().BeTrue();
        doubled.LastLogits.allclose(plain.LastLogits, rtol: 1e-3, atol: 1e-3).Should().BeFalse("the edit acts");

        var failing = () => model.RunWithHooks(Prompts, (Site, x => x[.., ..1]));
        failing.Should().Throw<Exception>();
        model.Hooks.Active.Should().Be(0, "hooks are removed even when an edit throws");
    }

    [Test]
    public void LeaceEraser_Fit_equals_the_streaming_fitter_and_equalises_the_class_means()
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        var x = randn(400, 6, dtype: ScalarType.Float64);
        var labels = randint(0, 2, 400, dtype: ScalarType.Int64);
        x = x + labels.unsqueeze(1).to_type(ScalarType.Float64) * tensor(new[] { 2.0, -1, 0, 0.5, 0, 0 }, dtype: ScalarType.Float64);

        var eraser = LeaceEraser.Fit(x, labels);
        var streamed = new LeaceFitter(6, Concept.Labels(2)).Update(x[..200], labels[..200]).Update(x[200..], labels[200..]).Eraser;
        eraser.P.allclose(streamed.P, rtol: 1e-10, atol: 1e-10).Should().BeTrue();
        // concept-erasure reads integer labels of two classes as one 0/1 column: the same eraser.
        var asColumn = LeaceEraser.Fit(x, labels.to_type(ScalarType.Float64));
        eraser.P.allclose(asColumn.P, rtol: 1e-10, atol: 1e-10).Should().BeTrue();
        LeaceEraser.Fit(x, labels.to_type(ScalarType.Int32)).P.allclose(eraser.P, rtol: 1e-10, atol: 1e-10).Should().BeTrue("int32 labels too");

        var erased = eraser.Apply(x);
        var female = erased[labels == 0].mean([0]);
        var male = erased[labels == 1].mean([0]);
        (female - male).abs().max().item<double>().Should().BeLessThan(1e-9, "LEACE leaves no difference of class means");

        // Three classes: one-hot, every class mean equal to the overall mean after erasure.
        var three = randint(0, 3, 400, dtype: ScalarType.Int64);
        var x3 = x + nn.functional.one_hot(three, 3).to_type(ScalarType.Float64).mm(randn(3, 6, dtype: ScalarType.Float64));
        var erased3 = LeaceEraser.Fit(x3, three).Apply(x3);
        for (int c = 0; c < 3; c++)
            (erased3[three == c].mean([0]) - erased3.mean([0])).abs().max().item<double>().Should().BeLessThan(1e-9);
    }

    [Test]
    public void Experiment_Run_with_defaults_returns_typed_rows_and_a_verdict()
    {
        using var tiny = new TinyExperiment();
        var spec = ExperimentSpec.Load(tiny.Spec("""
            {
              "name": "api",
              "models": ["{model}"],
              "layers": {"site": "hook_resid_post", "layers": [1]},
              "concept": {"dataset": "{dataset}"},
              "methods": ["leace", {"method": "random", "directions": 20}],
              "edits": ["project"],
              "evaluate": {"datasets": ["{dataset}"]},
              "metrics": ["pronoun_bias"],
              "hypothesis": "Projection"
            }
            """));
        var threads = get_num_threads();
        try
        {
            var result = Experiment.Run(spec, progress: TextWriter.Null);
            result.Rows.Should().Contain(r => r.Method == "leace" && r.Edit.StartsWith("project") && r.Metric == "pronoun_bias" && r.Split == "test");
            result.Verdict.Should().NotBeNull();
        }
        finally
        {
            set_num_threads(threads);
        }
    }

    /// IDEs show these from harness.xml, which the build writes beside the assembly.
    [Test]
    public void The_API_has_summaries_in_the_documentation_file()
    {
        var xml = Path.ChangeExtension(typeof(LanguageModel).Assembly.Location, ".xml");
        File.Exists(xml).Should().BeTrue($"{xml} is built (GenerateDocumentationFile)");
        var members = XDocument.Load(xml).Descendants("member")
            .ToDictionary(m => (string)m.Attribute("name")!, m => ((string?)m.Element("summary"))?.Trim() ?? "");
        string[] api =
        [
            "M:Harness.Models.LanguageModel.FromPretrained(System.String,Harness.Models.LoadOptions,System.String)",
            "M:Harness.Models.LanguageModel.RunWithCache(System.Collections.Generic.IReadOnlyList{System.String},System.String[])",
            "P:Harness.Models.ActivationCache.LastLogits",
            "M:Harness.Models.ActivationCache.AllPositions(System.String)",
            "M:Harness.Models.LanguageModel.RunWithHooks(System.Collections.Generic.IReadOnlyList{System.String},System.ValueTuple{System.String,System.Func{TorchSharp.torch.Tensor,TorchSharp.torch.Tensor}}[])",
            "T:Harness.Models.ActivationCache",
            "M:Harness.Erasure.LeaceEraser.Fit(TorchSharp.torch.Tensor,TorchSharp.torch.Tensor,Harness.Erasure.LeaceOptions)",
            "M:Harness.Erasure.LeaceEraser.Apply(TorchSharp.torch.Tensor,TorchSharp.torch.Tensor)",
            "M:Harness.Experiments.Experiment.Run(Harness.Experiments.ExperimentSpec,Harness.Experiments.RunOptions,System.IO.TextWriter,System.Action{Harness.Experiments.ExperimentPlan})",
            "T:Harness.Experiments.ResultRow",
            "M:Harness.Experiments.ExperimentSpec.Load(System.String)",
        ];
        foreach (var name in api)
            members.GetValueOrDefault(name).Should().NotBeNullOrEmpty($"{name} has a <summary>");
    }
}
