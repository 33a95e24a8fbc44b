using System.Diagnostics;
using Harness.IO;

namespace Harness.Experiments;

/// The harness's own source as a run sees it: the git commit of the repository it runs from and
/// whether tracked files differ from it ("clean", "dirty"); "unknown" for both when there is no
/// repository above the starting folders or git cannot be run. Never fails a run.
public sealed record SourceRevision(string Commit, string Tree)
{
    public const string Unknown = "unknown";

    /// The first repository above the experiments folder, the current folder or the program's folder.
    public static SourceRevision Find()
    {
        var starts = new[] { ExperimentsFolder.Find(), Directory.GetCurrentDirectory(), AppContext.BaseDirectory }.OfType<string>();
        // `.git` is a folder in a clone and a file in a worktree.
        var root = AncestorFolders.Find(starts, dir => Path.Exists(Path.Combine(dir, ".git")));
        if (root is null) return new SourceRevision(Unknown, Unknown);
        var commit = Git(root, "rev-parse", "HEAD")?.Trim();
        if (commit is null || commit.Length == 0) return new SourceRevision(Unknown, Unknown);
        var status = Git(root, "status", "--porcelain", "--untracked-files=no");
        return new SourceRevision(commit, status is null ? Unknown : status.Trim().Length == 0 ? "clean" : "dirty");
    }

    /// git's standard output, or null when git is missing, fails or takes too long.
    private static string? Git(string root, params string[] args)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-C");
        start.ArgumentList.Add(root);
        foreach (var a in args) start.ArgumentList.Add(a);
        try
        {
            using var git = Process.Start(start);
            if (git is null) return null;
            var errors = git.StandardError.ReadToEndAsync();
            var output = git.StandardOutput.ReadToEnd();
            if (!git.WaitForExit(10_000)) { git.Kill(); return null; }
            errors.Wait();
            return git.ExitCode == 0 ? output : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return null;
        }
    }
}
