#:project ../src/Harness/Harness.csproj
// Fit RLACE's gender direction at the middle layer of the default organism, reflect the residual
// stream along it around the median (Fabien Roger's "swap") at every position, and print greedy
// generations before and after.
//   dotnet run examples/reflect-generations.cs
using Harness.Concepts;
using Harness.Edits;
using Harness.Erasure;
using Harness.Experiments;
using Harness.Models;
using static TorchSharp.torch;

const string site = "blocks.2.hook_resid_post";
var model = LanguageModel.FromPretrained("gpt2-dropout");
var gender = ConceptDataset.Load(ExperimentsFolder.Dataset("gender"));
var labels = gender.Labels.ToList();
var sentences = gender.Sentences(Split.Train);
using var cache = model.RunWithCache(sentences.Select(s => s.Text).ToList(), site);
var x = cache.AllPositions(site);
var z = tensor(sentences.SelectMany((s, i) => Enumerable.Repeat((long)labels.IndexOf(s.Label), cache.Lengths[i])).ToArray());

var rlace = RlaceEraser.Fit(x, z, new RlaceOptions { Seed = 0 });
using var reflect = ScaleEdit.Reflect(rlace.Directions, Centre.Median(x, rlace.Directions));
Console.WriteLine($"RLACE at {site}: rank {rlace.Directions.shape[0]}, {rlace.Report?.Steps} steps, stop criterion met: {rlace.Report?.ReachedEpsilon}");

string[] prompts = ["Her car is broken. But she will fix it because", "The king said that he", "Mary went home and"];
var greedy = new GenerationOptions { MaxNewTokens = 12 };
string Continue(string prompt) => Gpt2Tokenizer.Instance.Decode(model.Generate(model.ToTokens(prompt), greedy));
foreach (var prompt in prompts)
{
    Console.WriteLine($"{prompt}\n  unedited:  {Continue(prompt)}");
    using (model.Hooks.Replace(site, v => reflect.Apply(v)))
        Console.WriteLine($"  reflected: {Continue(prompt)}");
}
