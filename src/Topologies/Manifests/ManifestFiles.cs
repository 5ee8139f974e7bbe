using NetSim.Engine.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace NetSim.Topologies.Manifests;

/// <summary>
/// The documents of the manifest files a scenario names: a file, or a folder whose *.yaml, *.yml and *.json files are
/// read in ordinal name order, subfolders included (as `kubectl apply -R -f DIR` does). Empty documents are skipped.
/// </summary>
public static class ManifestFiles
{
    /// <summary>More files than any real application folder holds; a guard against pointing at the root of a disk.</summary>
    public const int MaxFiles = 10_000;

    private static readonly string[] Extensions = [".yaml", ".yml", ".json"];

    /// <summary>Every document of every file under <paramref name="paths"/>, in order.</summary>
    /// <param name="origin">Who named the paths, for a missing one ("scenario.yaml: manifests").</param>
    public static IReadOnlyList<ManifestDocument> Read(IReadOnlyList<string> paths, Func<string, string, InputException> missing)
    {
        var documents = new List<ManifestDocument>();
        foreach (string file in paths.SelectMany(p => Expand(p, missing)))
            documents.AddRange(ReadFile(file));
        return documents;
    }

    private static List<string> Expand(string path, Func<string, string, InputException> missing)
    {
        if (Directory.Exists(path))
        {
            var files = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                .Take(MaxFiles + 1)
                .Order(StringComparer.Ordinal)
                .ToList();
            if (files.Count > MaxFiles) throw missing(path, $"holds more than {MaxFiles:N0} manifest files");
            if (files.Count == 0) throw missing(path, "is a folder with no .yaml, .yml or .json files");
            return files;
        }
        if (!File.Exists(path)) throw missing(path, "does not exist");
        return [path];
    }

    private static IEnumerable<ManifestDocument> ReadFile(string file)
    {
        string text = InputFile.ReadText(file, "manifest");
        var stream = YamlInput.Load(text, file);
        string[] lines = text.ReplaceLineEndings("\n").Split('\n'); // YAML's line breaks: LF, CR LF, or CR alone
        for (int i = 0; i < stream.Documents.Count; i++)
        {
            var root = stream.Documents[i].RootNode;
            if (root is YamlScalarNode { Value: null or "" or "~" or "null" }) continue;
            if (root is not YamlMappingNode map)
                throw new InputException(file, (int)root.Start.Line, $"document {i}", "expected a Kubernetes object (a mapping with apiVersion, kind, metadata)");
            int next = i + 1 < stream.Documents.Count ? (int)stream.Documents[i + 1].RootNode.Start.Line : lines.Length + 1;
            yield return new ManifestDocument(file, i, map, Slice(lines, map, next));
        }
    }

    /// <summary>
    /// The text of one document (its lines up to the next document's, without the '---' or '...' between), padded with
    /// blank lines and spaces so the Kubernetes models report the file's own line numbers.
    /// </summary>
    private static string Slice(string[] lines, YamlMappingNode root, int nextLine)
    {
        // Clamped: should the parser count lines differently from this split, a message's line is off but nothing breaks.
        int first = Math.Clamp((int)root.Start.Line - 1, 0, lines.Length - 1), column = Math.Max(0, (int)root.Start.Column - 1);
        int end = Math.Clamp(nextLine - 1, first + 1, lines.Length);
        while (end > first + 1 && (lines[end - 1].StartsWith("---", StringComparison.Ordinal) || lines[end - 1].StartsWith("...", StringComparison.Ordinal)))
            end--;
        var body = new List<string>(end - first) { new string(' ', column) + lines[first][Math.Min(column, lines[first].Length)..] };
        for (int l = first + 1; l < end; l++) body.Add(lines[l]);
        return new string('\n', first) + string.Join('\n', body);
    }
}
