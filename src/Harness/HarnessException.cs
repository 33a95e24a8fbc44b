namespace Harness;

/// A failure the harness explains in one line naming the file, key, argument or value at fault.
/// Two kinds, told apart by type, decide the exit code of the command line:
///   - HarnessException itself: a runtime failure (exit 1). What the command refers to or runs on
///     failed: a file or dataset is missing, unreadable, corrupt or inconsistent, a model cannot be
///     found, downloaded or loaded, the hub refused, the disk or memory ran out, the device is absent.
///     The command may be right; the world around it is not.
///   - UsageException: a usage error (exit 2). What the user typed or wrote to say what to do is
///     wrong: an unknown verb or option, a bad option value, a missing argument, an experiment spec
///     with an unknown field, method, metric or dataset name, a layer or site the model does not
///     have, an output that would overwrite a file without --force or is one of the inputs. Fixing
///     the command or the spec fixes it.
/// Throw sites pick the kind by that rule; code that adds context to a caught one keeps its kind
/// with Rephrase.
public class HarnessException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// The same kind of failure with a new message (usually this one's with context in front),
    /// keeping this one as the inner exception for HARNESS_DEBUG.
    public virtual HarnessException Rephrase(string message) => new(message, this);
}
