using System.Globalization;
using NetSim.Engine.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace NetSim.Topologies.Manifests;

/// <summary>
/// One YAML document of a manifest file (documents are separated by '---'), with where it came from, so every error
/// names the file, the document's index (0-based, as kubectl counts them), the line and the field.
/// </summary>
public sealed class ManifestDocument
{
    public ManifestDocument(string file, int index, YamlMappingNode root, string text)
    {
        File = file;
        Index = index;
        Root = root;
        Text = text;
    }

    public string File { get; }
    public int Index { get; }
    public YamlMappingNode Root { get; }

    /// <summary>The document's own text, padded so its lines and columns are those of the file.</summary>
    public string Text { get; }

    public string ApiVersion => Scalar("apiVersion") ?? "";
    public string Kind => Scalar("kind") ?? "";

    /// <summary>kind/name as kubectl prints it, for messages.</summary>
    public string Title => $"{Kind}/{Scalar("metadata.name") ?? "?"}";

    /// <summary>Where objects read from this document came from, for checks of the whole scenario.</summary>
    public Scenarios.Model.ManifestOrigin Origin => new(File, string.Create(CultureInfo.InvariantCulture, $"document {Index} ({Title})"), LineOf);

    /// <summary>The node at a dotted path ("spec.template.spec.containers[0].ports"), or null.</summary>
    public YamlNode? Find(string path)
    {
        YamlNode? node = Root;
        foreach (string part in path.Split('.'))
        {
            string key = part;
            int? index = null;
            int open = part.IndexOf('[', StringComparison.Ordinal);
            if (open >= 0)
            {
                key = part[..open];
                index = int.Parse(part[(open + 1)..^1], CultureInfo.InvariantCulture);
            }
            node = node is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;
            if (index is int i) node = node is YamlSequenceNode s && i < s.Children.Count ? s.Children[i] : null;
            if (node is null) return null;
        }
        return node;
    }

    public string? Scalar(string path) => (Find(path) as YamlScalarNode)?.Value;

    /// <summary>An error at <paramref name="field"/> (a dotted path; the line of its deepest part that exists).</summary>
    public InputException Error(string field, string problem) => new(File, LineOf(field), Field(field), problem);

    /// <summary>An error at a line the parser or the Kubernetes models reported.</summary>
    public InputException ErrorAt(int line, string field, string problem) =>
        new(File, line > 0 ? line : (int)Root.Start.Line, Field(field), problem);

    private string Field(string field) =>
        string.Create(CultureInfo.InvariantCulture, $"document {Index} ({Title})") + (field.Length > 0 ? ": " + field : "");

    /// <summary>The line of <paramref name="field"/>, or of the deepest part of its path that exists.</summary>
    public int LineOf(string field)
    {
        string path = field;
        while (path.Length > 0)
        {
            if (Find(path) is { } node) return (int)node.Start.Line;
            int dot = path.LastIndexOf('.');
            path = dot < 0 ? "" : path[..dot];
        }
        return (int)Root.Start.Line;
    }
}
