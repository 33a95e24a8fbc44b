#:project ../src/Harness/Harness.csproj
// Test a direction found in Python. data/gender-logreg.npy is scikit-learn's logistic-regression
// direction for gender on the default organism's layer-2 residual stream, saved with numpy.save by
// the Python in data/README.md. The experiment projects it out and reflects along it around the
// median, measures the he/she bias on the held-out prompts with 95 % intervals over prompt pairs,
// and ranks each effect against 100 random directions (a rank <= 0.05: beyond the null).
//   dotnet run examples/numpy-direction.cs [direction.npy]
using System.Text.Json;
using Harness.Experiments;

var npy = Path.GetFullPath(args.Length > 0 ? args[0] : "examples/data/gender-logreg.npy");
var spec = ExperimentSpec.Parse($$"""
    {
      "name": "numpy-direction",
      "layers": {"site": "hook_resid_post", "layers": [2]},
      "concept": {"dataset": "gender"},
      "methods": [{"method": "file", "path": "{{JsonEncodedText.Encode(npy)}}"}, {"method": "random", "directions": 100, "kind": "covariance"}],
      "edits": ["project", "reflect"],
      "evaluate": ["gender"],
      "metrics": ["pronoun_bias"]
    }
    """, "examples/numpy-direction.cs");
var result = Experiment.Run(spec, new RunOptions { Model = "gpt2-dropout" });
foreach (var r in result.Rows.Where(r => r.Method == "file" && r.Metric == "pronoun_bias" && r.Split == "test" && r.Label is null && r.Effect is not null))
    Console.WriteLine($"{r.Edit}: bias {r.Value:F3} [{r.CiLow:F3}, {r.CiHigh:F3}], effect {r.Effect:F3} [{r.EffectCiLow:F3}, {r.EffectCiHigh:F3}], null rank {r.NullRank:F3}");
