using Harness.Concepts;
using Harness.Models;

namespace Harness.Experiments;

/// A spec checked against everything it names, before any model weights are loaded: the datasets
/// are loaded and tokenized (every answer one GPT-2 token, no empty file), each model is resolved
/// and its config read, and every site and layer is checked against each model's layers, every
/// prompt against its position table and vocabulary. Any problem is a one-line HarnessException
/// naming the spec, file or model at fault: a UsageException when the spec asks for what is not
/// there (an unknown dataset, a layer or site outside the model), a HarnessException when a file
/// is missing or its content is wrong.
public sealed class ExperimentPlan
{
    public required ExperimentSpec Spec { get; init; }
    public required IReadOnlyList<PlannedModel> Models { get; init; }

    /// The activations each concept is fitted on (and probed on), by concept.
    public required IReadOnlyDictionary<ConceptSpec, ConceptTexts> Concepts { get; init; }

    /// The training prompts of each concept dataset a model-based method (gradient, unembed-diff)
    /// needs, by dataset name.
    public required IReadOnlyDictionary<string, PromptSet> TrainingPrompts { get; init; }

    /// The prompts measured on: each evaluated dataset and split.
    public required IReadOnlyList<PromptSet> Evaluations { get; init; }

    /// The own prompts of every subset the methods' `subsets` draw (split "subset-k"), measured
    /// unedited, along the null's random directions and by the methods fitted on them.
    public IReadOnlyList<PromptSet> SubsetPrompts { get; init; } = [];

    /// The own prompts of a method fitted on a subset, or null.
    public PromptSet? SubsetOf(MethodSpec method) =>
        method.Subset is int k ? SubsetPrompts.First(p => p.Dataset == method.Concept.Dataset && p.Subset == k) : null;

    /// The running text of each evaluated dataset that has one, when a text metric is asked for.
    public required IReadOnlyList<TextSet> Texts { get; init; }

    /// The device and dtype every model of the run is loaded with (`--device`, `--dtype`). Fitting
    /// and metrics stay in float64 whatever the model's dtype.
    public LoadOptions Load { get; init; } = LoadOptions.Default;

    /// Prepares a spec. `modelOverride` (--model) replaces the spec's models; `load` (--device,
    /// --dtype) is checked here, so that CUDA asked for where there is none fails before any work.
    public static ExperimentPlan Prepare(ExperimentSpec spec, string? modelOverride = null, ResolverOptions? resolver = null, LoadOptions? load = null)
    {
        load ??= LoadOptions.Default;
        LoadOptions.ResolveDevice(load.Device);
        var datasets = new Dictionary<string, ConceptDataset>(StringComparer.Ordinal);
        ConceptDataset Dataset(string name, string role)
        {
            if (datasets.TryGetValue(name, out var d)) return d;
            string folder;
            try { folder = ExperimentsFolder.Dataset(name); }
            catch (HarnessException e) { throw new UsageException($"{spec.Source}: {role}: {e.Message}", e); }
            return datasets[name] = ConceptDataset.Load(folder);
        }

        var concepts = new Dictionary<ConceptSpec, ConceptTexts>();
        var trainingPrompts = new Dictionary<string, PromptSet>(StringComparer.Ordinal);
        var subsets = new List<PromptSet>();
        var subsetSizes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var method in spec.Methods)
        {
            var c = method.Concept;
            var dataset = Dataset(c.Dataset, $"concept of {method.Label}");
            if (dataset.Labels.Count < 2)
                throw new UsageException($"{spec.Source}: concept dataset '{c.Dataset}' has only one label ({dataset.Labels[0]}); a concept needs at least two");
            if (!concepts.ContainsKey(c))
            {
                // Held-out activations for the probe, and for direction_stats (measured where no method was fitted).
                bool probe = spec.WantsProbe || spec.Wants(MetricNames.DirectionStats);
                concepts[c] = c.Source == ConceptSource.Sentences
                    ? new ConceptTexts(c, TextSet.Sentences(dataset, Split.Train), probe ? TextSet.Sentences(dataset, Split.Test) : null, dataset.Labels)
                    : new ConceptTexts(c, TextSet.Prompts(dataset, Split.Train, c.Cue), probe ? TextSet.Prompts(dataset, Split.Test, c.Cue) : null, dataset.Labels);
                CheckEveryLabel(spec, dataset, concepts[c].Train);
            }
            if ((DirectionMethods.IsModelBased(method.Name) || method.Subset is not null) && !trainingPrompts.ContainsKey(c.Dataset))
                trainingPrompts[c.Dataset] = PromptSet.From(dataset, Split.Train);
            if (method.Subset is int k)
            {
                var where = $"{spec.Source}: method {method.SubsetGroup}";
                if (c.Source != ConceptSource.Prompts || c.Positions != Positions.Last)
                    throw new UsageException($"{where}: subsets are drawn from prompts, one row each: its concept needs \"source\": \"prompts\" and \"positions\": \"last\"");
                var train = trainingPrompts[c.Dataset];
                int size = method.SubsetSize;
                if (subsetSizes.TryGetValue(c.Dataset, out var other) && other != size)
                    throw new UsageException($"{where}: subsets of '{c.Dataset}' of size {size} and {other} in one spec; give every entry the same size");
                subsetSizes[c.Dataset] = size;
                if (!subsets.Any(p => p.Dataset == c.Dataset && p.Subset == k))
                    subsets.Add(train.Select(PromptSubsets.Draw(train.Labels, dataset.Labels.Count, size, k, spec.Seed, where), k));
            }
        }

        var evaluations = new List<PromptSet>();
        var texts = new List<TextSet>();
        bool textMetrics = MetricRegistry.Of(spec, m => m.OnText is not null).Any() && spec.Evaluate.MaxTexts > 0;
        foreach (var name in spec.Evaluate.Datasets)
        {
            var dataset = Dataset(name, "evaluate");
            var sets = spec.Evaluate.Splits.Select(split => PromptSet.From(dataset, split, spec.Evaluate.MaxPrompts)).ToList();
            evaluations.AddRange(sets);
            // The words that tell a paired concept's items apart (she / he, names, king / queen ...)
            // are what an edit of it is meant to change: its text is also measured without the
            // positions that predict them (ConceptTokens).
            var conceptTokens = textMetrics && dataset.HasText ? ConceptTokens(dataset, sets) : null;
            if (textMetrics && dataset.HasText) texts.Add(TextSet.Text(dataset, spec.Evaluate.MaxTexts, conceptTokens));
        }
        if (spec.Wants(MetricNames.Perplexity) && texts.Count == 0)
            throw new UsageException($"{spec.Source}: metric perplexity needs a text.jsonl in one of the evaluated datasets ({string.Join(", ", spec.Evaluate.Datasets)}), and none has one");

        var resolverOptions = resolver ?? ResolverOptions.FromEnvironment();
        var names = modelOverride is not null ? [modelOverride] : spec.Models.Count > 0 ? spec.Models : [ModelResolver.DefaultOrganism];
        var models = new List<PlannedModel>();
        foreach (var name in names)
        {
            var resolved = new ModelResolver(resolverOptions).Resolve(name);
            var config = ModelConfig.Load(resolved.ConfigPath);
            var what = $"{spec.Source} on model {name}";
            var sites = spec.Sites.Resolve(config.NLayers, what);
            int generated = spec.Generates ? spec.Generation.MaxNewTokens : 0;
            foreach (var set in evaluations) set.CheckFits(config, name, 0);
            if (generated > 0)
                foreach (var set in evaluations)
                    set.Take(spec.Generation.MaxPrompts).CheckFits(config, name, generated);
            foreach (var set in trainingPrompts.Values) set.CheckFits(config, name, 0);
            foreach (var set in subsets) set.CheckFits(config, name, generated > 0 ? generated : 0);
            models.Add(new PlannedModel(name, resolved, config, sites));
        }
        return new ExperimentPlan
        {
            Spec = spec,
            Models = models,
            Concepts = concepts,
            TrainingPrompts = trainingPrompts,
            Evaluations = evaluations,
            SubsetPrompts = subsets,
            Texts = texts,
            Load = load,
        };
    }

    /// The answer tokens of a dataset's paired prompts and every token that differs within one of
    /// its pairs (prompts and, when it has them, sentences of both splits); null when it has no pairs.
    private static HashSet<int>? ConceptTokens(ConceptDataset dataset, IReadOnlyList<PromptSet> evaluated)
    {
        var tokens = new HashSet<int>();
        foreach (var set in evaluated.Where(s => s.Paired))
        {
            tokens.UnionWith(set.Correct);
            tokens.UnionWith(set.Wrong);
            tokens.UnionWith(TextSet.PairDifferences(set.Ids, set.Pairs, set.Labels));
        }
        foreach (var split in new[] { Split.Train, Split.Test })
            if (dataset.HasSentences(split))
            {
                var sentences = TextSet.Sentences(dataset, split);
                if (sentences.Pairs is { } pairs) tokens.UnionWith(TextSet.PairDifferences(sentences.Ids, pairs, sentences.Labels));
            }
        return tokens.Count > 0 ? tokens : null;
    }

    /// A concept is fitted on rows of every label its dataset.json lists: a file without rows of
    /// one would otherwise fail only in the fit, after the model loaded, as a bare class index.
    private static void CheckEveryLabel(ExperimentSpec spec, ConceptDataset dataset, TextSet train)
    {
        var present = train.Labels.ToHashSet();
        for (int label = 0; label < dataset.Labels.Count; label++)
            if (!present.Contains(label))
                throw new HarnessException(
                    $"{spec.Source}: concept dataset '{dataset.Name}': label '{dataset.Labels[label]}' of {DatasetFiles.Manifest} has no row in {Path.GetFileName(train.File)} ({train.File}); a concept needs rows of every label");
    }
}

/// A model of the plan: its name (as results rows give it), where it was found, its config and the
/// sites the experiment edits in it.
public sealed record PlannedModel(string Name, ResolvedModel Resolved, ModelConfig Config, IReadOnlyList<string> Sites);

/// The texts a concept is fitted on (train) and probed on (test, when probe_accuracy is asked for).
public sealed record ConceptTexts(ConceptSpec Spec, TextSet Train, TextSet? Test, IReadOnlyList<string> LabelNames);
