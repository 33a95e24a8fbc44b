namespace Harness.Erasure;

/// An eraser that needs the concept z of each row at erase time (Apply(x, z)), like oracle LEACE.
/// `erase` asks for --z exactly when the eraser is one of these, and checks z against Concept.
public interface IOracleEraser : IEraser
{
    /// What z must be at erase time: the same kind (labels of as many classes, or as many value
    /// columns) as at fit time.
    Concept Concept { get; }
}
