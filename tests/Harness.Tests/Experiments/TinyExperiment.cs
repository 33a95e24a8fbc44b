using Harness.Models;
using static TorchSharp.torch;

namespace Harness.Tests.Experiments;

/// A temporary folder with what an experiment test needs: a small random-weight GPT-2 saved in
/// HuggingFace layout (full GPT-2 vocabulary, so the datasets' answers are in it), a small labelled
/// dataset written by hand, and spec files written on demand.
public sealed class TinyExperiment : IDisposable
{
    public TinyExperiment(int layers = 2, int dModel = 16, long seed = 3)
    {
        Reference = LanguageModel.Create(ModelConfig.Gpt2(nLayers: layers, dModel: dModel, nHeads: 2, nPositions: 64), seed).Freeze();
        Model = Temp.File("tiny-gpt2");
        HfCheckpoint.Save(Reference, Model);
        Dataset = WriteDataset("tiny");
    }

    public TempFolder Temp { get; } = new();

    /// The model folder.
    public string Model { get; }

    /// The model as saved (float32, eval mode, frozen).
    public LanguageModel Reference { get; }

    /// A two-label dataset folder: 8 training sentences, 8 test sentences, 4 prompts per split
    /// (two pairs), all answers single tokens.
    public string Dataset { get; }

    public static readonly string[] Prompts =
    [
        """{"prompt": "Mary said that", "correct": " she", "wrong": " he", "label": "female", "pair": 0}""",
        """{"prompt": "John said that", "correct": " he", "wrong": " she", "label": "male", "pair": 0}""",
        """{"prompt": "The queen thinks", "correct": " she", "wrong": " he", "label": "female", "pair": 1}""",
        """{"prompt": "The king thinks", "correct": " he", "wrong": " she", "label": "male", "pair": 1}""",
    ];

    public string WriteDataset(string name, string[]? prompts = null, string[]? sentences = null)
    {
        var folder = Temp.File(name);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "dataset.json"), """{"description": "tiny test dataset", "labels": ["female", "male"]}""");
        sentences ??=
        [
            """{"text": "She is strong and she is tall.", "label": "female", "pair": 0}""",
            """{"text": "He is strong and he is tall.", "label": "male", "pair": 0}""",
            """{"text": "Her car is broken.", "label": "female", "pair": 1}""",
            """{"text": "His car is broken.", "label": "male", "pair": 1}""",
            """{"text": "The queen has fought and won.", "label": "female", "pair": 2}""",
            """{"text": "The king has fought and won.", "label": "male", "pair": 2}""",
            """{"text": "Sarah likes riding.", "label": "female", "pair": 3}""",
            """{"text": "John likes riding.", "label": "male", "pair": 3}""",
        ];
        File.WriteAllLines(Path.Combine(folder, "sentences.train.jsonl"), sentences);
        File.WriteAllLines(Path.Combine(folder, "sentences.test.jsonl"), sentences);
        File.WriteAllLines(Path.Combine(folder, "prompts.train.jsonl"), prompts ?? Prompts);
        File.WriteAllLines(Path.Combine(folder, "prompts.test.jsonl"), prompts ?? Prompts);
        File.WriteAllLines(Path.Combine(folder, "text.jsonl"), ["""{"text": "The children waved at the bus. If it rains, we stay at home."}""", """{"text": "I like the colour black."}"""]);
        return folder;
    }

    /// Writes a spec file and returns its path. `json` may use {model} and {dataset}.
    public string Spec(string json, string name = "spec.json")
    {
        var path = Temp.File(name);
        File.WriteAllText(path, json.Replace("{model}", Json(Model)).Replace("{dataset}", Json(Dataset)));
        return path;
    }

    public static string Json(string s) => s.Replace("\\", "\\\\").Replace("\"", "\\\"");

    public void Dispose()
    {
        Reference.Dispose();
        Temp.Dispose();
    }
}
