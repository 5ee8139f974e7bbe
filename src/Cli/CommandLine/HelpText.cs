namespace NetSim.Cli.CommandLine;

/// <summary>
/// Help text as written in the source (lines of at most ~110 columns) reflowed for the terminal: the lines of a
/// paragraph are joined so that the terminal wraps them at its own width; blank lines separate paragraphs, and
/// indented lines (lists, file names) keep their line breaks.
/// </summary>
public static class HelpText
{
    public static string Reflow(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var sb = new System.Text.StringBuilder();
        bool inParagraph = false;
        foreach (string raw in lines)
        {
            string line = raw.TrimEnd();
            if (line.Length == 0)
            {
                sb.Append('\n');
                inParagraph = false;
                continue;
            }
            bool indented = line.StartsWith(' ');
            if (inParagraph && !indented) sb.Append(' ').Append(line);
            else
            {
                if (sb.Length > 0 && sb[^1] != '\n') sb.Append('\n');
                sb.Append(line);
            }
            inParagraph = !indented;
        }
        return sb.ToString().TrimEnd('\n');
    }

    /// <summary>The first paragraph: the one line shown in the list of commands.</summary>
    public static string Summary(string text)
    {
        string reflowed = Reflow(text);
        int end = reflowed.IndexOf('\n', StringComparison.Ordinal);
        return end < 0 ? reflowed : reflowed[..end];
    }
}
