using NetSim.Engine.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace NetSim.Topologies.Scenarios.Yaml;

/// <summary>
/// A parsed YAML file that remembers where every node came from, so every error names file, line and field.
/// </summary>
public sealed class YamlDoc
{
    private YamlDoc(string file, YamlMappingNode root)
    {
        File = file;
        Root = root;
    }

    public string File { get; }
    public YamlMappingNode Root { get; }

    /// <summary>Nodes written by "--set" overrides, with the assignment that wrote them.</summary>
    public Dictionary<YamlNode, string> Overridden { get; } = new(ReferenceEqualityComparer.Instance);

    public static YamlDoc Load(string path)
    {
        return Parse(InputFile.ReadText(path, "YAML"), path);
    }

    /// <summary>Parses <paramref name="text"/> within <see cref="YamlInput"/>'s limits (depth, size, aliases).</summary>
    public static YamlDoc Parse(string text, string file) => new(file, YamlInput.LoadMapping(text, file, "file"));

    /// <summary>A reader over the top-level mapping.</summary>
    public YamlMap Top => new(this, Root, "");

    /// <summary>An error at a node: its file and line, or the "--set" assignment that wrote it.</summary>
    public InputException Error(YamlNode? node, string field, string problem) =>
        node is not null && Overridden.TryGetValue(node, out string? assignment)
            ? new InputException($"--set {assignment}", 0, field, problem)
            : new InputException(File, node is null ? 0 : (int)node.Start.Line, field, problem);
}
