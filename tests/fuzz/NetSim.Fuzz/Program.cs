using NetSim.Engine.Diagnostics;
using NetSim.Topologies.Cni;
using NetSim.Topologies.Scenarios;
using SharpFuzz;

namespace NetSim.Fuzz;

/// <summary>
/// One fuzz target per reader, chosen by the first argument: "yaml" (YamlInput, the limits every YAML file is read
/// with), "scenario" (the whole scenario loader and validator) or "conflist" (NetworkConfigList and its type
/// checks). A clean refusal (InputException, CniException) is an expected outcome; any other exception, a stack
/// overflow or a hang is what AFL or libFuzzer reports. "--libfuzzer" as the second argument runs under libFuzzer
/// instead of AFL.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length == 0 || Target(args[0]) is not { } target)
        {
            Console.Error.WriteLine("usage: NetSim.Fuzz yaml|scenario|conflist [--libfuzzer]   (see tests/fuzz/README.md)");
            return 2;
        }
        if (args.Length > 1 && args[1] == "--libfuzzer") Fuzzer.LibFuzzer.Run(span => Guard(target, Text(span)));
        else Fuzzer.OutOfProcess.Run(stream => Guard(target, new StreamReader(stream).ReadToEnd()));
        return 0;
    }

    private static Action<string>? Target(string name) => name switch
    {
        "yaml" => text => YamlInput.LoadMapping(text, "fuzz.yaml", "file"),
        "scenario" => text => ScenarioLoader.Parse(text, "fuzz.yaml"),
        "conflist" => text => NetworkConfigList.Parse(text),
        _ => null,
    };

    private static string Text(ReadOnlySpan<byte> bytes) => System.Text.Encoding.UTF8.GetString(bytes);

    /// <summary>Refusals are fine; anything else escapes to the fuzzer as a crash.</summary>
    private static void Guard(Action<string> target, string text)
    {
        try
        {
            target(text);
        }
        catch (InputException)
        {
        }
        catch (CniException)
        {
        }
    }
}
