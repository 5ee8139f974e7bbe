using NetSim.Engine.Diagnostics;
using YamlDotNet.Core;

namespace NetSim.Topologies.Manifests;

/// <summary>
/// A manifest document read into the official Kubernetes API models (the KubernetesClient package), strictly: a field
/// the API type does not have is an error at its line, as `kubectl apply --validate=strict` reports it.
/// </summary>
internal static partial class KubernetesModel
{
    public static T Read<T>(ManifestDocument d)
    {
        try
        {
            return k8s.KubernetesYaml.Deserialize<T>(d.Text, strict: true);
        }
        catch (YamlException e)
        {
            string message = Innermost(e).Message;
            var unknown = UnknownProperty().Match(message);
            throw unknown.Success
                ? d.ErrorAt((int)e.Start.Line, unknown.Groups[1].Value, $"unknown field: a {unknown.Groups[2].Value} has no field '{unknown.Groups[1].Value}' (Kubernetes API names are case-sensitive)")
                : d.ErrorAt((int)e.Start.Line, "", message);
        }
        catch (Exception e) when (e is FormatException or OverflowException or InvalidCastException or ArgumentException or InvalidOperationException)
        {
            throw d.ErrorAt(0, "", $"not a valid {typeof(T).Name[2..]}: {e.Message}");
        }
    }

    /// <summary>How the models' strict reader words an unknown field: "Property 'portz' not found on type 'k8s.Models.V1Container'."</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"Property '([^']+)' not found on type 'k8s\.Models\.V1([A-Za-z]+)'")]
    private static partial System.Text.RegularExpressions.Regex UnknownProperty();

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }

    /// <summary>A manifest's labels as NetSim keeps them (ordinal order, never null).</summary>
    public static SortedDictionary<string, string> Labels(IDictionary<string, string>? labels) =>
        new(labels ?? new Dictionary<string, string>(), StringComparer.Ordinal);

    internal static InputException Unsupported(ManifestDocument d, string field, string what) => d.Error(field, $"{what} is not modelled by NetSim; remove it or see scenarios/README.md (Kubernetes manifests)");
}
