using System.Globalization;
using NetSim.Engine.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace NetSim.Topologies.Scenarios.Yaml;

/// <summary>
/// Applies "--set path=value" overrides to a loaded YAML tree before it is read, so any field can be overridden
/// by its path: "duration=1s", "cluster.nodes.count=4", "traffic[0].streams=2". Missing mapping keys are
/// created (then validated like any other field); list indices must exist.
/// </summary>
public static class YamlOverrides
{
    public static void Apply(YamlDoc doc, IEnumerable<string> assignments)
    {
        foreach (string assignment in assignments) Apply(doc, assignment);
    }

    private static void Apply(YamlDoc doc, string assignment)
    {
        YamlMappingNode root = doc.Root;
        int eq = assignment.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0) throw new InputException("--set", 0, assignment, "expected PATH=VALUE, e.g. duration=1s");
        string path = assignment[..eq].Trim();
        string value = assignment[(eq + 1)..].Trim();
        var steps = Parse(path);
        YamlNode node = root;
        for (int i = 0; i < steps.Count; i++)
        {
            bool last = i == steps.Count - 1;
            var (key, index) = steps[i];
            node = Step(doc, assignment, node, key, index, last ? value : null, path);
        }
        doc.Overridden[node] = assignment;
    }

    private static YamlNode Step(YamlDoc doc, string assignment, YamlNode node, string key, int? index, string? value, string path)
    {
        if (node is not YamlMappingNode map) throw new InputException("--set", 0, path, $"'{key}' is not inside a mapping");
        var keyNode = new YamlScalarNode(key);
        map.Children.TryGetValue(keyNode, out YamlNode? child);
        if (child is null) doc.Overridden[keyNode] = assignment; // a key the file did not have: errors point at the --set
        if (index is int i)
        {
            if (child is not YamlSequenceNode seq || i >= seq.Children.Count)
                throw new InputException("--set", 0, path, $"'{key}' has no item [{i}]");
            if (value is not null) { seq.Children[i] = new YamlScalarNode(value); return seq.Children[i]; }
            return seq.Children[i];
        }
        if (value is not null)
        {
            map.Children[keyNode] = ParseValue(value);
            return map.Children[keyNode];
        }
        if (child is null)
        {
            child = new YamlMappingNode();
            map.Children[keyNode] = child;
        }
        return child;
    }

    /// <summary>"[a, b]" sets a list; anything else a single value.</summary>
    private static YamlNode ParseValue(string value)
    {
        if (value.StartsWith('[') && value.EndsWith(']'))
            return new YamlSequenceNode(value[1..^1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(v => (YamlNode)new YamlScalarNode(v)));
        return new YamlScalarNode(value);
    }

    private static List<(string Key, int? Index)> Parse(string path)
    {
        var steps = new List<(string, int?)>();
        foreach (string part in path.Split('.'))
        {
            int bracket = part.IndexOf('[', StringComparison.Ordinal);
            if (part.Length == 0) throw new InputException("--set", 0, path, "empty path step");
            if (bracket < 0) { steps.Add((part, null)); continue; }
            if (!part.EndsWith(']') || !int.TryParse(part[(bracket + 1)..^1], NumberStyles.None, CultureInfo.InvariantCulture, out int idx))
                throw new InputException("--set", 0, path, $"bad index in '{part}'");
            steps.Add((part[..bracket], idx));
        }
        return steps;
    }
}
