using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Harness.Models;

/// Downloads a model's checkpoint (config.json, then model.safetensors or the index and every shard
/// it names) into the hub cache, as huggingface_hub's hf_hub_download would:
/// - each file's bytes go to `blobs/{etag}.incomplete`, which is renamed to `blobs/{etag}` only once
///   its size (and, for LFS files, its sha256) is right; an interrupted transfer leaves the partial
///   file, and the next attempt resumes it with a Range request;
/// - the snapshot's links are made only after every blob is in place, and `refs/{revision}` last,
///   so a failed download never leaves a half-filled snapshot that looks usable.
internal sealed partial class HubDownloader(ResolverOptions options, HubCache cache, HubClient client)
{
    private const int BufferSize = 1 << 20;

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256();

    /// Downloads what is missing of `repoId` at options.Revision; returns the snapshot folder and its
    /// commit. Throws HubRepoNotFoundException when the hub does not know the model.
    public async Task<(string Folder, string Commit)> DownloadAsync(string repoId, CancellationToken ct)
    {
        // config.json first: a repository without it is no transformers model, and its answer fixes the
        // commit. Every later file is asked for at that commit rather than at the branch, so that a push
        // during the download cannot mix two versions of the model.
        var config = await client.GetFileAsync(repoId, options.Revision, CheckpointFolder.ConfigFile, ct)
                     ?? throw new HubRepoNotFoundException(
                         $"model '{repoId}' not found on {options.Endpoint} (HTTP 404 for {client.UrlOf(repoId, options.Revision, CheckpointFolder.ConfigFile)})");
        var commit = config.Commit;
        var toLink = new List<HubFile>();

        // The readable path of one file (its snapshot entry when already cached, e.g. by Python, else
        // the downloaded blob), or null when the hub has no such file.
        async Task<string?> FetchAsync(string fileName, HubFile? known = null)
        {
            var pointer = cache.SnapshotFile(repoId, commit, fileName);
            if (Paths.FileExists(pointer)) return pointer;
            var remote = known ?? await client.GetFileAsync(repoId, commit, fileName, ct);
            if (remote is null) return null;
            var blob = await FetchBlobAsync(remote, ct);
            toLink.Add(remote);
            return blob;
        }

        await FetchAsync(CheckpointFolder.ConfigFile, config);
        if (await FetchAsync(CheckpointFolder.WeightsFile) is null)
        {
            var index = await FetchAsync(CheckpointFolder.IndexFile)
                        ?? throw new HarnessException(
                            $"model '{repoId}' on {options.Endpoint} has no {CheckpointFolder.WeightsFile} or {CheckpointFolder.IndexFile} (only safetensors checkpoints are supported)");
            foreach (var shard in CheckpointFolder.ShardNames(index))
                if (await FetchAsync(shard) is null)
                    throw new HarnessException($"model '{repoId}': shard {shard} named in {CheckpointFolder.IndexFile} is missing on {options.Endpoint}");
        }

        foreach (var file in toLink) cache.Link(repoId, commit, file.FileName, file.Etag);
        cache.WriteRef(repoId, options.Revision, commit);
        return (cache.SnapshotFolder(repoId, commit), commit);
    }

    /// Puts `file`'s bytes at blobs/{etag} unless they are there already; returns that path.
    private async Task<string> FetchBlobAsync(HubFile file, CancellationToken ct)
    {
        var blob = cache.BlobPath(file.RepoId, file.Etag);
        if (IsComplete(blob, file.Size)) return blob;
        var label = $"{file.RepoId}/{file.FileName}";
        Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
        using var held = await CacheLock.AcquireAsync(cache.LockPath(file.RepoId, file.Etag),
            () => options.Progress.WriteLine($"{label}: waiting for another download of it to finish"), ct);
        // Another process may have finished it while we waited for the lock.
        if (IsComplete(blob, file.Size)) return blob;

        var incomplete = cache.IncompletePath(file.RepoId, file.Etag);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await TransferAsync(file, incomplete, label, ct);
                break;
            }
            catch (TransferInterruptedException e)
            {
                var at = $"{Mb(e.BytesOnDisk)} of {Mb(file.Size)} MB";
                if (attempt >= options.DownloadAttempts)
                    throw new HarnessException(
                        $"model '{file.RepoId}': download of {file.FileName} was interrupted at {at} ({e.Message}); run again to resume");
                options.Progress.WriteLine($"{label}: interrupted at {at} ({e.Message}); resuming (attempt {attempt + 1} of {options.DownloadAttempts})");
                await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt), ct);
            }
        }
        Verify(file, incomplete);
        // A rename within one folder: the blob appears whole or not at all.
        File.Move(incomplete, blob, overwrite: true);
        return blob;
    }

    /// Appends the rest of `file` to `incomplete`. Throws TransferInterruptedException when the
    /// connection fails or stalls (the bytes received so far stay on disk for the next attempt).
    private async Task TransferAsync(HubFile file, string incomplete, string label, CancellationToken ct)
    {
        var have = File.Exists(incomplete) ? new FileInfo(incomplete).Length : 0;
        if (have > file.Size)
        {
            // Longer than the file itself: not a prefix of it, whatever it is.
            File.Delete(incomplete);
            have = 0;
        }
        if (have == file.Size)
        {
            // An earlier run stopped between the last byte and the rename (or the file is empty).
            if (have == 0) File.WriteAllBytes(incomplete, []);
            return;
        }

        HttpResponseMessage response;
        try
        {
            response = await client.OpenAsync(file, have, ct);
        }
        catch (HttpRequestException e)
        {
            throw new TransferInterruptedException(HubClient.OneLine(e.Message), have);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TransferInterruptedException("the server did not answer", have);
        }
        using (response)
        {
            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
            {
                // The server will not continue from our partial file: drop it and start over.
                File.Delete(incomplete);
                throw new TransferInterruptedException("the server refused to resume, starting over", 0);
            }
            if (!response.IsSuccessStatusCode)
                throw client.Failure(response, file.RepoId, options.Revision, file.FileName, file.Location);
            if (response.StatusCode != HttpStatusCode.PartialContent)
                have = 0; // a plain 200 (range not asked, or ignored by the server) holds the whole file
            else if (response.Content.Headers.ContentRange?.From != have)
            {
                File.Delete(incomplete);
                throw new TransferInterruptedException("the server resumed at the wrong offset, starting over", 0);
            }

            await using var output = new FileStream(incomplete, FileMode.OpenOrCreate, FileAccess.Write, FileShare.None, BufferSize, useAsync: true);
            output.SetLength(have);
            output.Position = have;
            var progress = new DownloadProgress(options.Progress, label, file.Size, have, options.ProgressInterval);
            var done = have;
            var buffer = new byte[BufferSize];
            try
            {
                await using var body = await response.Content.ReadAsStreamAsync(ct);
                while (true)
                {
                    // HttpClient's timeout does not cover the body: give each read its own deadline.
                    using var stall = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    stall.CancelAfter(options.StallTimeout);
                    var n = await body.ReadAsync(buffer, stall.Token);
                    if (n == 0) break;
                    await output.WriteAsync(buffer.AsMemory(0, n), ct);
                    done += n;
                    progress.Report(done);
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new TransferInterruptedException($"nothing received for {options.StallTimeout.TotalSeconds:F0} s", done);
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                // HttpIOException (the connection closed before Content-Length bytes) is an IOException.
                throw new TransferInterruptedException(HubClient.OneLine(e.Message), done);
            }
            if (done < file.Size) throw new TransferInterruptedException("the connection closed early", done);
            await output.FlushAsync(ct);
            progress.Finish(done);
        }
    }

    /// The finished file must have the size the hub announced and, for LFS files (whose ETag is the
    /// sha256 of the content), that hash: a resumed transfer stitches two responses together, and
    /// this is where a bad stitch would show. A bad file is deleted, never moved into the cache.
    private static void Verify(HubFile file, string incomplete)
    {
        var length = new FileInfo(incomplete).Length;
        if (length != file.Size)
        {
            File.Delete(incomplete);
            throw new HarnessException(
                $"model '{file.RepoId}': {file.FileName} arrived with {length} bytes instead of {file.Size}; the partial file was deleted, run again");
        }
        if (!Sha256().IsMatch(file.Etag)) return;
        string actual;
        using (var stream = File.OpenRead(incomplete))
            actual = Convert.ToHexStringLower(SHA256.HashData(stream));
        if (actual == file.Etag) return;
        File.Delete(incomplete);
        throw new HarnessException(
            $"model '{file.RepoId}': {file.FileName} does not match its sha256 {file.Etag}; the download was deleted, run again");
    }

    private static bool IsComplete(string blob, long size) => File.Exists(blob) && new FileInfo(blob).Length == size;

    private static string Mb(long bytes) => (bytes / 1e6).ToString("F1", CultureInfo.InvariantCulture);

    private sealed class TransferInterruptedException(string message, long bytesOnDisk) : Exception(message)
    {
        public long BytesOnDisk { get; } = bytesOnDisk;
    }
}
