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

    public InputException Error(YamlNode? node, string field, string problem) =>
        new(File, node is null ? 0 : (int)node.Start.Line, field, problem);
}
