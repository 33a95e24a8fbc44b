namespace Harness.Models;

/// Where model resolution looks for models and how it downloads them. Real runs build it from the
/// environment with FromEnvironment(); tests build it by hand (a temporary cache, a loopback
/// endpoint), so they never touch ~/.cache or the network and never mutate process variables.
public sealed record ResolverOptions
{
    public const string DefaultEndpoint = "https://huggingface.co";

    /// The HuggingFace hub cache: the folder holding `models--{org}--{name}/`.
    public required string HubCache { get; init; }

    /// Base address of the hub (HF_ENDPOINT), without a trailing slash.
    public string Endpoint { get; init; } = DefaultEndpoint;

    /// Sent as `Authorization: Bearer` to the hub (HF_TOKEN, else the file `hf auth login` saves);
    /// null for anonymous access.
    public string? Token { get; init; }

    /// Where the token came from, for error messages ("HF_TOKEN" or the token file's path).
    public string TokenSource { get; init; } = "HF_TOKEN";

    /// Why the token file could not be read, if it could not: the hub client refuses to start with
    /// it, so that only a command that talks to the hub fails, not one on a folder or organism.
    public string? TokenProblem { get; init; }

    /// HF_HUB_OFFLINE: use the cache only, never the network.
    public bool Offline { get; init; }

    /// Branch, tag or commit of hub models.
    public string Revision { get; init; } = DefaultRevision;

    public const string DefaultRevision = "main";

    /// The `experiments/organisms` folder (HARNESS_ORGANISMS_DIR). Null: search upward from
    /// OrganismSearchStarts for a folder that contains `experiments/organisms`.
    public string? OrganismsDir { get; init; }

    /// Where the upward search for `experiments/organisms` starts: the current directory (running
    /// from a checkout) and the program's own folder (running the built harness from elsewhere).
    public IReadOnlyList<string> OrganismSearchStarts { get; init; } =
        [Environment.CurrentDirectory, AppContext.BaseDirectory];

    /// Where download progress lines go (stderr in real runs).
    public TextWriter Progress { get; init; } = TextWriter.Null;

    /// Least time between two progress lines of one file.
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// How many times one file's transfer is tried within one resolve before giving up (each retry
    /// resumes where the previous one stopped). The partial file is kept either way, so a later run
    /// resumes too.
    public int DownloadAttempts { get; init; } = 3;

    /// A transfer that receives nothing for this long counts as interrupted.
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// The options a user's shell implies, read the way Python's huggingface_hub reads them.
    public static ResolverOptions FromEnvironment(TextWriter? progress = null) =>
        FromEnvironment(Environment.GetEnvironmentVariable, progress);

    /// Same, with the variables looked up through `env` (tests pass a dictionary).
    public static ResolverOptions FromEnvironment(Func<string, string?> env, TextWriter? progress = null)
    {
        string? Get(string name) => env(name) is { Length: > 0 } v ? v : null;
        var (token, tokenSource, tokenProblem) = TokenFromEnvironment(env);
        return new ResolverOptions
        {
            HubCache = HubCacheFromEnvironment(env),
            Endpoint = (Get("HF_ENDPOINT") ?? DefaultEndpoint).TrimEnd('/'),
            Token = token,
            TokenSource = tokenSource,
            TokenProblem = tokenProblem,
            Offline = IsTrue(Get("HF_HUB_OFFLINE")) || IsTrue(Get("TRANSFORMERS_OFFLINE")),
            OrganismsDir = Get("HARNESS_ORGANISMS_DIR") is { } dir ? Paths.ExpandHome(dir, env) : null,
            Progress = progress ?? Console.Error,
        };
    }

    /// HF_HUB_CACHE, else HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub, else
    /// ~/.cache/huggingface/hub: the precedence of huggingface_hub's constants.py, so that we find
    /// what a Python user already downloaded.
    public static string HubCacheFromEnvironment(Func<string, string?> env)
        => PathVariable(env, "HF_HUB_CACHE") ?? PathVariable(env, "HUGGINGFACE_HUB_CACHE") ?? Path.Combine(HfHome(env), "hub");

    /// HF_HOME, else $XDG_CACHE_HOME/huggingface, else ~/.cache/huggingface.
    private static string HfHome(Func<string, string?> env) =>
        PathVariable(env, "HF_HOME") ?? Path.Combine(PathVariable(env, "XDG_CACHE_HOME") ?? Path.Combine(Paths.Home(env), ".cache"), "huggingface");

    /// A variable naming a folder, `~` expanded; null when unset or empty.
    private static string? PathVariable(Func<string, string?> env, string name) =>
        env(name) is { Length: > 0 } v ? Paths.ExpandHome(v, env) : null;

    /// The token as huggingface_hub's get_token() finds it: HF_TOKEN (or its older name
    /// HUGGING_FACE_HUB_TOKEN), else the file that `huggingface-cli login` / `hf auth login` saves,
    /// HF_TOKEN_PATH or HF_HOME/token, stripped of surrounding whitespace; empty counts as none.
    /// Also where it came from, so a refusal can say which token to check, and, when the file
    /// exists but cannot be read, why (see TokenProblem).
    public static (string? Token, string Source, string? Problem) TokenFromEnvironment(Func<string, string?> env)
    {
        foreach (var name in new[] { "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN" })
            if (env(name) is { Length: > 0 } v && v.Trim().Length > 0) return (v.Trim(), name, null);
        var path = env("HF_TOKEN_PATH") is { Length: > 0 } p ? Paths.ExpandHome(p, env) : Path.Combine(HfHome(env), "token");
        string text;
        try { text = File.Exists(path) ? File.ReadAllText(path).Trim() : ""; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, path, $"{path}: cannot read the hub token file ({e.Message})");
        }
        return text.Length > 0 ? (text, path, null) : (null, "HF_TOKEN", null);
    }

    // huggingface_hub's _is_true: "1", "ON", "YES", "TRUE" in any case.
    private static bool IsTrue(string? value) =>
        value is not null && new[] { "1", "ON", "YES", "TRUE" }.Contains(value.Trim().ToUpperInvariant());
}
