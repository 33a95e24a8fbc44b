namespace Harness;

/// A problem with the user's input (a file, key, argument or value) that the harness explains in one
/// line. The command line prints the message and exits non-zero; the library throws it wherever it
/// finds bad input, naming what is at fault.
public class HarnessException(string message, Exception? inner = null) : Exception(message, inner);
