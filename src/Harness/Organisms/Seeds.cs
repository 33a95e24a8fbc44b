namespace Harness.Organisms;

/// Separate, fixed random streams derived from CorpusOptions.Seed, so that the training corpus, the
/// held-out corpus and each dataset file do not share draws: adding a dataset file, or generating
/// more training documents, leaves every other stream's text unchanged.
internal static class Seeds
{
    public const int Training = 1;
    public const int HeldOut = 2;
    // Dataset files take 100 and above (see DatasetBuilder).

    /// A seed for System.Random from the user's seed and a stream number: SplitMix64 finalisation, a
    /// fixed arithmetic mix (unlike HashCode, which is randomised per process).
    public static int Derive(int seed, int stream)
    {
        unchecked
        {
            var z = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL + (ulong)stream * 0xD1B54A32D192ED03UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (int)(z & 0x7FFFFFFF);
        }
    }
}
