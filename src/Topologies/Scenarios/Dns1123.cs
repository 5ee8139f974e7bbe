namespace NetSim.Topologies.Scenarios;

/// <summary>Kubernetes object-name rules (RFC 1123 labels): lower-case alphanumerics and '-', at most 63.</summary>
public static class Dns1123
{
    public static bool IsLabel(string s) =>
        s.Length is > 0 and <= 63 && char.IsAsciiLetterOrDigit(s[0]) && char.IsAsciiLetterOrDigit(s[^1]) &&
        s.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    /// <summary>RFC 1123 subdomains (most object names, a NetworkPolicy's): dot-separated labels, at most 253.</summary>
    public static bool IsSubdomain(string s) => s.Length is > 0 and <= 253 && s.Split('.').All(IsLabel);
}
