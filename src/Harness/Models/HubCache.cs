using System.Text.RegularExpressions;

namespace Harness.Models;

/// The HuggingFace hub cache, laid out exactly as Python's huggingface_hub lays it out, so that a
/// model downloaded by either side is found by the other:
///
///     {root}/models--{org}--{name}/blobs/{etag}               file contents, named by ETag
///                                                             (git sha1, or sha256 for LFS files)
///     {root}/models--{org}--{name}/snapshots/{commit}/{file}  relative symlink ../../blobs/{etag}
///     {root}/models--{org}--{name}/refs/{revision}            the commit the revision pointed to
///     {root}/.locks/models--{org}--{name}/{etag}.lock         held while that blob is downloaded
///
/// Reading follows the symlinks and also accepts plain files in a snapshot (a cache copied with
/// `cp -rL`, or written where symlinks are unavailable).
public sealed partial class HubCache(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex CommitHash();

    public static bool IsCommitHash(string revision) => CommitHash().IsMatch(revision);

    public string RepoFolder(string repoId) => Path.Combine(Root, HubRepoId.CacheFolderName(repoId));
    public string BlobPath(string repoId, string etag) => Path.Combine(RepoFolder(repoId), "blobs", etag);
    /// Where a blob is written while it downloads; it is renamed to BlobPath once complete and checked.
    public string IncompletePath(string repoId, string etag) => BlobPath(repoId, etag) + ".incomplete";
    public string LockPath(string repoId, string etag) =>
        Path.Combine(Root, ".locks", HubRepoId.CacheFolderName(repoId), etag + ".lock");
    public string SnapshotFolder(string repoId, string commit) => Path.Combine(RepoFolder(repoId), "snapshots", commit);
    public string SnapshotFile(string repoId, string commit, string fileName) =>
        Path.Combine(SnapshotFolder(repoId, commit), fileName);

    /// The commit a revision stands for: the revision itself when it is a commit hash, else what
    /// `refs/{revision}` records; null when the cache has no such ref.
    public string? CommitOf(string repoId, string revision)
    {
        if (IsCommitHash(revision)) return revision;
        if (RefPath(repoId, revision) is not { } refPath || !File.Exists(refPath)) return null;
        // Python writes the bare hash; tolerate a trailing newline from hand-made caches.
        var commit = File.ReadAllText(refPath).Trim();
        return Paths.IsPlainName(commit) ? commit : null;
    }

    /// The snapshot folder of `revision` when it holds a complete checkpoint (config.json and every
    /// weight file, links resolving), with its commit; null otherwise. Python may have cached only
    /// part of a repository (say config.json alone), which counts as absent.
    public (string Folder, string Commit)? FindComplete(string repoId, string revision)
    {
        if (CommitOf(repoId, revision) is not { } commit) return null;
        var folder = SnapshotFolder(repoId, commit);
        return CheckpointFolder.IsComplete(folder) ? (folder, commit) : null;
    }

    /// Records that `revision` points at `commit` (nothing to record when the revision is a hash).
    public void WriteRef(string repoId, string revision, string commit)
    {
        if (revision == commit || RefPath(repoId, revision) is not { } refPath) return;
        if (File.Exists(refPath) && File.ReadAllText(refPath).Trim() == commit) return;
        Directory.CreateDirectory(Path.GetDirectoryName(refPath)!);
        // Written aside and renamed, so a reader never sees a half-written hash.
        var temp = refPath + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllText(temp, commit);
        File.Move(temp, refPath, overwrite: true);
    }

    /// Makes `snapshots/{commit}/{fileName}` point at the blob `etag`: a relative symlink like
    /// Python's (relative, so the cache can be moved), or a copy where symlinks cannot be made.
    public void Link(string repoId, string commit, string fileName, string etag)
    {
        var blob = BlobPath(repoId, etag);
        var pointer = SnapshotFile(repoId, commit, fileName);
        var folder = Path.GetDirectoryName(pointer)!;
        Directory.CreateDirectory(folder);
        if (PointsAt(pointer, blob)) return;
        if (new FileInfo(pointer).Exists) File.Delete(pointer); // a stale or dangling entry
        try
        {
            File.CreateSymbolicLink(pointer, Path.GetRelativePath(folder, blob));
        }
        catch (IOException) when (PointsAt(pointer, blob))
        {
            // Another resolve of the same model made the same link in the meantime.
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            // No symlinks here (Windows without developer mode, some network file systems): copy
            // aside and rename, so the snapshot never holds a half-copied file.
            var temp = blob + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.Copy(blob, temp);
            File.Move(temp, pointer, overwrite: true);
        }
    }

    private static bool PointsAt(string pointer, string blob)
    {
        var info = new FileInfo(pointer);
        return info.Exists && info.LinkTarget is { } target
               && Path.GetFullPath(target, Path.GetDirectoryName(pointer)!) == blob && Paths.FileExists(pointer);
    }

    private string? RefPath(string repoId, string revision)
    {
        // Revisions such as refs/pr/1 nest folders under refs/, as in Python; never climb out.
        var parts = revision.Split('/');
        if (!parts.All(Paths.IsPlainName)) return null;
        return Path.Combine([RepoFolder(repoId), "refs", .. parts]);
    }
}
