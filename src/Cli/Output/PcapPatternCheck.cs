using NetSim.Experiments;

namespace NetSim.Cli.Output;

/// <summary>
/// --pcap PATTERN is a glob over "node/namespace/device" names with * and ? as its only wildcards. Characters no
/// interface name has (brackets, braces, spaces) can only mean a glob syntax NetSim does not have, so they are
/// refused before the run instead of silently matching nothing.
/// </summary>
public static class PcapPatternCheck
{
    public static void Check(string command, string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (pattern.Length == 0) throw CommandInputError.Of(command, "--pcap needs a pattern, e.g. 'node1/*/eth0'");
        if (pattern.Length > 1024) throw CommandInputError.Of(command, $"--pcap: a pattern of {pattern.Length} characters; interface names are short");
        foreach (char c in pattern)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '*' or '?' or '/' or '-' or '_' or '.' or '@' or ':'))
                throw CommandInputError.Of(command, $"--pcap '{pattern}': '{c}' is not in any interface name; the pattern is node/namespace/device with * and ? as wildcards, e.g. 'node1/*/eth0'");
    }
}
