using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Harness.Tests.Models.Resolution;

/// One request the fake hub received.
public sealed record HubRequest(string Method, string Path, string? Range, string? Authorization);

/// A stand-in for huggingface.co on a loopback port (nothing leaves the machine). It answers HEAD and
/// GET on `/{repo}/resolve/{revision}/{file}` with the headers the real hub sends: X-Repo-Commit,
/// ETag (git blob sha1) for regular files, and for LFS files (*.safetensors) a 302 to `/cdn/{sha256}`
/// carrying X-Linked-Etag and X-Linked-Size; `/cdn/` honours Range requests. It logs every request and
/// misbehaves on demand: drop a connection part-way through a file, answer a file with an error
/// status, announce a wrong sha256.
/// A raw TcpListener rather than HttpListener, so that dropping a connection mid-body is exact.
public sealed class FakeHub : IDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private readonly ConcurrentDictionary<string, FakeRepo> _repos = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _dropAfter = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _failWith = new(StringComparer.Ordinal);

    public string Endpoint { get; }
    public ConcurrentQueue<HubRequest> Requests { get; } = new();

    /// How an unknown repository is answered: the real hub says 401 to anonymous users (it does not
    /// reveal whether a private repository exists), a plain server 404.
    public int UnknownRepoStatus { get; set; } = 404;

    /// Whether error answers carry the hub's X-Error-Code header (a generic server sends none).
    public bool SendErrorCodes { get; set; } = true;

    public FakeHub()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Endpoint = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public FakeRepo AddRepo(string id)
    {
        var repo = new FakeRepo(id);
        _repos[id] = repo;
        return repo;
    }

    /// The next GET of `fileName`'s bytes sends `bytes` bytes of the body, then closes the connection.
    public void DropOnce(string fileName, long bytes) => _dropAfter[fileName] = bytes;

    /// Every request for `fileName` is answered with `status`.
    public void FailWith(string fileName, int status) => _failWith[fileName] = status;

    public List<HubRequest> RequestsTo(string fileName) =>
        Requests.Where(r => r.Path.EndsWith("/" + fileName, StringComparison.Ordinal) || r.Path.Contains("/cdn/" + fileName + "/", StringComparison.Ordinal)).ToList();

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try { _acceptLoop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
            _ = Task.Run(() => HandleAsync(client));
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var (method, path, headers) = await ReadRequestAsync(stream);
                Requests.Enqueue(new HubRequest(method, path, headers.GetValueOrDefault("range"), headers.GetValueOrDefault("authorization")));
                await RespondAsync(stream, method, path, headers.GetValueOrDefault("range"));
                client.Client.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
                // The client went away; nothing to answer.
            }
        }
    }

    private async Task RespondAsync(Stream stream, string method, string path, string? range)
    {
        if (path.StartsWith("/cdn/", StringComparison.Ordinal))
        {
            // /cdn/{fileName}/{sha256}: the file name is there only so that faults can target it.
            var parts = path["/cdn/".Length..].Split('/');
            var content = _repos.Values.SelectMany(r => r.Files.Values).FirstOrDefault(c => FakeRepo.Sha256(c) == parts[1]);
            if (content is null) { await WriteAsync(stream, 404, [], null); return; }
            await ServeAsync(stream, method, parts[0], content, range, []);
            return;
        }
        var at = path.IndexOf("/resolve/", StringComparison.Ordinal);
        if (at < 0) { await WriteAsync(stream, 404, [], null); return; }
        var repoId = path[1..at];
        var rest = path[(at + "/resolve/".Length)..];
        var slash = rest.IndexOf('/');
        var revision = Uri.UnescapeDataString(rest[..slash]);
        var fileName = Uri.UnescapeDataString(rest[(slash + 1)..]);

        if (_failWith.TryGetValue(fileName, out var status)) { await WriteAsync(stream, status, [], null); return; }
        if (!_repos.TryGetValue(repoId, out var repo))
        {
            await WriteAsync(stream, UnknownRepoStatus, ErrorHeaders("RepoNotFound", "Repository not found"), null);
            return;
        }
        if (revision != "main" && revision != repo.Commit)
        {
            await WriteAsync(stream, 404, ErrorHeaders("RevisionNotFound", "Invalid rev id"), null);
            return;
        }
        var commitHeader = new List<(string, string)> { ("X-Repo-Commit", repo.Commit) };
        if (!repo.Files.TryGetValue(fileName, out var bytes))
        {
            await WriteAsync(stream, 404, [.. ErrorHeaders("EntryNotFound", "Entry not found"), .. commitHeader], null);
            return;
        }
        if (FakeRepo.IsLfs(fileName))
        {
            await WriteAsync(stream, 302,
            [
                .. commitHeader,
                ("Location", $"{Endpoint}/cdn/{fileName}/{FakeRepo.Sha256(bytes)}"),
                ("X-Linked-Etag", $"\"{repo.EtagOf(fileName)}\""),
                ("X-Linked-Size", bytes.Length.ToString()),
                ("ETag", $"\"{FakeRepo.Sha256(bytes)}\""),
            ], null);
            return;
        }
        await ServeAsync(stream, method, fileName, bytes, range, [.. commitHeader, ("ETag", $"\"{repo.EtagOf(fileName)}\"")]);
    }

    private List<(string, string)> ErrorHeaders(string code, string message) =>
        SendErrorCodes ? [("X-Error-Code", code), ("X-Error-Message", message)] : [];

    private async Task ServeAsync(Stream stream, string method, string fileName, byte[] content, string? range, List<(string, string)> headers)
    {
        headers.Add(("Accept-Ranges", "bytes"));
        long from = 0;
        var status = 200;
        if (range is not null && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
        {
            from = long.Parse(range["bytes=".Length..^1]);
            if (from >= content.Length)
            {
                await WriteAsync(stream, 416, [("Content-Range", $"bytes */{content.Length}")], null);
                return;
            }
            status = 206;
            headers.Add(("Content-Range", $"bytes {from}-{content.Length - 1}/{content.Length}"));
        }
        var body = content.AsMemory((int)from);
        if (method == "HEAD") { await WriteAsync(stream, status, headers, null, body.Length); return; }
        if (_dropAfter.TryRemove(fileName, out var cut))
        {
            // Announce the whole body, send part of it, hang up.
            await WriteAsync(stream, status, headers, body[..(int)Math.Min(cut, body.Length)], body.Length);
            throw new IOException("dropped on purpose");
        }
        await WriteAsync(stream, status, headers, body);
    }

    private static async Task WriteAsync(Stream stream, int status, List<(string, string)> headers, ReadOnlyMemory<byte>? body, long? contentLength = null)
    {
        var head = new StringBuilder($"HTTP/1.1 {status} {Reason(status)}\r\n");
        foreach (var (name, value) in headers) head.Append($"{name}: {value}\r\n");
        head.Append($"Content-Length: {contentLength ?? body?.Length ?? 0}\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
        if (body is { } b) await stream.WriteAsync(b);
        await stream.FlushAsync();
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK", 206 => "Partial Content", 302 => "Found", 401 => "Unauthorized", 404 => "Not Found",
        416 => "Range Not Satisfiable", 500 => "Internal Server Error", 503 => "Service Unavailable", _ => "Status",
    };

    private static async Task<(string Method, string Path, Dictionary<string, string> Headers)> ReadRequestAsync(Stream stream)
    {
        // Byte by byte up to the blank line: requests here have no body, and reading exactly the head
        // leaves nothing unread, so closing the socket sends a clean FIN rather than a reset.
        var bytes = new List<byte>();
        var one = new byte[1];
        while (bytes.Count < 4 || bytes[^1] != '\n' || bytes[^2] != '\r' || bytes[^3] != '\n' || bytes[^4] != '\r')
        {
            if (await stream.ReadAsync(one) == 0) throw new IOException("client closed");
            bytes.Add(one[0]);
        }
        var lines = Encoding.ASCII.GetString(bytes.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var first = lines[0].Split(' ');
        var headers = lines.Skip(1).Select(l => l.Split(':', 2))
            .ToDictionary(p => p[0].Trim().ToLowerInvariant(), p => p[1].Trim());
        return (first[0], first[1], headers);
    }
}

/// A repository on the fake hub: a commit and its files.
public sealed class FakeRepo(string id)
{
    public string Id { get; } = id;
    public string Commit { get; } = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(id)));
    public ConcurrentDictionary<string, byte[]> Files { get; } = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _etagOverride = new(StringComparer.Ordinal);

    public FakeRepo With(string fileName, byte[] content)
    {
        Files[fileName] = content;
        return this;
    }

    public FakeRepo With(string fileName, string text) => With(fileName, Encoding.UTF8.GetBytes(text));

    /// Announce a wrong etag for this file (a corrupted LFS object).
    public void LieAboutEtag(string fileName, string etag) => _etagOverride[fileName] = etag;

    /// Weights live in LFS on the hub; JSON files in plain git.
    public static bool IsLfs(string fileName) => fileName.EndsWith(".safetensors", StringComparison.Ordinal);

    /// The blob name the hub announces: sha256 of the content for LFS files, git's blob sha1 otherwise.
    public string EtagOf(string fileName) =>
        _etagOverride.TryGetValue(fileName, out var lie) ? lie
        : IsLfs(fileName) ? Sha256(Files[fileName]) : GitSha1(Files[fileName]);

    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    public static string GitSha1(byte[] content) =>
        Convert.ToHexStringLower(SHA1.HashData([.. Encoding.ASCII.GetBytes($"blob {content.Length}\0"), .. content]));
}
