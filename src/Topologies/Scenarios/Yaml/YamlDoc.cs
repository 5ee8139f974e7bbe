using NetSim.Engine.Diagnostics;
using YamlDotNet.Core;
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
        if (!System.IO.File.Exists(path)) throw new InputException(path, 0, "", "file not found");
        return Parse(System.IO.File.ReadAllText(path), path);
    }

    public static YamlDoc Parse(string text, string file)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new InputException(file, (int)e.Start.Line, "", $"not valid YAML: {e.InnerException?.Message ?? e.Message}");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new InputException(file, 1, "", "expected a mapping of fields at the top level");
        return new YamlDoc(file, root);
    }

    /// <summary>A reader over the top-level mapping.</summary>
    public YamlMap Top => new(this, Root, "");

    /// <summary>An error at a node: its file and line, or the "--set" assignment that wrote it.</summary>
    public InputException Error(YamlNode? node, string field, string problem) =>
        node is not null && Overridden.TryGetValue(node, out string? assignment)
            ? new InputException($"--set {assignment}", 0, field, problem)
            : new InputException(File, node is null ? 0 : (int)node.Start.Line, field, problem);
}
