namespace Harness.Edits;

/// Shapes written the way error messages show them: [2, 3, 768].
internal static class Shape
{
    public static string Text(long[] shape) => "[" + string.Join(", ", shape) + "]";
}
