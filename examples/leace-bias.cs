#:project ../src/Harness/Harness.csproj
// Fit LEACE at the middle layer of the default organism on the gender sentences (every token),
// then measure the he/she bias on the held-out gender prompts without and with the eraser hooked in.
//   dotnet run examples/leace-bias.cs            (from the repository root)
using Harness.Concepts;
using Harness.Erasure;
using Harness.Experiments;
using Harness.Metrics;
using Harness.Models;
using static TorchSharp.torch;

const string site = "blocks.2.hook_resid_post";
var model = LanguageModel.FromPretrained("gpt2-dropout");
var gender = ConceptDataset.Load(ExperimentsFolder.Dataset("gender"));
var labels = gender.Labels.ToList();

// Activations at every token of the training sentences, each row labelled with its sentence's label.
var sentences = gender.Sentences(Split.Train);
using var cache = model.RunWithCache(sentences.Select(s => s.Text).ToList(), site);
var z = tensor(sentences.SelectMany((s, i) => Enumerable.Repeat((long)labels.IndexOf(s.Label), cache.Lengths[i])).ToArray());
var eraser = LeaceEraser.Fit(cache.AllPositions(site), z);

var prompts = gender.Prompts(Split.Test);
var texts = prompts.Select(p => p.Prompt).ToList();
var correct = prompts.Select(p => model.ToTokens(p.Correct).Single()).ToList();
var wrong = prompts.Select(p => model.ToTokens(p.Wrong).Single()).ToList();
double Bias(ActivationCache run) => PronounBias.Compute(run.LastLogits, correct, wrong).Bias;

using var before = model.RunWithHooks(texts);
using var after = model.RunWithHooks(texts, (site, x => eraser.Apply(x)));
Console.WriteLine($"LEACE at {site}, fitted on {z.shape[0]} token rows of {sentences.Count} sentences");
Console.WriteLine($"pronoun bias on {prompts.Count} held-out prompts: {Bias(before):F3} unedited, {Bias(after):F3} erased");
