using System.Text;

namespace NetSim.Topologies.Policy;

/// <summary>
/// A reachability truth table in the layout of the upstream e2e suite and cyclonus: row = from, column = to, "."
/// allowed, "X" blocked, "-" a pod to itself (loopback, never judged: upstream ignores it, kubernetes issue 95879).
/// </summary>
public sealed class ReachabilityTable
{
    public const char Allowed = '.', Blocked = 'X', Loopback = '-';

    public ReachabilityTable(IReadOnlyList<string> pods, char[,] cells)
    {
        Pods = pods;
        Cells = cells;
    }

    public IReadOnlyList<string> Pods { get; }
    public char[,] Cells { get; }

    public override string ToString()
    {
        const string corner = "from\\to";
        int first = Math.Max(corner.Length, Pods.Max(p => p.Length));
        var sb = new StringBuilder();
        sb.Append(corner.PadLeft(first));
        foreach (var p in Pods) sb.Append(' ').Append(p);
        sb.Append('\n');
        for (int r = 0; r < Pods.Count; r++)
        {
            sb.Append(Pods[r].PadLeft(first));
            for (int c = 0; c < Pods.Count; c++) sb.Append(' ').Append(Cells[r, c].ToString().PadLeft(Pods[c].Length));
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>
    /// The tables of an expectation file: "Probe TCP/80:" lines name the probe the following table is for; a table
    /// without one applies to every probe (key ""). Lines that are neither are ignored (titles, fences, prose).
    /// </summary>
    public static Dictionary<string, ReachabilityTable> Parse(string text, string file)
    {
        var tables = new Dictionary<string, ReachabilityTable>(StringComparer.Ordinal);
        string probe = "";
        var lines = text.Replace("\r", "", StringComparison.Ordinal).Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.StartsWith("Probe ", StringComparison.Ordinal)) { probe = line[6..].TrimEnd(':').Trim().ToUpperInvariant(); continue; }
            if (!line.StartsWith("from\\to", StringComparison.Ordinal)) continue;
            var pods = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..];
            var cells = new char[pods.Length, pods.Length];
            for (int r = 0; r < pods.Length; r++)
            {
                int n = i + 1 + r;
                var tokens = n < lines.Length ? lines[n].Split(' ', StringSplitOptions.RemoveEmptyEntries) : [];
                if (tokens.Length != pods.Length + 1 || tokens[0] != pods[r])
                    throw new Engine.Diagnostics.InputException(file, n + 1, "table", $"expected the row of {pods[r]} with {pods.Length} cells");
                for (int c = 0; c < pods.Length; c++)
                {
                    if (tokens[c + 1] is not ("." or "X" or "-"))
                        throw new Engine.Diagnostics.InputException(file, n + 1, $"table[{pods[r]}][{pods[c]}]", $"'{tokens[c + 1]}' is not '.', 'X' or '-'");
                    cells[r, c] = tokens[c + 1][0];
                }
            }
            if (!tables.TryAdd(probe, new ReachabilityTable(pods, cells)))
                throw new Engine.Diagnostics.InputException(file, i + 1, "table", $"a second table for {(probe.Length == 0 ? "every probe" : probe)}");
            i += pods.Length;
        }
        if (tables.Count == 0) throw new Engine.Diagnostics.InputException(file, 0, "table", "no table (a line starting with from\\to)");
        return tables;
    }

    /// <summary>The cells where this table and <paramref name="expected"/> differ ("from → to: expected X, got ."); loopback cells are not judged.</summary>
    public IReadOnlyList<string> Differences(ReachabilityTable expected)
    {
        var diffs = new List<string>();
        foreach (var p in expected.Pods.Except(Pods, StringComparer.Ordinal)) diffs.Add($"{p}: in the expected table, not a pod of the scenario");
        foreach (var p in Pods.Except(expected.Pods, StringComparer.Ordinal)) diffs.Add($"{p}: a pod of the scenario, not in the expected table");
        for (int r = 0; r < Pods.Count; r++)
            for (int c = 0; c < Pods.Count; c++)
            {
                if (r == c) continue;
                int er = IndexOf(expected.Pods, Pods[r]), ec = IndexOf(expected.Pods, Pods[c]);
                if (er < 0 || ec < 0) continue;
                char want = expected.Cells[er, ec];
                if (want != Loopback && want != Cells[r, c]) diffs.Add($"{Pods[r]} -> {Pods[c]}: expected {want}, got {Cells[r, c]}");
            }
        return diffs;
    }

    private static int IndexOf(IReadOnlyList<string> list, string s)
    {
        for (int i = 0; i < list.Count; i++)
            if (list[i] == s) return i;
        return -1;
    }
}
