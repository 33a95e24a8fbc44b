using Harness.Experiments;
using static TorchSharp.torch;

namespace Harness.Tests.Experiments;

/// The same spec on the same machine gives the same results.json, byte for byte: seeds are set before
/// every fit, batches are fixed, and the run's thread count is fixed (`harness run` uses 1 by default).
/// A snapshot can only be trusted if this holds.
public class DeterminismTests
{
    [Test]
    public void Three_consecutive_runs_of_a_spec_write_byte_identical_results()
    {
        using var tiny = new TinyExperiment();
        // Every kind of fit the quick start uses (stochastic ones included: RLACE's SGD, INLP's
        // probes, a random direction), every edit, and the metrics that pass through generation.
        var spec = tiny.Spec("""
            {
              "name": "determinism",
              "models": ["{model}"],
              "layers": {"site": "hook_resid_post", "layers": [1]},
              "concept": {"dataset": "{dataset}", "positions": "all"},
              "methods": ["probe", {"method": "rlace", "max_steps": 60, "evaluate_every": 20}, "leace", {"method": "inlp", "iterations": 2}, "gradient", "random"],
              "edits": ["project", "reflect", "amplify"],
              "evaluate": {"datasets": ["{dataset}"], "max_texts": 2},
              "metrics": ["pronoun_bias", "logit_diff", "kl_damage", "perplexity", "probe_accuracy", "generation_divergence"],
              "generation": {"max_new_tokens": 3, "max_prompts": 4},
              "seed": 5
            }
            """, "determinism.json");
        var threads = get_num_threads();
        try
        {
            var files = Enumerable.Range(1, 3).Select(i =>
            {
                var folder = tiny.Temp.File($"run{i}");
                var (code, _, err) = Cli.Cli.Run("run", spec, "--out", folder);
                code.Should().Be(0, err);
                return File.ReadAllBytes(Path.Combine(folder, ResultsFile.FileName));
            }).ToList();

            ResultsFile.Read(Path.Combine(tiny.Temp.File("run1"), ResultsFile.FileName)).Should().HaveCountGreaterThan(50);
            files[1].Should().Equal(files[0], "a second run gives the first run's results.json byte for byte");
            files[2].Should().Equal(files[0], "and so does a third");
        }
        finally
        {
            set_num_threads(threads); // `run` sets the process-wide thread count
        }
    }
}
