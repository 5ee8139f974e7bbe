namespace NetSim.Topologies.Scenarios;

/// <summary>Kubernetes object-name rules (RFC 1123 labels): lower-case alphanumerics and '-', at most 63.</summary>
public static class Dns1123
{
    public static bool IsLabel(string s) =>
        s.Length is > 0 and <= 63 && char.IsAsciiLetterOrDigit(s[0]) && char.IsAsciiLetterOrDigit(s[^1]) &&
        s.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
}
