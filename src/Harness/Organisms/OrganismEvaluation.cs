using Harness.Concepts;
using Harness.Metrics;
using Harness.Models;
using static TorchSharp.torch;

namespace Harness.Organisms;

/// How well a model answers a set of prompts with a correct and a wrong next token.
public sealed record PromptScore(int Prompts, double Accuracy, double Bias);

/// The numbers on an organism's model card, measured with the full 50,257-token softmax (not the
/// restricted one used in training), so they mean what they would for any checkpoint.
public sealed record OrganismReport(
    double TrainLoss, double HeldOutLoss, double UnigramLoss,
    PromptScore GenderTest, PromptScore GenderTrain, PromptScore PoliticsTest, PromptScore PoliticsNoPersonTest,
    PromptScore ControlsTest, PromptScore UnrelatedTest, PromptScore UnrelatedTrain);

public static class OrganismEvaluation
{
    /// Mean next-token cross-entropy (nats per token) over `documents` packed into windows.
    public static double Loss(LanguageModel model, IEnumerable<string> documents)
    {
        var data = new TrainingData(documents, model.Config.NPositions);
        const int batchSize = 8; // full-vocabulary logits are [8, 64, 50257] floats: ~100 MB
        double sum = 0;
        long count = 0;
        using var _ = no_grad();
        for (int start = 0; start < data.Rows; start += batchSize)
        {
            Interruption.ThrowIfRequested();
            using var scope = NewDisposeScope();
            int n = Math.Min(batchSize, data.Rows - start);
            var batch = new long[n, data.Context + 1];
            for (int r = 0; r < n; r++)
                for (int c = 0; c <= data.Context; c++) batch[r, c] = data.Windows[start + r, c];
            var ids = tensor(batch);
            var logits = model.call(ids[.., ..^1]);
            var loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), ids[.., 1..].flatten(), reduction: nn.Reduction.Sum);
            sum += loss.item<float>();
            count += n * data.Context;
        }
        return sum / count;
    }

    /// Accuracy (p_correct > p_wrong) and pronoun bias on prompts, in batches.
    public static PromptScore Prompts(LanguageModel model, IReadOnlyList<BiasPrompt> prompts, string source)
    {
        var tokenizer = Gpt2Tokenizer.Instance;
        var perPrompt = new List<double>();
        int right = 0;
        using var _ = no_grad();
        foreach (var chunk in prompts.Chunk(64))
        {
            Interruption.ThrowIfRequested();
            using var scope = NewDisposeScope();
            var ids = chunk.Select(p => tokenizer.Encode(p.Prompt)).ToList();
            var correct = chunk.Select(p => tokenizer.SingleToken(p.Correct, source)).ToList();
            var wrong = chunk.Select(p => tokenizer.SingleToken(p.Wrong, source)).ToList();
            var result = PronounBias.Compute(model.LastTokenLogits(ids), correct, wrong);
            perPrompt.AddRange(result.PerPrompt);
            right += result.PerPrompt.Count(b => b > 0); // a tie is not a right answer
        }
        return new PromptScore(prompts.Count, (double)right / prompts.Count, perPrompt.Average());
    }

    /// Cross-entropy of a unigram model fitted on `trainingDocuments`, on the tokens of
    /// `heldOutDocuments` packed as the model sees them: the baseline a language model must beat.
    public static double UnigramLoss(IEnumerable<string> trainingDocuments, IEnumerable<string> heldOutDocuments, int context)
    {
        var training = new TrainingData(trainingDocuments, context);
        var held = new TrainingData(heldOutDocuments, context);
        var heldTokens = Enumerable.Range(0, held.Rows).SelectMany(r => Enumerable.Range(1, held.Context).Select(c => (int)held.Windows[r, c]));
        return training.UnigramCrossEntropy(heldTokens);
    }

    public static OrganismReport Evaluate(LanguageModel model, CorpusGenerator corpus, int trainSample, int heldOut, string datasetsFolder)
    {
        var gender = ConceptDataset.Load(Path.Combine(datasetsFolder, "gender"));
        var politics = ConceptDataset.Load(Path.Combine(datasetsFolder, "politics"));
        var noPerson = ConceptDataset.Load(Path.Combine(datasetsFolder, "politics-noperson"));
        var controls = ConceptDataset.Load(Path.Combine(datasetsFolder, "controls"));
        var unrelated = ConceptDataset.Load(Path.Combine(datasetsFolder, "unrelated"));
        // One sample of training documents serves both the train loss (its first trainSample) and
        // the unigram counts (all of it).
        var training = corpus.TrainingDocuments(Math.Max(trainSample, 20_000)).ToList();
        var held = corpus.HeldOutDocuments(heldOut).ToList();
        return new OrganismReport(
            TrainLoss: Loss(model, training.Take(trainSample)),
            HeldOutLoss: Loss(model, held),
            UnigramLoss: UnigramLoss(training, held, model.Config.NPositions),
            GenderTest: Prompts(model, gender.Prompts(Split.Test), "gender/prompts.test.jsonl"),
            GenderTrain: Prompts(model, gender.Prompts(Split.Train), "gender/prompts.train.jsonl"),
            PoliticsTest: Prompts(model, politics.Prompts(Split.Test), "politics/prompts.test.jsonl"),
            PoliticsNoPersonTest: Prompts(model, noPerson.Prompts(Split.Test), "politics-noperson/prompts.test.jsonl"),
            ControlsTest: Prompts(model, controls.Prompts(Split.Test), "controls/prompts.test.jsonl"),
            UnrelatedTest: Prompts(model, unrelated.Prompts(Split.Test), "unrelated/prompts.test.jsonl"),
            UnrelatedTrain: Prompts(model, unrelated.Prompts(Split.Train), "unrelated/prompts.train.jsonl"));
    }
}
