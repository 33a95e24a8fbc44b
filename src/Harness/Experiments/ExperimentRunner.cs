using System.Diagnostics;
using System.Globalization;
using Harness.Concepts;
using Harness.Edits;
using Harness.Erasure;
using Harness.Experiments.Evidence;
using Harness.Metrics;
using Harness.Models;
using static TorchSharp.torch;

namespace Harness.Experiments;

/// Runs a prepared experiment: for each model, site, method and edit (plus the unedited baseline,
/// method and edit "none"), each evaluated dataset and split, it computes the spec's metrics and
/// returns them as tidy rows. One plain progress line per unit of work goes to `progress`.
///
/// Order of work per model: the unedited passes (last-token logits of every prompt set, greedy
/// generations, text perplexity) once; then per site: the concept activations (train, and test
/// for probe_accuracy), and per method: the fit, the confusion patch, then per edit the edited
/// passes. Everything runs in fixed batches of consecutive items, with the spec's seed set before
/// each fit, on the given number of LibTorch threads. Ctrl-C stops it between units of work and
/// between batches (Interruption).
public sealed class ExperimentRunner(ExperimentPlan plan, TextWriter progress)
{
    private ExperimentSpec Spec => plan.Spec;
    private readonly EvidenceRows _evidence = new(plan.Spec.Resamples, plan.Spec.Seed);
    private readonly NullEffects _nulls = new();
    private readonly Stopwatch _clock = new();

    /// After Run: every pooled row measured from items, with its items (for items.jsonl).
    public IReadOnlyList<MeasuredRow> Items => _evidence.Measured;

    /// After Run: every direction basis fitted, with the centres the edits used (for directions/).
    public IReadOnlyList<FittedDirections> Directions => _directions;
    private readonly List<FittedDirections> _directions = new();

    /// Loads a model with the plan's device and dtype, frozen. Tests may substitute it.
    public Func<PlannedModel, LanguageModel> LoadModel { get; init; } =
        m => HfCheckpoint.Load(m.Resolved.Directory, plan.Load).Freeze();

    public IReadOnlyList<ResultRow> Run()
    {
        _clock.Restart();
        foreach (var planned in plan.Models)
        {
            Say($"{planned.Name}: loading {planned.Resolved.Directory}");
            using var model = LoadModel(planned);
            RunModel(planned, model);
        }
        _evidence.AttachNulls(_nulls);
        Say($"done: {_evidence.Rows.Count} rows in {_clock.Elapsed.TotalSeconds:F1} s");
        return _evidence.Rows;
    }

    private void RunModel(PlannedModel planned, LanguageModel model)
    {
        var baseline = new Baseline();
        var unit = Stopwatch.StartNew();
        foreach (var set in AllSets)
        {
            // The whole vocabulary's unedited logits: for KL and the full-logit metrics, and for confusion.
            if (!AnswerOnly || Spec.Wants(MetricNames.Confusion))
                baseline.Logits[set] = ModelPasses.LastLogits(model, set.Ids, Spec.BatchSize);
            if (Spec.Generates)
                baseline.Generations[set] = ModelPasses.Greedy(model, set.Take(Spec.Generation.MaxPrompts).Ids, Spec.Generation.MaxNewTokens, Spec.BatchSize);
        }
        foreach (var text in plan.Texts)
            baseline.Text[text] = new TextEvaluation(model, text, TextBatch);
        Say($"{planned.Name}: unedited passes over {plan.Evaluations.Count} prompt set(s) and {plan.Texts.Count} text(s) in {unit.Elapsed.TotalSeconds:F1} s");

        foreach (var site in planned.Sites)
        {
            var where = new Where(planned.Name, site);
            foreach (var set in AllSets)
                PromptRows(where, ResultRow.None, ResultRow.None, model, set, null, baseline, baseline.Generations.GetValueOrDefault(set));
            foreach (var text in plan.Texts)
                TextRows(where, ResultRow.None, ResultRow.None, text, baseline.Text[text].Unedited);
            Say($"{where}: unedited {Summary(where, ResultRow.None, ResultRow.None)}");
            // edit_size: the unedited activations at the site of every prompt set and text, at the
            // positions the edits apply to, for the norm of each edit's change.
            using var siteRows = Spec.Wants(MetricNames.EditSize) ? SiteRows.Capture(model, site, AllSets, plan.Texts.Select(t => baseline.Text[t].Text), Spec.EditPositions, Spec.BatchSize, TextBatch) : null;

            var points = new DirectionPoints();
            var concepts = new Dictionary<ConceptSpec, ConceptActivations>();
            foreach (var c in Spec.Methods.Select(m => m.Concept).Distinct())
            {
                unit.Restart();
                concepts[c] = ConceptActivations.Capture(model, site, plan.Concepts[c], Spec.BatchSize);
                if (Spec.WantsProbe)
                    ProbeRows(where, ResultRow.None, ResultRow.None, concepts[c], x => x.alias());
                Say($"{where}: activations of {c.Dataset} ({concepts[c].TrainRows} training rows{ProbeSummary()}) in {unit.Elapsed.TotalSeconds:F1} s");
            }

            foreach (var method in Spec.Methods)
            {
                Interruption.ThrowIfRequested();
                // The fitted eraser's tensors live in this scope: they go when the method is done.
                using var methodScope = NewDisposeScope();
                var acts = concepts[method.Concept];
                // A method fitted on a subset sees its own prompts' rows only (one row per prompt).
                var (rows, rowLabels) = method.Subset is null ? (acts.Train, acts.TrainLabels) : SubsetRows(method, acts);
                unit.Restart();
                var (eraser, report) = Fit(model, where, method, rows, rowLabels);
                var basis = eraser as IDirectionBasis;
                long k = basis?.Directions.shape[0] ?? 0;
                Add(where, method.Label, ResultRow.FitEdit, method.Concept.Dataset, "train", MetricNames.Directions, k);
                if (report is not null)
                {
                    Add(where, method.Label, ResultRow.FitEdit, method.Concept.Dataset, "train", MetricNames.StopReached, report.ReachedStop ? 1 : 0);
                    Add(where, method.Label, ResultRow.FitEdit, method.Concept.Dataset, "train", MetricNames.FitSteps, report.Steps);
                    if (report.Curve.Length > 0)
                        Add(where, method.Label, ResultRow.FitEdit, method.Concept.Dataset, "train", MetricNames.FitObjective, Best(method, report.Curve));
                }
                Say($"{where} {method.Label}: fitted {k} direction(s) on {rows.shape[0]} rows of {method.Concept.Dataset}{Of(method)} in {unit.Elapsed.TotalSeconds:F1} s{Steps(report)}");
                if (basis is not null) _directions.Add(Keep(where, method, eraser, basis, rows, report));
                // A union's rows span several methods' directions: its statistics would be its first member's.
                if (basis is not null && method.Subset is null && !IsNullSource(method) && method.Name != UnionDirections.Name && Spec.Wants(MetricNames.DirectionStats))
                    DirectionStatRows(where, method, acts, basis, points);

                if (basis is not null && method.Subset is null && Spec.Wants(MetricNames.ProbeAccuracy))
                {
                    using var scope = NewDisposeScope();
                    var D = basis.Directions;
                    var c = basis.Centre;
                    ProbeRows(where, method.Label, ResultRow.KeepEdit, acts, x => (x.to(ScalarType.Float64) - c).mm(D.t()));
                }
                if (basis is not null && Spec.Wants(MetricNames.Confusion))
                {
                    unit.Restart();
                    foreach (var set in plan.Evaluations)
                        ConfusionRows(where, method.Label, model, site, basis, set, baseline.Logits[set]);
                    Say($"{where} {method.Label} patch: confusion {F(Last(MetricNames.Confusion))} in {unit.Elapsed.TotalSeconds:F1} s");
                }

                foreach (var editSpec in Spec.Edits)
                {
                    Interruption.ThrowIfRequested();
                    using var editScope = NewDisposeScope();
                    unit.Restart();
                    using var edit = BuildEdit(editSpec, eraser, rows, method.Label);
                    var hook = SiteHooks.Edit(model, site, edit, Spec.EditPositions);
                    foreach (var set in SetsOf(method))
                    {
                        int[][]? generations = Spec.Generates
                            ? ModelPasses.Greedy(model, set.Take(Spec.Generation.MaxPrompts).Ids, Spec.Generation.MaxNewTokens, Spec.BatchSize, hook)
                            : null;
                        PromptRows(where, method.Label, editSpec.Label, model, set, hook, baseline, generations);
                        if (siteRows is not null) PromptEditSize(where, method.Label, editSpec.Label, set, edit, siteRows.Of(set));
                    }
                    foreach (var text in plan.Texts)
                    {
                        TextRows(where, method.Label, editSpec.Label, text, baseline.Text[text].Measure(hook));
                        if (siteRows is not null) TextEditSize(where, method.Label, editSpec.Label, baseline.Text[text], edit, siteRows.Of(baseline.Text[text].Text));
                    }
                    if (method.Subset is null && Spec.WantsProbe)
                        ProbeRows(where, method.Label, editSpec.Label, acts, edit.Apply);
                    Say($"{where} {method.Label} {editSpec.Label}: {Summary(where, method.Label, editSpec.Label)} in {unit.Elapsed.TotalSeconds:F1} s");
                }
                if (IsNullSource(method))
                {
                    unit.Restart();
                    int draws = NullRows(where, method, model, site, acts, baseline, points);
                    Say($"{where} {method.Label}: null of {draws} random bases x {Spec.Edits.Count} edit(s) in {unit.Elapsed.TotalSeconds:F1} s");
                }
            }
            foreach (var group in Spec.Methods.Where(m => m.SeedGroup is not null).GroupBy(m => m.SeedGroup!))
                _evidence.AddSeedAggregate(where.Model, where.Site, group.Key, group.Select(m => m.Label).ToList());
            foreach (var group in Spec.Methods.Where(m => m.SubsetGroup is not null).GroupBy(m => m.SubsetGroup!))
                _evidence.AddSubsetAggregate(where.Model, where.Site, group.Key, group.Select(m => m.Label).ToList(), group.Select(m => m.Subset!.Value).ToList());
            // After the seed aggregates: a cosine belongs to one pair of directions, not to a group.
            if (Spec.Wants(MetricNames.DirectionStats)) DirectionComparisonRows(where, points);
            // Ratios of rows measured above, for every method and for the seed and subset aggregates.
            if (Spec.Wants(MetricNames.EditSize))
                _evidence.AddPerEditSize(where.Model, where.Site, MetricNames.EditSize, MetricNames.PerEditSize);
            if (Spec.Wants(MetricNames.KlPerBiasChange))
                foreach (var (label, concept) in MethodConcepts)
                    foreach (var editSpec in Spec.Edits)
                        _evidence.AddPerBiasChange(where.Model, where.Site, label, editSpec.Label, concept, MetricNames.PronounBias, MetricNames.KlDamage, MetricNames.KlPerBiasChange);
            foreach (var a in concepts.Values) a.Dispose();
        }
        baseline.Dispose();
    }

    private int TextBatch => Math.Min(Spec.BatchSize, 8);

    /// Fits a method on the concept's training activations (registry methods) or from the model
    /// (gradient, unembed-diff, adversarial), or reads it (file), with the spec's seed set first, and how an iterative fit
    /// went (RLACE, adversarial). The eraser's tensors belong to the caller's dispose scope.
    private (IEraser Eraser, FitReport? Report) Fit(LanguageModel model, Where where, MethodSpec method, Tensor rows, Tensor labels)
    {
        var site = where.Site;
        manual_seed(Spec.Seed);
        try
        {
            if (!DirectionMethods.IsModelBased(method.Name))
            {
                var fitted = method.Method.Fit(new EraserData(rows, labels, $"activations of {method.Concept.Dataset}{Of(method)} at {site}", "labels"), method.Options);
                var report = fitted is RlaceEraser { Report: { } r } ? new FitReport(r.ReachedEpsilon, r.Steps, []) : null;
                return (fitted, report);
            }
            var prompts = plan.SubsetOf(method) ?? plan.TrainingPrompts[method.Concept.Dataset];
            var centre = rows.to(ScalarType.Float64).mean([0]);
            if (method.Name == UnionDirections.Name)
                return (UnionDirections.Of(method.Of!.Select(label => _directions.FirstOrDefault(f => f.Model == where.Model && f.Site == site && f.Label == label)
                    ?? throw new HarnessException($"member {label} has no directions at {site}")).ToList(), centre, method.Options), null);
            if (method.Name == FileDirection.Name)
                return (FileDirection.Load(FileDirection.Resolve(Spec.Source, method.Label, method.Options), rows.shape[1], centre, method.Options), null);
            if (method.Name == AdversarialDirection.Name)
            {
                var (basis, report) = AdversarialDirection.Fit(model, site, prompts, rows, method.Options, Spec.EditPositions, Spec.BatchSize);
                return (new ProjectionEraser(method.Name, basis, centre, method.Options.Values), report);
            }
            var direction = method.Name == DirectionMethods.Gradient
                ? GradientDirection.Direction(model, site, prompts, method.Options.Bool("by_label"), Spec.BatchSize)
                : UnembedDifference.Direction(model, prompts);
            return (new ProjectionEraser(method.Name, direction.unsqueeze(0), centre, method.Options.Values), null);
        }
        catch (HarnessException e)
        {
            throw e.Rephrase($"{Spec.Source}: method {method.Label} at {site}: {e.Message}");
        }
    }

    /// Every prompt set measured unedited and along the null: the evaluated sets and the subsets' own.
    private IEnumerable<PromptSet> AllSets => plan.Evaluations.Concat(plan.SubsetPrompts);

    /// The prompt sets a method is measured on: the evaluated sets, and its own subset's prompts.
    private IEnumerable<PromptSet> SetsOf(MethodSpec method) =>
        plan.SubsetOf(method) is { } own ? plan.Evaluations.Append(own) : plan.Evaluations;

    /// The training rows and labels of a method's subset: the rows of its prompts (a subset's
    /// concept has one row per training prompt, at its last position).
    private (Tensor Rows, Tensor Labels) SubsetRows(MethodSpec method, ConceptActivations acts)
    {
        var items = plan.SubsetOf(method)!.Items!;
        if (acts.TrainRows != plan.TrainingPrompts[method.Concept.Dataset].Count)
            throw new InvalidOperationException($"{method.Label}: {acts.TrainRows} training rows for {plan.TrainingPrompts[method.Concept.Dataset].Count} prompts");
        var index = tensor(items.Select(i => (long)i).ToArray());
        return (acts.Train.index_select(0, index), acts.TrainLabels.index_select(0, index));
    }

    private static string Of(MethodSpec method) => method.Subset is int k ? $" (subset {k})" : "";

    /// The objective at the basis the fit returned: the largest KL, or the smallest logit difference.
    private static double Best(MethodSpec method, double[] curve) =>
        method.Options.Values.GetValueOrDefault("objective") == AdversarialDirection.Flip ? curve.Min() : curve.Max();

    private static string Steps(FitReport? report) =>
        report is null ? "" : $" ({report.Steps} steps, {(report.ReachedStop ? "stop criterion met" : "step limit reached")})";

    /// Whether this method draws a null distribution: the first `random` method with `directions` of
    /// 2 or more of each rank (a later one of the same rank is measured as a method, its null is not
    /// drawn). A method spanning k directions is ranked against the null of rank k when the spec
    /// draws one (NullEffects).
    private bool IsNullSource(MethodSpec method) => _nullSources.Contains(method.Label);

    private readonly HashSet<string> _nullSources = plan.Spec.Methods
        .Where(m => m.Name == RandomDirections.Name && m.Options.Int("directions") > 1)
        .GroupBy(m => m.Options.Int("rank")).Select(g => g.First().Label).ToHashSet();

    /// The null distribution of every edit's effect on the prompt metrics that need only the two
    /// answer logits (pronoun_bias, logit_diff, answer_accuracy) and, when the method's
    /// `null_metrics` is "prompt", on the full-logit prompt metrics too (kl_damage, partner_kl: the
    /// whole vocabulary's logits per draw, about twice the cost): `directions` random bases drawn
    /// from the method's seed stream (draw 0 is the basis fitted above), each edited with every edit
    /// of the spec and measured on every prompt set against the unedited items, pooled and per label.
    /// Text, probe and generation metrics stay off the null: no verdict ranks them. Returns the draws.
    private int NullRows(Where where, MethodSpec method, LanguageModel model, string site, ConceptActivations acts, Baseline baseline, DirectionPoints points)
    {
        _nulls.AddSource(method.Options.Int("rank"), method.Label);
        var metrics = MetricRegistry.Of(Spec, m => m.FromAnswerDifference is not null).ToArray();
        var full = method.Options.Choice(RandomDirections.NullMetricsOption) == RandomDirections.NullPromptMetrics
            ? MetricRegistry.Of(Spec, m => m.Source == MetricSource.PromptLogits && m.FromAnswerDifference is null && m.PerPrompt is not null).ToArray()
            : [];
        if (metrics.Length + full.Length == 0) return 0;
        var o = method.Options;
        int count = o.Int("directions"), rank = o.Int("rank"), seed = o.Int("seed");
        using var scope = NewDisposeScope();
        var bases = RandomDirections.Draws(acts.Train, rank, seed, o.Choice("kind"), count);
        if (rank == 1 && Spec.Wants(MetricNames.DirectionStats))
        {
            var (x, z) = HeldOut(acts);
            points.AddDraws(method.Label, method.Concept.Dataset, bases.Select(b => DirectionStats.Of(x, z, b[0])
                ?? throw new HarnessException($"{Spec.Source}: direction_stats needs two classes of two or more rows in {acts.Dataset}")));
        }
        // Every draw changes only the site and what follows: the blocks before it run once.
        var starts = AllSets.ToDictionary(set => set, set => ModelPasses.CaptureBatches(model, site, set.Ids, Spec.BatchSize));
        try
        {
            for (int j = 0; j < count; j++)
            {
                using var drawScope = NewDisposeScope();
                var eraser = RandomDirections.Eraser(acts.Train, bases[j], rank, seed, o.Bool("affine"), o.Choice("kind"));
                foreach (var editSpec in Spec.Edits)
                {
                    using var edit = BuildEdit(editSpec, eraser, acts.Train, method.Label);
                    var hook = SiteHooks.Edit(model, site, edit, Spec.EditPositions);
                    foreach (var set in AllSets)
                    {
                        void AddNull(string metric, double[] values)
                        {
                            if (_evidence.Baseline(where.Model, where.Site, set.Dataset, set.SplitName, metric) is not { } unedited) return;
                            // A partnered-only metric's items are the prompts with a partner, as in its rows.
                            var keep = Enumerable.Range(0, values.Length).Where(i => !double.IsNaN(values[i])).ToArray();
                            var items = Evidence.Items.Of(keep.Select(i => values[i]).ToArray(), keep.Select(i => set.Pairs[i]).ToArray(), keep.Select(i => set.Labels[i]).ToArray());
                            var effect = items.Minus(unedited);
                            NullEffects.Key Key(string? label) => new(where.Model, where.Site, editSpec.Label, set.Dataset, set.SplitName, metric, label, rank);
                            _nulls.Add(Key(null), effect.Mean);
                            if (set.LabelNames.Count < 2 || !set.Paired) return;
                            for (int label = 0; label < set.LabelNames.Count; label++)
                                if (effect.WithLabel(label) is { Count: > 0 } mine) _nulls.Add(Key(set.LabelNames[label]), mine.Mean);
                        }
                        if (metrics.Length > 0)
                        {
                            var differences = ModelPasses.AnswerDifferences(model, set, Spec.BatchSize, hook, starts[set]);
                            foreach (var metric in metrics) AddNull(metric.Name, differences.Select(metric.FromAnswerDifference!).ToArray());
                        }
                        if (full.Length > 0)
                        {
                            var values = full.ToDictionary(m => m, _ => new double[set.Count]);
                            var unedited = baseline.Logits[set];
                            ModelPasses.LastLogitBatches(model, set.Ids, Spec.BatchSize, hook, (offset, logits) =>
                            {
                                var batch = new PromptBatch(set, offset, logits, unedited);
                                foreach (var metric in full) metric.PerPrompt!(batch).CopyTo(values[metric], offset);
                            }, starts[set]);
                            foreach (var metric in full) AddNull(metric.Name, values[metric]);
                        }
                    }
                }
            }
        }
        finally
        {
            foreach (var start in starts.Values) start.Dispose();
        }
        return count;
    }

    /// The concept's held-out activations and labels (the training ones when it has none).
    private static (Tensor Rows, Tensor Labels) HeldOut(ConceptActivations acts) =>
        acts.Test is { } test && acts.TestLabels is { } labels ? (test, labels) : (acts.Train, acts.TrainLabels);

    private static string HeldOutSplit(ConceptActivations acts) => acts.Test is null ? "train" : "test";

    /// direction_stats of a fitted method's first direction on its concept's held-out activations.
    private void DirectionStatRows(Where where, MethodSpec method, ConceptActivations acts, IDirectionBasis basis, DirectionPoints points)
    {
        if (basis.Directions.shape[0] == 0) return;
        var (x, z) = HeldOut(acts);
        using var scope = NewDisposeScope();
        var first = basis.Directions[0];
        if (DirectionStats.Of(x, z, first) is not { } stats) return;
        string split = HeldOutSplit(acts);
        void Row(string metric, double value) => Add(where, method.Label, ResultRow.FitEdit, method.Concept.Dataset, split, metric, value);
        Row(MetricNames.DirectionMeanDifference, stats.MeanDifference);
        Row(MetricNames.DirectionSpread, stats.Spread);
        Row(MetricNames.DirectionDPrime, stats.DPrime);
        Row(MetricNames.DirectionVariance, stats.Variance);
        points.AddMethod(method.Label, method.Concept.Dataset, first.to(ScalarType.Float64).data<double>().ToArray(), stats);
    }

    /// The cosine between every pair of fitted directions, and, with a rank-1 null, how the size of
    /// each edit's effect on pronoun_bias ranks with the directions' mean difference and d': over the
    /// null's random directions, and over those with the fitted methods of the null's concept.
    private void DirectionComparisonRows(Where where, DirectionPoints points)
    {
        var methods = points.Methods;
        for (int i = 0; i < methods.Count; i++)
            for (int j = i + 1; j < methods.Count; j++)
                _evidence.Add(new ResultRow(Spec.Name, where.Model, where.Site, methods[i].Label, ResultRow.FitEdit, methods[i].Concept, "test",
                    MetricNames.DirectionCosine, DirectionPoints.Cosine(methods[i].Direction, methods[j].Direction))
                {
                    Versus = methods[j].Label,
                    SeedOf = Spec.Methods.FirstOrDefault(m => m.Label == methods[i].Label)?.SeedGroup,
                });
        if (points.NullSource is not { } source || !Spec.Wants(MetricNames.PronounBias)) return;
        var fitted = methods.Where(m => m.Concept == points.NullConcept).ToList();
        foreach (var editSpec in Spec.Edits)
            foreach (var set in plan.Evaluations)
            {
                var drawEffects = _nulls.Of(new NullEffects.Key(where.Model, where.Site, editSpec.Label, set.Dataset, set.SplitName, MetricNames.PronounBias, null, 1));
                if (drawEffects is null || drawEffects.Count != points.Draws.Count) continue;
                var effects = drawEffects.ToList();
                var stats = points.Draws.ToList();
                Correlations(source, effects, stats);
                foreach (var m in fitted)
                    if (_evidence.Rows.LastOrDefault(r => r.IsPooled && r.Model == where.Model && r.Site == where.Site && r.Method == m.Label && r.Edit == editSpec.Label
                        && r.Dataset == set.Dataset && r.Split == set.SplitName && r.Metric == MetricNames.PronounBias)?.Effect is double effect)
                    {
                        effects.Add(effect);
                        stats.Add(m.Stats);
                    }
                if (effects.Count > drawEffects.Count) Correlations(MetricNames.AllDirections, effects, stats);

                void Correlations(string method, List<double> effect, List<DirectionStats> of)
                {
                    var c = RankCorrelation.Compare(effect.Select(Math.Abs).ToList(), of.Select(s => s.MeanDifference).ToList(), of.Select(s => s.DPrime).ToList(), Spec.Resamples, Spec.Seed);
                    void Row(string metric, double value, ClusterBootstrap.Interval ci) => _evidence.Add(new ResultRow(Spec.Name, where.Model, where.Site, method, editSpec.Label,
                        set.Dataset, set.SplitName, metric, value) { NullN = drawEffects.Count, CiLow = ci.Low, CiHigh = ci.High });
                    Row(MetricNames.RankCorrMeanDifference, c.Rho, c.RhoCi);
                    Row(MetricNames.RankCorrDPrime, c.Other, c.OtherCi);
                    Row(MetricNames.RankCorrLargeMinusCrisp, c.Difference, c.DifferenceCi);
                }
            }
    }

    /// The basis and every centre the spec's edits put its origin at, copied out of the method's scope.
    private FittedDirections Keep(Where where, MethodSpec method, IEraser eraser, IDirectionBasis basis, Tensor rows, FitReport? report)
    {
        using var scope = NewDisposeScope();
        var context = EditContext.For(eraser, rows);
        var centres = new SortedDictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var kind in Spec.Edits.Where(e => e.EffectiveStrength is not null).Select(e => e.Centre).Distinct())
            if (basis.Directions.shape[0] > 0)
                centres["centre_" + kind.ToString().ToLowerInvariant()] = context.ResolveCentre(kind, basis.Directions, method.Label);
        return FittedDirections.Of(where.Model, where.Site, method, basis.Directions, centres, report?.Curve ?? []);
    }

    private IEdit BuildEdit(EditSpec spec, IEraser eraser, Tensor rows, string method)
    {
        try
        {
            using var scope = NewDisposeScope();
            return spec.Build(EditContext.For(eraser, rows));
        }
        catch (HarnessException e)
        {
            throw e.Rephrase($"{Spec.Source}: edit {spec.Label} with method {method}: {e.Message}");
        }
    }

    /// Whether every prompt metric of the spec is a function of the answer logit difference alone
    /// (pronoun_bias, logit_diff; not kl_damage): then a prompt pass computes h (W_c - W_w) per prompt
    /// (ModelPasses.AnswerDifferences, exact for the tied unembedding every loaded model has) instead
    /// of the whole vocabulary's logits, the null's cheap path, here for every row.
    private bool AnswerOnly { get; } = MetricRegistry.Of(plan.Spec, m => m.Source == MetricSource.PromptLogits).All(m => m.FromAnswerDifference is not null);

    /// The prompt metrics of one setting: unedited (hook null; without AnswerOnly the full logits were
    /// taken once, in baseline.Logits) or edited.
    private void PromptRows(Where where, string method, string edit, LanguageModel model, PromptSet set, BatchHook? hook, Baseline baseline, int[][]? generations)
    {
        var groupings = Groupings(where, model, set);
        // A partnered-only metric gives NaN for the prompts without a partner: they are not its items.
        void Items(string metric, double[] values, int count)
        {
            var keep = Enumerable.Range(0, count).Where(i => !double.IsNaN(values[i])).ToArray();
            if (keep.Length == 0) return;
            var items = Evidence.Items.Of(keep.Select(i => values[i]).ToArray(), keep.Select(i => set.Pairs[i]).ToArray(), keep.Select(i => set.Labels[i]).ToArray());
            if (keep.Length != count) items = items with { Indices = keep };
            AddItems(where, method, edit, set.Dataset, set.SplitName, metric, items, set.LabelNames, perLabel: set.Paired, groups: groupings);
        }
        if (AnswerOnly)
        {
            var metrics = MetricRegistry.Of(Spec, m => m.Source == MetricSource.PromptLogits).ToList();
            var differences = metrics.Count == 0 ? [] : ModelPasses.AnswerDifferences(model, set, Spec.BatchSize, hook);
            foreach (var metric in metrics)
                Items(metric.Name, differences.Select(metric.FromAnswerDifference!).ToArray(), set.Count);
        }
        else
        {
            var metrics = MetricRegistry.Of(Spec, m => m.PerPrompt is not null).ToList();
            var values = metrics.ToDictionary(m => m, _ => new double[set.Count]);
            var unedited = baseline.Logits[set];
            void Measure(int offset, Tensor logits)
            {
                var batch = new PromptBatch(set, offset, logits, unedited);
                foreach (var metric in metrics) metric.PerPrompt!(batch).CopyTo(values[metric], offset);
            }
            if (hook is null)
                foreach (var (_, offset) in ModelPasses.Batches(set.Ids, Spec.BatchSize))
                    Measure(offset, unedited.narrow(0, offset, Math.Min(Spec.BatchSize, set.Count - offset)));
            else
                ModelPasses.LastLogitBatches(model, set.Ids, Spec.BatchSize, hook, Measure);
            foreach (var metric in metrics) Items(metric.Name, values[metric], set.Count);
        }
        if (generations is not null)
        {
            var unedited = baseline.Generations[set];
            if (Spec.Wants(MetricNames.GenerationDivergence))
            {
                var divergence = GenerationDivergence.Compute(unedited, generations);
                Items(MetricNames.GenerationDivergence, divergence.FirstDifference.Select(d => (double)d).ToArray(), generations.Length);
            }
            if (Spec.Wants(MetricNames.PartnerDivergence))
            {
                // Against the partner's unedited generation, for prompts whose partner was generated too.
                var partners = set.Partners();
                var values = Enumerable.Range(0, generations.Length).Select(i => partners[i] >= 0 && partners[i] < unedited.Length
                    ? GenerationDivergence.FirstDifference(unedited[partners[i]], generations[i]) : double.NaN).ToArray();
                Items(MetricNames.PartnerDivergence, values, generations.Length);
            }
        }
    }

    /// edit_size of one setting on a prompt set: per prompt, the mean ||edit(x) - x|| over its
    /// edited positions at the site.
    private void PromptEditSize(Where where, string method, string edit, PromptSet set, IEdit e, SiteRowSet rows)
    {
        var values = EditSize.MeanByOwner(EditSize.PerRow(e, rows.Rows), rows.Owner, set.Count);
        AddItems(where, method, edit, set.Dataset, set.SplitName, MetricNames.EditSize, Evidence.Items.Of(values, set.Pairs, set.Labels), set.LabelNames, perLabel: set.Paired);
    }

    /// edit_size of one setting on a text: one item per position, clustered by text (split "text"),
    /// and at the unflipped positions (split "text-unflipped") when the text has concept words. With
    /// edits at every position these are KL's positions; with "last", each text's last.
    private void TextEditSize(Where where, string method, string edit, TextEvaluation text, IEdit e, SiteRowSet rows)
    {
        var items = Evidence.Items.Of(EditSize.PerRow(e, rows.Rows), rows.Owner, Enumerable.Repeat(-1, rows.Owner.Length).ToArray());
        AddItems(where, method, edit, text.Text.Dataset, ResultRow.TextSplit, MetricNames.EditSize, items, [], perLabel: false);
        if (text.Unflipped is { } keep)
            AddItems(where, method, edit, text.Text.Dataset, ResultRow.UnflippedTextSplit, MetricNames.EditSize,
                items.Count == keep.Length ? items.Where(keep) : items, [], perLabel: false);
    }

    /// Every method label of the spec and every seed and subset aggregate, with its concept dataset.
    private IEnumerable<(string Label, string Concept)> MethodConcepts =>
        Spec.Methods.Select(m => (m.Label, m.Concept.Dataset))
            .Concat(Spec.Methods.Where(m => m.SeedGroup is not null).Select(m => (m.SeedGroup!, m.Concept.Dataset)))
            .Concat(Spec.Methods.Where(m => m.SubsetGroup is not null).Select(m => (m.SubsetGroup!, m.Concept.Dataset)))
            .Distinct();

    /// The text metrics of one setting (split "text"), and KL at the unflipped positions (split
    /// "text-unflipped") when the text has concept words.
    private void TextRows(Where where, string method, string edit, TextSet text, TextDamage damage)
    {
        void Rows(string split, TextDamage d, IEnumerable<Metric> metrics)
        {
            foreach (var metric in metrics)
            {
                var measure = metric.OnText!(d);
                if (measure.Values.Length == 0) { Add(where, method, edit, text.Dataset, split, metric.Name, double.NaN); continue; }
                var items = Evidence.Items.Of(measure.Values, measure.Texts, Enumerable.Repeat(-1, measure.Values.Length).ToArray());
                if (measure.OfMean is null)
                    AddItems(where, method, edit, text.Dataset, split, metric.Name, items, [], perLabel: false);
                else
                    _evidence.Add(_evidence.Mapped(new ResultRow(Spec.Name, where.Model, where.Site, method, edit, text.Dataset, split, metric.Name, double.NaN), items, measure.OfMean));
            }
        }
        var textMetrics = MetricRegistry.Of(Spec, m => m.OnText is not null).ToList();
        Rows(ResultRow.TextSplit, damage, textMetrics);
        if (damage.AtUnflipped() is { } unflipped)
            Rows(ResultRow.UnflippedTextSplit, unflipped, textMetrics.Where(m => m.Name == MetricNames.KlDamage));
    }

    /// Retrains the probes the spec asks for (ProbeAccuracy, MlpProbe; default options) on
    /// transform(train activations) and scores them on transform(test activations). The MLP is not
    /// run on a method's own subspace ("keep"): that row is ProbeSubspace's sanity check, linear by
    /// design.
    private void ProbeRows(Where where, string method, string edit, ConceptActivations acts, Func<Tensor, Tensor> transform)
    {
        if (acts.Test is null || acts.TestLabels is null) return;
        bool linear = Spec.Wants(MetricNames.ProbeAccuracy), mlp = Spec.Wants(MetricNames.MlpProbeAccuracy) && edit != ResultRow.KeepEdit;
        if (!linear && !mlp) return;
        ProbeAccuracy.Result? linearResult = null, mlpResult = null;
        using (NewDisposeScope())
        {
            var (train, test) = (transform(acts.Train), transform(acts.Test));
            if (linear) linearResult = ProbeAccuracy.TrainTest(train, acts.TrainLabels, test, acts.TestLabels);
            if (mlp) mlpResult = MlpProbe.TrainTest(train, acts.TrainLabels, test, acts.TestLabels, new MlpProbeOptions { Seed = Spec.Seed });
        }
        // Pooled only: accuracy on one label's rows is that class's recall, which moves with the
        // retrained probe's intercept (float64 vs float32 traded 1.5 % of female for male recall
        // after INLP, the pooled accuracy unchanged); items.jsonl keeps each row's label.
        var labels = acts.TestLabels.data<long>().Select(l => (int)l).ToArray();
        void Rows(string metric, double[] correct) =>
            AddItems(where, method, edit, acts.Dataset, "test", metric, Evidence.Items.Of(correct, acts.TestClusters, labels), acts.LabelNames, perLabel: false);
        if (linearResult is not null) Rows(MetricNames.ProbeAccuracy, linearResult.TestCorrect);
        if (mlpResult is not null) Rows(MetricNames.MlpProbeAccuracy, mlpResult.TestCorrect);
        Rows(MetricNames.ProbeMajority, (linearResult ?? mlpResult)!.MajorityCorrect);
    }

    private string ProbeSummary() =>
        (Spec.Wants(MetricNames.ProbeAccuracy) ? ", unedited probe " + F(Last(MetricNames.ProbeAccuracy)) : "")
        + (Spec.Wants(MetricNames.MlpProbeAccuracy) ? ", unedited MLP probe " + F(Last(MetricNames.MlpProbeAccuracy)) : "");

    /// For each prompt with a partner (same pair, other label): patch the partner's component along
    /// the directions into the prompt's residual at the last position and measure the change of
    /// log p(correct) - log p(wrong). Sets without pairs give no row.
    private void ConfusionRows(Where where, string method, LanguageModel model, string site, IDirectionBasis basis, PromptSet set, Tensor unedited)
    {
        var partners = set.Partners();
        if (partners.All(p => p < 0)) return;
        using var scope = NewDisposeScope();
        var (residuals, _) = ModelPasses.Capture(model, site, set.Ids, Positions.Last, Spec.BatchSize);
        var directions = basis.Directions;
        var patched = ModelPasses.LastLogits(model, set.Ids, Spec.BatchSize, SiteHooks.Patch(model, site, directions, residuals, partners));
        var before = LogitDifference.Compute(unedited, set.Correct, set.Wrong).PerPrompt;
        var after = LogitDifference.Compute(patched, set.Correct, set.Wrong).PerPrompt;
        var patchedPrompts = Enumerable.Range(0, set.Count).Where(i => partners[i] >= 0).ToArray();
        var items = Evidence.Items.Of(patchedPrompts.Select(i => after[i] - before[i]).ToArray(),
            patchedPrompts.Select(i => set.Pairs[i]).ToArray(), patchedPrompts.Select(i => set.Labels[i]).ToArray()) with { Indices = patchedPrompts };
        AddItems(where, method, ResultRow.PatchEdit, set.Dataset, set.SplitName, MetricNames.Confusion, items, set.LabelNames);
    }

    private void Add(Where where, string method, string edit, string dataset, string split, string metric, double value) =>
        _evidence.Add(new ResultRow(Spec.Name, where.Model, where.Site, method, edit, dataset, split, metric, value));

    /// The groupings of a prompt set's rows: its cues (`cue=<cue>`) and, when the spec asks for
    /// `confidence_bins`, the unedited model's confidence (`confidence=<bin>`, ConfidenceBins; one
    /// unedited pass per model and set, taken the first time).
    private List<IReadOnlyList<string>> Groupings(Where where, LanguageModel model, PromptSet set)
    {
        var groupings = new List<IReadOnlyList<string>>();
        if (set.Cues is { } cues) groupings.Add(cues.Select(Evidence.EvidenceRows.GroupLabel).ToArray());
        if (Spec.Evaluate.ConfidenceBins is int bins)
        {
            if (!_confidence.TryGetValue((where.Model, set), out var labels))
            {
                var scores = ModelPasses.AnswerDifferences(model, set, Spec.BatchSize).Select(d => PronounBias.Score(d, 0)).ToArray();
                _confidence[(where.Model, set)] = labels = ConfidenceBins.Of(scores, set.Pairs, bins);
            }
            groupings.Add(labels);
        }
        return groupings;
    }

    private readonly Dictionary<(string Model, PromptSet Set), string[]> _confidence = new();

    private void AddItems(Where where, string method, string edit, string dataset, string split, string metric, Items items, IReadOnlyList<string> labelNames, bool perLabel = true, IReadOnlyList<IReadOnlyList<string>>? groups = null) =>
        _evidence.Add(new ResultRow(Spec.Name, where.Model, where.Site, method, edit, dataset, split, metric, items.Mean), items, labelNames, perLabel, groups);

    private double Last(string metric) => _evidence.Rows.LastOrDefault(r => r.Metric == metric && r.IsPooled)?.Value ?? double.NaN;

    /// "gender/test bias 0.873, controls/test bias 0.912": the first metric of each prompt set.
    private string Summary(Where where, string method, string edit)
    {
        var metric = Spec.Metrics.FirstOrDefault(m => m is MetricNames.PronounBias or MetricNames.LogitDiff or MetricNames.KlDamage);
        if (metric is null) return "measured";
        var parts = _evidence.Rows.Where(r => r.IsPooled && r.Model == where.Model && r.Site == where.Site && r.Method == method && r.Edit == edit && r.Metric == metric && !r.IsText)
            .Select(r => $"{r.Dataset}/{r.Split} {metric} {F(r.Value)}");
        return string.Join(", ", parts);
    }

    private void Say(string line) => progress.WriteLine($"run: {line}");

    private static string F(double x) => x.ToString("0.000", CultureInfo.InvariantCulture);

    private readonly record struct Where(string Model, string Site)
    {
        public override string ToString() => $"{Model} {Site}";
    }

    /// The unedited outputs every edit is compared with.
    private sealed class Baseline : IDisposable
    {
        public Dictionary<PromptSet, Tensor> Logits { get; } = new();
        public Dictionary<PromptSet, int[][]> Generations { get; } = new();
        public Dictionary<TextSet, TextEvaluation> Text { get; } = new();

        public void Dispose()
        {
            foreach (var t in Logits.Values) t.Dispose();
            foreach (var t in Text.Values) t.Dispose();
        }
    }
}
