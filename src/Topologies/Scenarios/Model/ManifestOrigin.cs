using System.Text.RegularExpressions;

namespace NetSim.Topologies.Scenarios.Model;

/// <summary>
/// Where an object read from a Kubernetes manifest came from, so checks of the whole scenario (a Service that selects
/// nothing, pods that do not fit a node) name the manifest's file, document, line and field rather than the scenario's.
/// </summary>
/// <param name="Field">How errors name the object: "document 2 (Service/web)".</param>
/// <param name="LineOf">The line of a manifest field path ("spec.ports[0].targetPort"), or of the nearest field that exists.</param>
public sealed partial record ManifestOrigin(string File, string Field, Func<string, int> LineOf)
{
    /// <summary>The manifest field for a scenario field path ("services[3].ports[0].target_port" → "spec.ports[0].targetPort").</summary>
    public static string ManifestField(string scenarioField)
    {
        string rest = ItemPrefix().Replace(scenarioField, "");
        return rest switch
        {
            "replicas" or "selector" or "ports" => "spec." + rest,
            _ when rest.EndsWith(".target_port", StringComparison.Ordinal) => "spec." + rest.Replace(".target_port", ".targetPort", StringComparison.Ordinal),
            _ => rest,
        };
    }

    public Engine.Diagnostics.InputException Error(string scenarioField, string problem)
    {
        string field = ManifestField(scenarioField);
        return new(File, LineOf(field), $"{Field}: {field}", problem);
    }

    [GeneratedRegex(@"^(workloads|services)\[\d+\]\.")]
    private static partial Regex ItemPrefix();
}
