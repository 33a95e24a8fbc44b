using Harness.Experiments;
using Harness.Experiments.Evidence;

namespace Harness.Tests.Experiments.Evidence;

/// Rows built from items: mean, n and interval; an edited row's paired effect against the
/// unedited row of the same items; one more row per label; rows that are not means left alone.
public class EvidenceRowsTests
{
    private static readonly string[] Labels = ["female", "male"];

    [Test]
    public void RowsCarryMeanIntervalEffectAndOneRowPerLabel()
    {
        var evidence = new EvidenceRows(1000, 0);
        // Four prompts in two pairs; female prompts first in each pair.
        int[] pairs = [0, 0, 1, 1], labels = [0, 1, 0, 1];
        evidence.Add(Row("none", "none"), Items.Of([1, 0.8, 0.9, 0.7], pairs, labels), Labels);
        evidence.Add(Row("rlace", "project"), Items.Of([-1, 1, -0.9, 0.7], pairs, labels), Labels);
        evidence.Add(new ResultRow("e", "m", "s", "rlace", "fit", "gender", "train", MetricNames.Directions, 1));

        var rows = evidence.Rows;
        rows.Should().HaveCount(7);
        var baseline = rows[0];
        baseline.IsPooled.Should().BeTrue();
        baseline.Value.Should().BeApproximately(0.85, 1e-12);
        baseline.N.Should().Be(4);
        baseline.CiLow.Should().BeLessThanOrEqualTo(0.85).And.BeGreaterThanOrEqualTo(0.7);
        baseline.Effect.Should().BeNull("the unedited row is the reference itself");
        rows[1].Label.Should().Be("female");
        rows[1].Value.Should().BeApproximately(0.95, 1e-12);
        rows[2].Label.Should().Be("male");
        rows[2].N.Should().Be(2);

        var edited = rows[3];
        edited.Value.Should().BeApproximately(-0.05, 1e-12);
        edited.Effect.Should().BeApproximately(-0.9, 1e-12);
        edited.EffectCiLow.Should().BeLessThanOrEqualTo(edited.Effect!.Value);
        edited.EffectCiHigh.Should().BeGreaterThanOrEqualTo(edited.Effect!.Value);
        // The one-sided shift the pooled value hides: female prompts fall by 1.9, male ones by 0.1.
        rows[4].Effect.Should().BeApproximately(-1.9, 1e-12);
        rows[5].Effect.Should().BeApproximately(0.1 - 0.0, 0.2).And.BeApproximately(0.1, 1e-12);

        rows[6].N.Should().BeNull();
        rows[6].CiLow.Should().BeNull();
        evidence.Measured.Should().HaveCount(2, "items.jsonl holds the pooled rows' items");
    }

    [Test]
    public void UnlabelledItemsGiveOnlyThePooledRow()
    {
        var evidence = new EvidenceRows(500, 0);
        evidence.Add(Row("none", "none"), Items.Of([1, 2, 3], [0, 1, 2], [-1, -1, -1]), []);
        evidence.Rows.Should().ContainSingle();
    }

    [Test]
    public void SeedsAggregateToTheItemWiseMeanWithTheirSpread()
    {
        var evidence = new EvidenceRows(1000, 0);
        int[] pairs = [0, 0, 1, 1], labels = [0, 1, 0, 1];
        evidence.Add(Row("none", "none"), Items.Of([1, 0.8, 0.9, 0.7], pairs, labels), Labels);
        evidence.Add(Row("rlace(seed=0)", "project"), Items.Of([0.2, 0.4, 0.6, 0.8], pairs, labels), Labels);
        evidence.Add(Row("rlace(seed=1)", "project"), Items.Of([0.4, 0.6, 0.8, 1.0], pairs, labels), Labels);
        evidence.Add(new ResultRow("e", "m", "s", "rlace(seed=0)", "fit", "gender", "train", MetricNames.StopReached, 1));
        evidence.Add(new ResultRow("e", "m", "s", "rlace(seed=1)", "fit", "gender", "train", MetricNames.StopReached, 0));
        evidence.AddSeedAggregate("m", "s", "rlace", ["rlace(seed=0)", "rlace(seed=1)"]);

        var pooled = evidence.Rows.Single(r => r.Method == "rlace" && r.IsPooled && r.Metric == MetricNames.PronounBias);
        pooled.Value.Should().BeApproximately(0.6, 1e-12, "the mean of the seeds' means (0.5 and 0.7)");
        pooled.Effect.Should().BeApproximately(0.6 - 0.85, 1e-12);
        pooled.EffectCiLow.Should().NotBeNull();
        pooled.Seeds.Should().Be(2);
        pooled.SeedSd.Should().BeApproximately(Math.Sqrt(0.02), 1e-12);
        (pooled.SeedMin, pooled.SeedMax).Should().Be((0.5, 0.7));
        var female = evidence.Rows.Single(r => r.Method == "rlace" && r.Label == "female");
        female.Value.Should().BeApproximately(0.5, 1e-12, "seed means 0.4 and 0.6 on the female prompts");
        female.Seeds.Should().Be(2);
        evidence.Rows.Single(r => r.Method == "rlace" && r.Metric == MetricNames.StopReached).Value.Should().Be(0.5, "one seed of two met it");
        evidence.Rows.Where(r => r.Method.StartsWith("rlace(", StringComparison.Ordinal)).Should().OnlyContain(r => r.SeedOf == "rlace");
        evidence.Measured.Single(m => m.Row.Method == "rlace").Items.Mean.Should().BeApproximately(pooled.Value, 1e-12, "items.jsonl holds the aggregate's items too");
    }

    [Test]
    public void PromptsWithCuesGetOneRowPerCueWithItsOwnPairedEffect()
    {
        var evidence = new EvidenceRows(1000, 0);
        // Six prompts in three pairs; the pairs' cues "1", "3", "1" (both prompts of a pair share it).
        int[] pairs = [0, 0, 1, 1, 2, 2], labels = [0, 1, 0, 1, 0, 1];
        string[] cues = ["1", "1", "3", "3", "1", "1"];
        // A second grouping beside the cues: the unedited model's confidence, by pair (pair 1 most confident).
        var confidence = ConfidenceBins.Of([0.2, 0.4, 0.9, 0.7, 0.3, 0.1], pairs, 2);
        confidence.Should().Equal(["confidence=1", "confidence=1", "confidence=2", "confidence=2", "confidence=1", "confidence=1"],
            "pair means 0.3, 0.8, 0.2: pairs 2 and 0 are the lower half (r * 2 / 3 = 0, 0), pair 1 the upper");
        IReadOnlyList<IReadOnlyList<string>> groups = [cues.Select(EvidenceRows.GroupLabel).ToArray(), confidence];
        evidence.Add(Row("none", "none"), Items.Of([0.2, 0.4, 0.9, 0.7, 0.3, 0.1], pairs, labels), Labels, groups: groups);
        evidence.Add(Row("leace", "project"), Items.Of([0.1, 0.1, 0.5, 0.5, 0.1, 0.1], pairs, labels), Labels, groups: groups);
        var one = evidence.Rows.Single(r => r.Method == "leace" && r.Label == "cue=1");
        one.N.Should().Be(4);
        one.Value.Should().BeApproximately(0.1, 1e-12);
        one.Effect.Should().BeApproximately(0.1 - 0.25, 1e-12, "paired with the unedited prompts of the same cue");
        var three = evidence.Rows.Single(r => r.Method == "leace" && r.Label == "cue=3");
        three.N.Should().Be(2);
        three.Effect.Should().BeApproximately(0.5 - 0.8, 1e-12);
        evidence.Rows.Where(r => r.Method == "leace").Select(r => r.Label).Should().Equal(null, "cue=1", "cue=3", "confidence=1", "confidence=2", "female", "male");
        var confident = evidence.Rows.Single(r => r.Method == "leace" && r.Label == "confidence=2");
        confident.N.Should().Be(2);
        confident.Effect.Should().BeApproximately(0.5 - 0.8, 1e-12, "the most confident pair loses the most here");
        evidence.Rows.Single(r => r.Method == "leace" && r.Label == "confidence=1").N.Should().Be(4);
        EvidenceRows.IsGroupLabel("cue=3").Should().BeTrue();
        EvidenceRows.IsGroupLabel("confidence=1").Should().BeTrue();
        EvidenceRows.IsGroupLabel("female").Should().BeFalse();
    }

    private static ResultRow Row(string method, string edit) =>
        new("e", "m", "s", method, edit, "gender", "test", MetricNames.PronounBias, double.NaN);
}
