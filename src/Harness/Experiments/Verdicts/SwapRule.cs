using static Harness.Experiments.Verdicts.ResultQuery;

namespace Harness.Experiments.Verdicts;

/// Swap: reflecting the activations through the concept direction ("swap") inverts the bias. In the
/// discussion, on GPT-2: RLACE 0.87 -> -0.29 (inverted), the probe only to 0.68, reflected around
/// the median (Fabien's runs); Neel's formula v - 2 (v.d) d reflects through the origin. Per method:
///   - for every reflect edit of the spec (each centre: median, zero, mean), the edited bias has its
///     interval below 0 (inverted), the first one's effect beyond the null;
///   - where partner_kl was measured, each reflection moves a prompt's next-token distribution
///     toward its partner's (the paired-partner comparison: KL(partner unedited || edited) falls,
///     its effect's interval below 0);
///   - Fabien's "without breaking the model more than the projection": on every other evaluated
///     dataset (controls, unrelated), each reflection's KL per unit of edit size is not above the
///     projection's (their intervals not disjoint in that order). A reflection moves the residual
///     twice as far as the projection along the same direction, so the raw KL (in the line) would
///     charge it for its size; without edit_size the raw KL is compared.
public sealed class SwapRule : BiasEditRule
{
    public override string Name => "Swap";
    public override string Claim => "reflecting along the concept direction inverts the bias (the edited bias's interval below 0, the effect beyond the null) at every centre, moves each prompt toward its partner, and damages other prompts no more per unit of edit size than projecting out";
    protected override string EditFamily => "reflect";
    protected override (MethodEvidence.Quantity Quantity, MethodEvidence.Side Side, double Boundary) PerMethod =>
        (MethodEvidence.Quantity.Value, MethodEvidence.Side.Below, 0);

    protected override IEnumerable<Check> MoreChecks(ResultQuery q, string method, string dataset)
    {
        var reflects = q.Labels.EditKinds.Where(e => e.Value == "reflect").Select(e => e.Key).Where(e => q.Row(MetricNames.PronounBias, method, e, dataset) is not null).ToList();
        foreach (var e in reflects.Skip(1))
        {
            var check = MethodEvidence.Judge(q.Row(MetricNames.PronounBias, method, e, dataset)!, MethodEvidence.Quantity.Value, MethodEvidence.Side.Below, 0, MethodEvidence.MaxBiasWidth);
            yield return check with { Line = $"{e}: {check.Line}" };
        }
        foreach (var e in reflects)
            if (q.Row(MetricNames.PartnerKl, method, e, dataset) is { } partner)
            {
                var toward = MethodEvidence.Judge(partner, MethodEvidence.Quantity.Effect, MethodEvidence.Side.Below, 0, double.PositiveInfinity, needsNull: false);
                yield return toward with { Line = $"{e}: partner_kl {F(q.Baseline(MetricNames.PartnerKl, dataset))} -> {F(partner.Value)}, {toward.Line}" };
            }
        var project = q.Edit("project");
        if (project is null) yield break;
        foreach (var other in q.Datasets.Where(d => d != dataset))
            foreach (var e in reflects)
            {
                var raw = (q.Row(MetricNames.KlDamage, method, e, other), q.Row(MetricNames.KlDamage, method, project, other));
                var perSize = (q.Row(MetricNames.KlPerEditSize, method, e, other), q.Row(MetricNames.KlPerEditSize, method, project, other));
                if (perSize is ({ } reflected, { } projected))
                {
                    var more = MethodEvidence.Exceeds(reflected, e, projected, project);
                    var rawLine = raw is ({ } r, { } p) ? $" (raw kl_damage {F(r.Value)} vs {F(p.Value)})" : "";
                    yield return more.Negated($"{MetricNames.KlPerEditSize} on {other}: {more.Line}{rawLine}");
                }
                else if (raw is ({ } r, { } p))
                {
                    var more = MethodEvidence.Exceeds(r, e, p, project);
                    yield return more.Negated($"kl_damage on {other}: {more.Line}");
                }
            }
    }
}
