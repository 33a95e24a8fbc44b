using static TorchSharp.torch;

namespace Harness.Models;

/// The activation both families use.
public static class Activations
{
    /// HuggingFace's "gelu_new", the tanh approximation of GELU:
    /// 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). LibTorch's gelu(approximate: tanh) computes
    /// exactly this formula.
    public static Tensor GeluNew(Tensor x) => nn.functional.gelu(x, TorchSharp.Modules.GELU.Approximate.tanh);
}
