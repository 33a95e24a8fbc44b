using System.Globalization;
using Harness.Models;

namespace Harness.Organisms;

/// The short README.md beside an organism: what it is, how it was made, how well it does.
public static class ModelCard
{
    public static string Write(string name, OrganismConfig config, LanguageModel model, TrainingRun run, OrganismReport report, string recipePath)
    {
        var c = model.Config;
        var t = config.Training;
        var g = config.Corpus.Generator;
        long parameters = model.parameters().Sum(p => p.numel());
        long used = run.Vocabulary * c.DModel;
        string architecture = c.Family == ModelFamily.Gpt2
            ? "GPT-2"
            : $"GPT-Neo (attention layers {string.Join(", ", c.AttentionLayers.Select(k => k.ToString().ToLowerInvariant()))}; local window {c.WindowSize}; scores not scaled)";
        string F(double x) => x.ToString("F3", CultureInfo.InvariantCulture);
        string P(double x) => (100 * x).ToString("F1", CultureInfo.InvariantCulture) + " %";
        string Row(string what, PromptScore s) => $"| {what} | {s.Prompts} | {P(s.Accuracy)} | {F(s.Bias)} |";
        return $"""
            # Organism `{name}`

            A small {architecture} model trained by this harness, with the real GPT-2 tokenizer, on a generated
            corpus in which gender (names, gendered nouns, pronouns, correlated attributes, skewed occupations),
            political stance and neutral control text are present and controlled. Load it with
            `--model {name}`.

            ## Architecture
            | | |
            |---|---|
            | family | {architecture} |
            | layers, d_model, heads | {c.NLayers}, {c.DModel}, {c.NHeads} |
            | context | {c.NPositions} tokens |
            | dropout (resid, embd, attn) | {c.ResidDropout}, {c.EmbedDropout}, {c.AttnDropout} |
            | parameters | {parameters:N0} ({used:N0} in the {run.Vocabulary} token rows the corpus uses; the other rows are zero, so those tokens get logit 0) |
            | storage | float16 safetensors, tied embeddings |

            ## Training
            | | |
            |---|---|
            | corpus | {config.Corpus.Documents:N0} documents ({run.CorpusTokens:N0} tokens), generator seed {g.Seed}, attribute correlation {g.AttributeCorrelation}, occupation skew {g.OccupationSkew} |
            | schedule | {t.Steps} steps of {t.BatchSize} x {c.NPositions} tokens, AdamW lr {t.LearningRate} (warm-up {t.WarmupSteps}, cosine to a tenth), weight decay {t.WeightDecay}, clip {t.GradClip}, seed {t.Seed}, {t.Threads} threads |
            | softmax in training | {(t.RestrictVocabulary ? $"restricted to the {run.Vocabulary} corpus tokens" : "full vocabulary")} |
            | training time | {run.Elapsed.TotalMinutes:F1} min on the CPU that trained it |
            | command | `dotnet run --project src/Harness -c Release -- train-organism --config {recipePath} --out experiments/organisms/{name}` |

            ## Measured (full 50,257-token softmax, on the saved float16 weights)
            | | nats per token |
            |---|---|
            | train loss (2,000 training documents) | {F(report.TrainLoss)} |
            | held-out loss ({config.Corpus.HeldOutDocuments:N0} held-out documents) | {F(report.HeldOutLoss)} |
            | unigram baseline on the held-out text | {F(report.UnigramLoss)} |

            | prompts | n | prefers the correct answer | bias (p_c - p_w) / max |
            |---|---|---|---|
            {Row("gender, test split (held-out templates)", report.GenderTest)}
            {Row("gender, train split", report.GenderTrain)}
            {Row("politics, test split", report.PoliticsTest)}
            {Row("politics without a person, test split", report.PoliticsNoPersonTest)}
            {Row("controls, test split", report.ControlsTest)}
            {Row("unrelated facts, test split (held-out frames)", report.UnrelatedTest)}
            {Row("unrelated facts, train split", report.UnrelatedTrain)}
            """ + "\n";
    }
}
