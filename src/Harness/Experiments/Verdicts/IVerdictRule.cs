namespace Harness.Experiments.Verdicts;

/// A small rule that turns an experiment's results into a verdict on one hypothesis of the
/// discussion. Each rule lives in its own file; VerdictRules lists them. A spec selects one with
/// `"hypothesis": "<Name>"`. Rules read only the rows (they never run a model), say "inconclusive"
/// when the rows they need are missing, and put every number they compared into the evidence.
public interface IVerdictRule
{
    /// The hypothesis' name, as specs and the Hypotheses tests write it ("Swap").
    string Name { get; }

    /// One line: what the hypothesis says and what the rule checks.
    string Claim { get; }

    /// What the rule reads: a spec naming the hypothesis without it is refused when parsed.
    RuleNeeds Needs { get; }

    /// Judges the pooled rows; `labels` says what their method and edit labels stand for.
    Verdict Decide(IReadOnlyList<ResultRow> rows, RunLabels labels);
}
