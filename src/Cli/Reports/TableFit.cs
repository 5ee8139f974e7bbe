using Spectre.Console;

namespace NetSim.Cli.Reports;

/// <summary>
/// How wide a Spectre table with the default border draws: a border before each column and one at the end, one
/// space of padding each side of every column, and each column as wide as its longest line.
/// </summary>
public static class TableFit
{
    public static int Width(IReadOnlyList<int> columnWidths) => 1 + columnWidths.Sum(w => w + 3);

    /// <summary>The longest line of a cell's text.</summary>
    public static int LineWidth(string text) => text.Split('\n').Max(l => l.Length);

    /// <summary>
    /// Splits columns (after the <paramref name="fixedWidth"/> columns every table repeats) into runs that each fit
    /// <paramref name="width"/>; every run has at least one column.
    /// </summary>
    public static List<List<int>> Split(IReadOnlyList<int> fixedWidths, IReadOnlyList<int> columnWidths, int width)
    {
        var runs = new List<List<int>>();
        var current = new List<int>();
        foreach (int i in Enumerable.Range(0, columnWidths.Count))
        {
            var trial = fixedWidths.Concat(current.Append(i).Select(c => columnWidths[c])).ToList();
            if (current.Count > 0 && Width(trial) > width)
            {
                runs.Add(current);
                current = [];
            }
            current.Add(i);
        }
        if (current.Count > 0) runs.Add(current);
        return runs;
    }

    /// <summary>Words on lines of at most <paramref name="width"/> characters (a longer word keeps its own line).</summary>
    public static string Wrap(string text, int width)
    {
        var lines = new List<string>();
        string line = "";
        foreach (string word in text.Split(' '))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                lines.Add(line);
                line = word;
            }
            else line = line.Length == 0 ? word : $"{line} {word}";
        }
        lines.Add(line);
        return string.Join('\n', lines);
    }

    /// <summary>A column header: its label over its unit, right-aligned for numbers.</summary>
    public static TableColumn Column(string header, bool right) =>
        new TableColumn(Fmt.Plain(header)) { Alignment = right ? Justify.Right : Justify.Left };
}
