using System.Text.RegularExpressions;

namespace Harness.Experiments.Verdicts;

/// The models of a dropout comparison, grouped into arms by name. A model's arm is its name without
/// a trailing `-seed<k>` (gpt2-dropout-seed2 belongs to gpt2-dropout); an arm is without dropout
/// when its name says nodropout (or no-dropout). A pair is a dropout arm and the arm without dropout
/// that has the same name otherwise (gpt2-dropout and gpt2-nodropout); arms without a twin
/// (neo-nodropout, a different architecture) are reported beside the pairs, not judged.
public sealed partial record DropoutArms(IReadOnlyList<DropoutArms.Pair> Pairs, IReadOnlyList<DropoutArms.Arm> Beside)
{
    public sealed record Arm(string Name, IReadOnlyList<string> Models);

    public sealed record Pair(Arm With, Arm Without);

    public static DropoutArms Of(IEnumerable<string> models)
    {
        var arms = models.GroupBy(ArmOf).Select(g => new Arm(g.Key, g.Order(StringComparer.Ordinal).ToList())).ToList();
        var pairs = new List<Pair>();
        var paired = new HashSet<string>();
        foreach (var with in arms.Where(a => !WithoutDropout(a.Name)))
            if (arms.FirstOrDefault(a => WithoutDropout(a.Name) && Stem(a.Name) == Stem(with.Name)) is { } without)
            {
                pairs.Add(new(with, without));
                paired.Add(with.Name);
                paired.Add(without.Name);
            }
        return new(pairs, arms.Where(a => !paired.Contains(a.Name)).ToList());
    }

    public static string ArmOf(string model) => SeedSuffix().Replace(model, "");

    public static bool WithoutDropout(string name) =>
        name.Contains("nodropout", StringComparison.OrdinalIgnoreCase) || name.Contains("no-dropout", StringComparison.OrdinalIgnoreCase);

    /// The name with the dropout words taken out: the same for the two arms of a pair.
    private static string Stem(string arm) => DropoutWord().Replace(arm, "");

    [GeneratedRegex(@"-seed\d+$")]
    private static partial Regex SeedSuffix();

    [GeneratedRegex("no-?dropout|dropout", RegexOptions.IgnoreCase)]
    private static partial Regex DropoutWord();
}
