namespace Harness.Models;

/// The one place the command line turns `--model` into a model. Today `--model` is a local folder
/// in HuggingFace layout; when ModelResolver lands (hub ids, the HF cache, embedded organisms), it
/// plugs in here and every verb follows.
public static class ModelLoading
{
    public static LanguageModel Open(string? modelArg, LoadOptions options)
    {
        if (string.IsNullOrWhiteSpace(modelArg))
            throw new HarnessException("--model is required until organisms exist");
        var directory = modelArg; // ModelResolver.Resolve(modelArg) goes here.
        return HfCheckpoint.Load(directory, options);
    }
}
