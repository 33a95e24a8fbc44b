#:project ../src/Harness/Harness.csproj
// At every layer's residual stream, fit LEACE on the gender sentences and measure the he/she bias on
// the held-out prompts with the eraser hooked in there; plot the bias against the layer.
//   dotnet run examples/layer-sweep-plot.cs [out.png]
using Harness.Concepts;
using Harness.Erasure;
using Harness.Experiments;
using Harness.Metrics;
using Harness.Models;
using static TorchSharp.torch;

var output = args.Length > 0 ? args[0] : "layer-sweep.png";
var model = LanguageModel.FromPretrained("gpt2-dropout");
var gender = ConceptDataset.Load(ExperimentsFolder.Dataset("gender"));
var labels = gender.Labels.ToList();
var sentences = gender.Sentences(Split.Train);
var sites = Enumerable.Range(0, model.Config.NLayers).Select(l => $"blocks.{l}.hook_resid_post").ToArray();
using var cache = model.RunWithCache(sentences.Select(s => s.Text).ToList(), sites);
var z = tensor(sentences.SelectMany((s, i) => Enumerable.Repeat((long)labels.IndexOf(s.Label), cache.Lengths[i])).ToArray());

var prompts = gender.Prompts(Split.Test);
var texts = prompts.Select(p => p.Prompt).ToList();
var correct = prompts.Select(p => model.ToTokens(p.Correct).Single()).ToList();
var wrong = prompts.Select(p => model.ToTokens(p.Wrong).Single()).ToList();
using var unedited = model.RunWithHooks(texts);
double baseline = PronounBias.Compute(unedited.LastLogits, correct, wrong).Bias;
var erased = sites.Select(site =>
{
    var eraser = LeaceEraser.Fit(cache.AllPositions(site), z);
    using var run = model.RunWithHooks(texts, (site, x => eraser.Apply(x)));
    return PronounBias.Compute(run.LastLogits, correct, wrong).Bias;
}).ToArray();
for (int l = 0; l < sites.Length; l++) Console.WriteLine($"{sites[l]}: bias {erased[l]:F3} (unedited {baseline:F3})");

var plot = new ScottPlot.Plot();
plot.Add.Scatter(Enumerable.Range(0, sites.Length).Select(l => (double)l).ToArray(), erased).LegendText = "LEACE-erased";
plot.Add.HorizontalLine(baseline).LegendText = "unedited";
plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1);
plot.Axes.Bottom.Label.Text = "layer (resid_post)";
plot.Axes.Left.Label.Text = "pronoun bias, held-out prompts";
plot.ShowLegend(ScottPlot.Alignment.LowerLeft);
plot.SavePng(output, 640, 420);
Console.WriteLine($"wrote {output}");
