using static Harness.Experiments.Verdicts.ResultQuery;

namespace Harness.Experiments.Verdicts;

/// Swap: reflecting the activations through the concept direction ("swap") inverts the bias. In the
/// discussion, on GPT-2: RLACE 0.87 -> -0.29 (inverted), the probe only to 0.68, reflected around
/// the median (Fabien's runs); Neel's formula v - 2 (v.d) d reflects through the origin. Per method:
/// for every reflect edit of the spec (each centre: median, zero, mean), the edited bias has its
/// interval below 0 (inverted), the first one's effect beyond the null; and Fabien's "without breaking
/// the model more than the projection": where the spec measures kl_damage on a control dataset, each
/// reflection's KL there is not above the projection's (their intervals not disjoint in that order).
public sealed class SwapRule : BiasEditRule
{
    public override string Name => "Swap";
    public override string Claim => "reflecting along the concept direction inverts the bias (the edited bias's interval below 0, the effect beyond the null) at every centre, without more damage on control prompts than projecting out";
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
        var project = q.Edit("project");
        if (project is null) yield break;
        foreach (var control in q.Datasets.Where(d => d != dataset))
            foreach (var e in reflects)
                if (q.Row(MetricNames.KlDamage, method, e, control) is { } reflected && q.Row(MetricNames.KlDamage, method, project, control) is { } projected)
                {
                    var more = MethodEvidence.Exceeds(reflected, e, projected, project);
                    yield return more.Negated($"kl_damage on {control}: {more.Line}");
                }
    }
}
