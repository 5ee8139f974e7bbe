using System.Text.RegularExpressions;

namespace NetSim.Topologies.Cni;

/// <summary>The CNI_* parameters of one invocation, validated as the library's pkg/skel does (reference §1.2).</summary>
public sealed partial record CniArgs(
    string Command, string ContainerId, string NetNs, string IfName, string Args = "", string Path = "/opt/cni/bin")
{
    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.\\-]*$")]
    internal static partial Regex NameRegex();

    /// <summary>A value from CNI_ARGS ("IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-0"), or null.</summary>
    public string? Arg(string key)
    {
        foreach (string pair in Args.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && string.Equals(pair[..eq], key, StringComparison.Ordinal)) return pair[(eq + 1)..];
        }
        return null;
    }

    /// <summary>Throws the spec's error for missing or invalid parameters of <see cref="Command"/>.</summary>
    public void Validate()
    {
        var missing = new List<string>();
        bool needsNetNs = Command is "ADD" or "CHECK";
        bool needsContainer = Command is "ADD" or "DEL" or "CHECK";
        if (string.IsNullOrEmpty(Command)) missing.Add("CNI_COMMAND");
        if (needsContainer && string.IsNullOrEmpty(IfName)) missing.Add("CNI_IFNAME");
        if (needsNetNs && string.IsNullOrEmpty(NetNs)) missing.Add("CNI_NETNS");
        if (Command != "VERSION" && string.IsNullOrEmpty(Path)) missing.Add("CNI_PATH");
        if (needsContainer && string.IsNullOrEmpty(ContainerId)) throw new CniException(CniException.UnknownContainer, "missing containerID");
        if (missing.Count > 0)
            throw new CniException(CniException.InvalidEnvironment, $"required env variables [{string.Join(",", missing)}] missing");
        if (needsContainer)
        {
            if (!NameRegex().IsMatch(ContainerId)) throw new CniException(CniException.InvalidEnvironment, "invalid characters in containerID");
            ValidateInterfaceName(IfName);
        }
    }

    /// <summary>Linux interface-name rules (pkg/utils ValidateInterfaceName).</summary>
    public static void ValidateInterfaceName(string name)
    {
        if (name.Length == 0) throw new CniException(CniException.InvalidEnvironment, "interface name is empty");
        if (name.Length > 15) throw new CniException(CniException.InvalidEnvironment, "interface name is too long");
        if (name is "." or "..") throw new CniException(CniException.InvalidEnvironment, "interface name is . or ..");
        foreach (char c in name)
        {
            if (c == '/') throw new CniException(CniException.InvalidEnvironment, "interface name contains / at " + name.IndexOf('/', StringComparison.Ordinal));
            if (c == ':') throw new CniException(CniException.InvalidEnvironment, "interface name contains : at " + name.IndexOf(':', StringComparison.Ordinal));
            if (char.IsWhiteSpace(c)) throw new CniException(CniException.InvalidEnvironment, "interface name contains white space");
        }
    }
}
