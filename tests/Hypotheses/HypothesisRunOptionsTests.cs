using Harness.Models;
using static TorchSharp.torch;

namespace Hypotheses;

/// HARNESS_DEVICE, HARNESS_DTYPE and HARNESS_THREADS, read through lookups (not the process
/// environment).
public class HypothesisRunOptionsTests
{
    private static Func<string, string?> Lookup(params (string Name, string Value)[] values) =>
        name => values.Where(v => v.Name == name).Select(v => v.Value).FirstOrDefault();

    [Test]
    public void The_suite_runs_on_the_pinned_cpu_kernels()
    {
        // hypotheses.runsettings (the project's RunSettingsFilePath) puts them in the test host's
        // environment, so that AVX-512 and AVX2 machines compute the snapshots' numbers alike.
        Environment.GetEnvironmentVariable("ATEN_CPU_CAPABILITY").Should().Be("avx2");
        Environment.GetEnvironmentVariable("MKL_ENABLE_INSTRUCTIONS").Should().Be("AVX2");
    }

    [Test]
    public void The_defaults_are_the_cpu_float32_and_one_thread_as_harness_run()
    {
        var options = HypothesisRunOptions.FromEnvironment(Lookup(), Lookup());
        options.Load.Should().Be(LoadOptions.Default);
        options.Threads.Should().Be(1);
        options.ToString().Should().Be("cpu, float32, 1 thread(s)");
    }

    [Test]
    public void A_run_parameter_wins_over_the_environment()
    {
        var env = Lookup(("HARNESS_DTYPE", "float16"), ("HARNESS_THREADS", "2"), ("HARNESS_DEVICE", "cuda"));
        var options = HypothesisRunOptions.FromEnvironment(env, Lookup(("HARNESS_DTYPE", "float64")));
        options.Load.Dtype.Should().Be(ScalarType.Float64);
        options.Load.Device.Should().Be("cuda");
        options.Threads.Should().Be(2);
    }

    [TestCase("HARNESS_DEVICE", "gpu")]
    [TestCase("HARNESS_DTYPE", "fp32")]
    [TestCase("HARNESS_THREADS", "0")]
    [TestCase("HARNESS_THREADS", "two")]
    public void A_bad_value_is_refused_naming_the_variable(string name, string value)
    {
        ((Action)(() => HypothesisRunOptions.FromEnvironment(Lookup((name, value)), Lookup())))
            .Should().Throw<ArgumentException>().WithMessage($"{name}: '{value}'*");
    }
}
