namespace Harness.Concepts;

/// A piece of running text (control text for perplexity / KL damage). On disk: `{"text": "..."}`.
public sealed record TextRecord(string Text);
