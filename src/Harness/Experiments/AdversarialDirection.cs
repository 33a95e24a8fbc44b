using Harness.Erasure;
using Harness.Models;
using static TorchSharp.torch;

namespace Harness.Experiments;

/// A direction learned to break: the discussion's "for any set of, say, 10 prompts ... you could
/// learn a direction that fucks with all of them". A basis D [k, d] (orthonormal rows, from a free
/// parameter U by QR; for k = 1, u / |u|) is optimised by gradient through the model so that the
/// edit along it,
///
///     x' = x - a ((x - m) D^T) D,    a = 1 (project) or 2 (reflect),
///
/// applied at the site (at the spec's edit positions) to the method's training prompts, does the
/// most damage there. m is the centre of the method's `centre` option, computed from the concept's
/// training activations as the edits compute it (Centre): the mean, the per-direction median
/// D^T median(D x) (differentiable through D, by sorting) or the origin. Objectives, at each
/// prompt's last position:
///
///   kl:   maximise the mean KL(p_unedited || p_edited) over the whole vocabulary;
///   flip: minimise the mean log p(correct) - log p(wrong) (= the logit difference).
///
/// Full-batch Adam (every step sees every training prompt, batched as the runner batches), seeded
/// initialisation U ~ N(0, I) from its own generator. It stops after `max_steps`, or earlier when the
/// best objective improved by less than `tolerance` (relative to its size, at least 1e-3 of it in
/// nats) over the last `patience` steps; the basis returned is the best one seen. The blocks before
/// the site run once (their activations are captured), each step runs the rest of the model.
public static class AdversarialDirection
{
    public const string Name = "adversarial";
    public const string Kl = "kl";
    public const string Flip = "flip";

    public static IReadOnlyList<EraserOption> Declared { get; } =
    [
        EraserOption.Choice("objective", Kl, "kl: maximise the mean KL(unedited || edited) at the last position; flip: minimise the mean log p(correct) - log p(wrong)", Kl, Flip),
        EraserOption.Choice("edit", "project", "the edit the direction is learned for: project (a = 1) or reflect (a = 2) the component along it", "project", "reflect"),
        EraserOption.Choice("centre", "median", "the origin of the edit during the fit: median or mean of the training activations' coordinates, or zero", "median", "mean", "zero"),
        EraserOption.Integer("rank", 1, "directions learned together (an orthonormal basis)", min: 1),
        EraserOption.Integer("max_steps", 300, "most Adam steps (each over every training prompt)", min: 1, max: 100000),
        EraserOption.Number("learning_rate", 0.05, "Adam's learning rate on the free parameter (initialised with unit-scale entries)", min: 0, minExclusive: true),
        EraserOption.Number("tolerance", 0.001, "stop once the best objective improved by less than this fraction over the last `patience` steps", min: 0),
        EraserOption.Integer("patience", 25, "steps over which the improvement is measured for the stop", min: 1),
        EraserOption.Integer("seed", 0, "seed of the initial direction", min: 0),
    ];

    public static EraserMethod Definition { get; } = new(
        Name,
        "a direction optimised through the model so that editing along it (project or reflect) does the most damage on the training prompts (KL, or flipping the answers)",
        Declared,
        needsConcept: true,
        fit: (_, _) => throw new InvalidOperationException("the adversarial direction is fitted by the experiment runner through the model (AdversarialDirection)"),
        load: ProjectionEraser.Load);

    /// The learned basis D [k, d] (float64, orthonormal rows) and how the fit went. `activations`
    /// [n, d] are the concept's training activations the centre is computed from.
    public static (Tensor Directions, FitReport Report) Fit(LanguageModel model, string site, PromptSet prompts, Tensor activations,
        EraserOptions options, Positions positions, int batchSize)
    {
        int rank = options.Int("rank"), maxSteps = options.Int("max_steps"), patience = options.Int("patience");
        double alpha = options.Choice("edit") == "reflect" ? 2 : 1, tolerance = options.Double("tolerance");
        bool kl = options.Choice("objective") == Kl;
        string centre = options.Choice("centre");
        long d = model.Config.DModel;
        if (rank > d) throw new HarnessException($"adversarial: rank {rank} is larger than the dimension {d} of the residual at {site}");
        if (prompts.Count == 0) throw new HarnessException($"adversarial: {prompts.File} has no prompts to learn from");

        using var outer = NewDisposeScope();
        var dtype = model.Dtype;
        var device = model.Device;
        var starts = ModelPasses.CaptureBatches(model, site, prompts.Ids, batchSize);
        var batches = ModelPasses.Batches(prompts.Ids, batchSize).ToList();
        var targets = new List<Target>();
        try
        {
            using (no_grad())
                for (int b = 0; b < batches.Count; b++)
                    targets.Add(Target.Of(model, site, batches[b].Batch, batches[b].Offset, prompts, starts.Batches[b], positions, kl));
            var rows = activations.detach().to(dtype).to(device);
            var mean = rows.mean([0]);

            var generator = new Generator(0, CPU);
            generator.manual_seed(options.Int("seed"));
            var u = new TorchSharp.Modules.Parameter(randn([rank, d], ScalarType.Float64, generator: generator).to(dtype).to(device), requires_grad: true);
            using var adam = optim.Adam([u], lr: options.Double("learning_rate"));

            var curve = new List<double>();
            var best = double.NegativeInfinity;   // of the damage (kl, or minus the logit difference)
            var bestHistory = new List<double>();
            Tensor? bestD = null;
            bool converged = false;
            for (int step = 0; step < maxSteps; step++)
            {
                Interruption.ThrowIfRequested();
                using var stepScope = NewDisposeScope();
                adam.zero_grad();
                double damage = 0;
                Tensor basis;
                using (enable_grad())
                {
                    basis = Orthonormal(u);                                    // [k, d]
                    var m = Origin(centre, rows, mean, basis);                 // [d]
                    // Each batch's backward stops at leaf copies of the basis and the centre; one
                    // backward from them to u follows, so no batch's graph outlives its batch.
                    var basisLeaf = basis.detach().requires_grad_(true);
                    var mLeaf = m.detach().requires_grad_(true);
                    foreach (var t in targets)
                    {
                        using var batchScope = NewDisposeScope();
                        var x = t.Start;
                        var moved = (x - mLeaf).matmul(basisLeaf.t()).matmul(basisLeaf) * alpha;   // [b, t, d]
                        var edited = t.Mask is null ? x - moved : x - moved * t.Mask;
                        var hidden = model.FinalHiddenFrom(site, edited);
                        var last = hidden.index(TensorIndex.Tensor(t.Rows), TensorIndex.Tensor(t.Last));   // [b, d]
                        Tensor perPrompt = kl
                            ? KlFrom(t.UneditedLogProbs!, model.Unembed(last))
                            : -(last * t.AnswerDirection!).sum(1);
                        var total = perPrompt.sum() / prompts.Count;
                        (-total).backward();
                        damage += total.detach().to(ScalarType.Float64).item<double>();
                    }
                    var surrogate = (basis * basisLeaf.grad!).sum();
                    if (m.requires_grad) surrogate = surrogate + (m * mLeaf.grad!).sum();
                    surrogate.backward();
                }
                curve.Add(kl ? damage : -damage);
                if (damage > best || bestD is null)
                {
                    best = damage;
                    bestD?.Dispose();
                    // Orthonormalised again in float64: the model's float32 basis is orthonormal to 1e-7 only.
                    bestD = Orthonormal(u.detach().to(ScalarType.Float64).cpu()).contiguous().DetachFromDisposeScope();
                }
                bestHistory.Add(best);
                if (step >= patience && Improvement(bestHistory[step - patience], best) < tolerance) { converged = true; break; }
                adam.step();
            }
            var report = new FitReport(converged, curve.Count, curve.ToArray());
            return (bestD!.MoveToOuterDisposeScope(), report);
        }
        finally
        {
            starts.Dispose();
            foreach (var t in targets) t.Dispose();
        }
    }

    /// Relative improvement of a damage from `before` to `after`, against a floor of 1e-3 (nats):
    /// a damage of 0.0001 that doubles is not progress worth more steps.
    private static double Improvement(double before, double after) =>
        (after - before) / Math.Max(Math.Abs(before), 1e-3);

    /// D [k, d] with orthonormal rows spanning the rows of u: u / |u| for one row, else Q^T of u^T = QR.
    private static Tensor Orthonormal(Tensor u)
    {
        if (u.shape[0] == 1) return u / u.norm();
        var (q, _) = linalg.qr(u.t());
        return q.t();
    }

    /// The edit's origin m [d] for the basis: the rows' mean, D^T median(D x) or zero.
    private static Tensor Origin(string centre, Tensor rows, Tensor mean, Tensor basis) => centre switch
    {
        "mean" => mean,
        "zero" => zeros_like(mean),
        _ => MedianCentre(rows, basis),
    };

    /// D^T med with med the per-direction median of the coordinates (mean of the two middle values
    /// for an even count, as Centre.Median), differentiable through D.
    private static Tensor MedianCentre(Tensor rows, Tensor basis)
    {
        var coords = rows.matmul(basis.t()).sort(0).Values;          // [n, k]
        long n = coords.shape[0];
        var med = n % 2 == 1 ? coords[n / 2] : (coords[n / 2 - 1] + coords[n / 2]) / 2;
        return med.unsqueeze(0).matmul(basis).squeeze(0);
    }

    /// KL(p || q) per row from log p [b, V] and q's logits, in float32 at least (Wide).
    private static Tensor KlFrom(Tensor logP, Tensor logits)
    {
        var logQ = nn.functional.log_softmax(Wide(logits), 1);
        return (logP.exp() * (logP - logQ)).sum(1);
    }

    /// Logits as float32, or float64 when the model runs in float64 (half precision is too coarse
    /// for a log-softmax over the vocabulary).
    private static Tensor Wide(Tensor logits) => logits.dtype == ScalarType.Float64 ? logits : logits.to(ScalarType.Float32);

    /// One batch of training prompts: its activations at the site, the last real positions, the
    /// mask of the positions the edit touches (null: all), and what the objective compares with.
    private sealed class Target : IDisposable
    {
        public required Tensor Start { get; init; }
        public required Tensor Rows { get; init; }
        public required Tensor Last { get; init; }
        public Tensor? Mask { get; init; }
        public Tensor? UneditedLogProbs { get; init; }
        public Tensor? AnswerDirection { get; init; }

        public static Target Of(LanguageModel model, string site, IReadOnlyList<int[]> batch, int offset, PromptSet prompts, Tensor start,
            Positions positions, bool kl)
        {
            using var scope = NewDisposeScope();
            var device = model.Device;
            int n = batch.Count;
            long tokens = start.shape[1];
            var rows = arange(n, device: device);
            var last = tensor(batch.Select(p => (long)p.Length - 1).ToArray(), device: device);
            Tensor? mask = null;
            if (positions == Positions.Last)
            {
                var flags = new float[n * tokens];
                for (int b = 0; b < n; b++) flags[b * tokens + batch[b].Length - 1] = 1;
                mask = tensor(flags, [n, tokens, 1]).to(start.dtype).to(device);
            }
            Tensor? logP = null, direction = null;
            if (kl)
            {
                var hidden = model.FinalHiddenFrom(site, start);
                logP = nn.functional.log_softmax(Wide(model.Unembed(hidden.index(TensorIndex.Tensor(rows), TensorIndex.Tensor(last)))), 1);
            }
            else
            {
                var correct = tensor(prompts.Correct.Skip(offset).Take(n).Select(i => (long)i).ToArray(), device: device);
                var wrong = tensor(prompts.Wrong.Skip(offset).Take(n).Select(i => (long)i).ToArray(), device: device);
                var w = model.TokenEmbedding;
                direction = w.index_select(0, correct) - w.index_select(0, wrong);
            }
            return new Target
            {
                Start = start,
                Rows = rows.DetachFromDisposeScope(),
                Last = last.DetachFromDisposeScope(),
                Mask = mask?.DetachFromDisposeScope(),
                UneditedLogProbs = logP?.DetachFromDisposeScope(),
                AnswerDirection = direction?.DetachFromDisposeScope(),
            };
        }

        public void Dispose()
        {
            Rows.Dispose();
            Last.Dispose();
            Mask?.Dispose();
            UneditedLogProbs?.Dispose();
            AnswerDirection?.Dispose();
        }
    }
}
