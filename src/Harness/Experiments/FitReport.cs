namespace Harness.Experiments;

/// How an iterative fit went, for the run's rows: whether it met its stop criterion (rather than
/// running out of steps), how many steps it took, and its objective after each step (empty when the
/// method keeps no curve). RLACE's and the adversarial direction's fits report one.
public sealed record FitReport(bool ReachedStop, int Steps, double[] Curve);
