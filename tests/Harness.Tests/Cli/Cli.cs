using Harness.Cli;

namespace Harness.Tests.Cli;

/// Runs the command line in-process and captures what it prints.
public static class Cli
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = CommandLine.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
