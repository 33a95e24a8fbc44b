namespace Harness;

/// A usage error: the command line or the experiment spec is wrong as written (exit 2). See
/// HarnessException for the rule that separates it from a runtime failure (exit 1).
public sealed class UsageException(string message, Exception? inner = null) : HarnessException(message, inner)
{
    public override HarnessException Rephrase(string message) => new UsageException(message, this);
}
