namespace NetSim.Engine.Diagnostics;

/// <summary>"Did you mean ...?" for misspelt keys: the known name closest by edit distance, if it is close enough.</summary>
public static class NearestName
{
    /// <summary>
    /// The candidate nearest to <paramref name="name"/>, or null when none is close: within a third of its length
    /// in edits (at least 2), or extending it (an abbreviation of 3 or more characters, like "fixed" for "fixed_ns").
    /// </summary>
    public static string? Find(string name, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(candidates);
        if (name.Length > 64) return null; // no valid name is that long, and the edit distance costs length × length
        string? best = null;
        int bestDistance = int.MaxValue;
        string? extension = null;
        foreach (string c in candidates)
        {
            if (name.Length >= 3 && extension is null && c.StartsWith(name, StringComparison.OrdinalIgnoreCase)) extension = c;
            int d = Distance(name, c);
            if (d < bestDistance || (d == bestDistance && string.CompareOrdinal(c, best) < 0))
            {
                best = c;
                bestDistance = d;
            }
        }
        return bestDistance <= Math.Max(2, name.Length / 3) ? best : extension;
    }

    /// <summary>Text to append to an "unknown key" message: " (did you mean 'x'?)" or a list of the valid names.</summary>
    public static string Hint(string name, IReadOnlyCollection<string> candidates)
    {
        string? near = Find(name, candidates);
        return near is not null ? $" (did you mean '{near}'?)" : $"; expected one of: {string.Join(", ", candidates)}";
    }

    /// <summary>Text to append when the valid names are listed elsewhere: " (did you mean 'x'?)", or nothing when none is close.</summary>
    public static string Suggestion(string name, IEnumerable<string> candidates) =>
        Find(name, candidates) is { } near ? $" (did you mean '{near}'?)" : "";

    /// <summary>Levenshtein distance (case-insensitive), two rows.</summary>
    public static int Distance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) prev[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int subst = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                cur[j] = Math.Min(Math.Min(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + subst);
            }
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
