using System.Net;
using System.Net.Http.Headers;

namespace Harness.Models;

/// What the hub says about one file of a repository at one revision (from a HEAD request).
/// Url is the hub address asked; Location is where the bytes are (the same, or a CDN for LFS files);
/// Etag names the blob in the cache; Size is the file's length when the hub tells it.
internal sealed record HubFile(string RepoId, string FileName, string Url, string Location, string Commit, string Etag, long Size);

/// The hub does not know the model (or will not say, without a token). Resolution catches this to
/// add what else the name could have meant.
internal sealed class HubRepoNotFoundException(string message) : HarnessException(message);

/// The HTTP side of the hub: HEAD for a file's metadata, GET (with a Range to resume) for its bytes,
/// and one-line errors for every way the server can say no. Speaks the protocol of
/// huggingface_hub's file_download.py: `{endpoint}/{repo}/resolve/{revision}/{file}`, headers
/// X-Repo-Commit, X-Linked-Etag / ETag, X-Linked-Size / Content-Length, X-Error-Code.
internal sealed class HubClient : IDisposable
{
    private const int MaxRedirects = 10;
    private readonly HttpClient _http;
    private readonly ResolverOptions _options;

    public HubClient(ResolverOptions options)
    {
        if (options.TokenProblem is { } problem) throw new HarnessException(problem);
        _options = options;
        // Redirects are followed by hand: for an LFS file the hub's own answer is a redirect to a CDN,
        // and the metadata (commit, etag, size) is on that redirect, not on the CDN's answer.
        // No automatic decompression either: sizes and ranges must count the file's own bytes.
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(30),
        };
        // The timeout covers sending and receiving headers only (bodies are read with
        // ResponseHeadersRead); a stalled body is caught by ResolverOptions.StallTimeout.
        _http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("concept-erasure-harness/1.0");
    }

    public void Dispose() => _http.Dispose();

    public string UrlOf(string repoId, string revision, string fileName) =>
        $"{_options.Endpoint}/{repoId}/resolve/{Uri.EscapeDataString(revision)}/{string.Join('/', fileName.Split('/').Select(Uri.EscapeDataString))}";

    /// The metadata of `fileName`, or null when the repository exists but has no such file (HTTP 404;
    /// a 404 without the hub's X-Error-Code also counts, and the caller decides what it means).
    public async Task<HubFile?> GetFileAsync(string repoId, string revision, string fileName, CancellationToken ct)
    {
        var url = UrlOf(repoId, revision, fileName);
        var current = new Uri(url);
        for (var hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Head, current);
            Authorize(request);
            request.Headers.AcceptEncoding.ParseAdd("identity");
            using var response = await SendAsync(request, repoId, fileName, ct);
            if (IsRedirect(response, out var location))
            {
                // A relative redirect stays on the hub (a renamed repository): follow it. An absolute
                // one leads to where the bytes are: stop, and take the metadata from this answer.
                if (location.IsAbsoluteUri) return Describe(response, repoId, fileName, url, location.AbsoluteUri);
                if (hop >= MaxRedirects) throw TooManyRedirects(repoId, url);
                current = new Uri(current, location);
                continue;
            }
            if (response.IsSuccessStatusCode) return Describe(response, repoId, fileName, url, current.AbsoluteUri);
            if (response.StatusCode == HttpStatusCode.NotFound && ErrorCode(response) is null or "EntryNotFound")
                return null;
            throw Failure(response, repoId, revision, fileName, url);
        }
    }

    /// Starts the transfer of `file` from byte `from` on, following redirects. The caller reads the
    /// body and checks the status (200, 206 for a resumed transfer, 416 if the range was refused);
    /// network failures surface as HttpRequestException or IOException for the caller to retry.
    public async Task<HttpResponseMessage> OpenAsync(HubFile file, long from, CancellationToken ct)
    {
        var origin = new Uri(file.Url);
        var current = new Uri(file.Location);
        for (var hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, current);
            // The token is for the hub; a CDN gets a signed address and must not see it.
            if (current.Authority == origin.Authority) Authorize(request);
            request.Headers.AcceptEncoding.ParseAdd("identity");
            if (from > 0) request.Headers.Range = new RangeHeaderValue(from, null);
            var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!IsRedirect(response, out var location)) return response;
            response.Dispose();
            if (hop >= MaxRedirects) throw TooManyRedirects(file.RepoId, file.Url);
            current = new Uri(current, location);
        }
    }

    /// The one-line error for a refusal by the server.
    public HarnessException Failure(HttpResponseMessage response, string repoId, string revision, string fileName, string url)
    {
        var status = $"HTTP {(int)response.StatusCode}{(response.ReasonPhrase is { Length: > 0 } r ? " " + r : "")}";
        var denied = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden;
        // With a token, a refusal means that token may not read the model (the hub answers 401 or
        // 403 whether the repository is private, gated, or absent): say so, rather than "set HF_TOKEN".
        if (denied && _options.Token is not null)
        {
            var message = $"model '{repoId}': the token in {_options.TokenSource} has no access to it on {_options.Endpoint} ({status} for {fileName}); " +
                          "check the model's name, request access on its page if it is gated, or use a token that can read it";
            return ErrorCode(response) == "RepoNotFound" ? new HubRepoNotFoundException(message) : new HarnessException(message);
        }
        return ErrorCode(response) switch
        {
            "RepoNotFound" => new HubRepoNotFoundException(
                $"model '{repoId}' not found on {_options.Endpoint} ({status}{(denied ? "; if it is private or gated, set HF_TOKEN or run `hf auth login`" : "")})"),
            "RevisionNotFound" => new HarnessException($"model '{repoId}' has no revision '{revision}' on {_options.Endpoint} ({status})"),
            _ when denied || ErrorCode(response) == "GatedRepo" => new HarnessException(
                $"model '{repoId}': {_options.Endpoint} refused access to {fileName} ({status}); set HF_TOKEN to a token that may read it (or run `hf auth login`)"),
            _ => new HarnessException($"model '{repoId}': {url} answered {status}{ErrorMessage(response)}"),
        };
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string repoId, string fileName, CancellationToken ct)
    {
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException e)
        {
            throw new HarnessException($"model '{repoId}': cannot reach {_options.Endpoint} to look up {fileName} ({OneLine(e.Message)})", e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new HarnessException($"model '{repoId}': {_options.Endpoint} did not answer for {fileName} within {_http.Timeout.TotalSeconds:F0} s", e);
        }
    }

    private HubFile Describe(HttpResponseMessage response, string repoId, string fileName, string url, string location)
    {
        // Without the commit header the answer is not from a hub (a proxy's login page, a wrong
        // HF_ENDPOINT): caching it under some made-up name would poison the cache.
        var commit = Header(response, "X-Repo-Commit")
                     ?? throw new HarnessException($"model '{repoId}': {url} sent no X-Repo-Commit header (is HF_ENDPOINT a HuggingFace hub?)");
        // X-Linked-Etag is the LFS object's sha256 on a redirect; ETag is the git blob's sha1 otherwise.
        var etag = NormalizeEtag(Header(response, "X-Linked-Etag") ?? Header(response, "ETag"))
                   ?? throw new HarnessException($"model '{repoId}': {url} sent no ETag, so the file cannot be cached");
        if (!Paths.IsPlainName(commit) || !Paths.IsPlainName(etag))
            throw new HarnessException($"model '{repoId}': {url} sent a commit or ETag that is not a plain name ('{commit}', '{etag}')");
        // Without a size a finished download cannot be told from a truncated one.
        var size = (long.TryParse(Header(response, "X-Linked-Size"), out var linked) ? linked : response.Content.Headers.ContentLength)
                   ?? throw new HarnessException($"model '{repoId}': {url} sent no X-Linked-Size or Content-Length, so the download could not be checked");
        return new HubFile(repoId, fileName, url, location, commit, etag, size);
    }

    // The hub sends ETag: "abc" (sometimes weak, W/"abc"); the cache names blobs by the bare value.
    private static string? NormalizeEtag(string? etag)
    {
        if (etag is null) return null;
        if (etag.StartsWith("W/", StringComparison.Ordinal)) etag = etag[2..];
        etag = etag.Trim('"');
        return etag.Length > 0 ? etag : null;
    }

    private void Authorize(HttpRequestMessage request)
    {
        if (_options.Token is { } token) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    private static bool IsRedirect(HttpResponseMessage response, out Uri location)
    {
        location = response.Headers.Location!;
        return (int)response.StatusCode is >= 300 and < 400 && location is not null;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? values.FirstOrDefault()
            : null;

    private static string? ErrorCode(HttpResponseMessage response) => Header(response, "X-Error-Code");

    private static string ErrorMessage(HttpResponseMessage response) =>
        Header(response, "X-Error-Message") is { Length: > 0 } m ? $": {OneLine(m)}" : "";

    private HarnessException TooManyRedirects(string repoId, string url) =>
        new($"model '{repoId}': {url} redirected more than {MaxRedirects} times");

    public static string OneLine(string s) => s.Replace('\r', ' ').Replace('\n', ' ').Trim();
}
