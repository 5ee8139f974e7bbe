using NetSim.Datapaths.Devices;

namespace NetSim.Datapaths.Netfilter;

/// <summary>
/// A rule's -i / -o matches ("+" wildcards, "!"), kept beside the rule only when it has one: most rules (kube-proxy's
/// tens of thousands per node) match no interface, so they do not carry these fields.
/// </summary>
internal sealed class IptInterfaceMatch
{
    public string? In { get; private set; }
    public bool InInvert { get; set; }
    public string? Out { get; private set; }
    public bool OutInvert { get; set; }
    private string? _inName, _outName;
    private bool _inPrefix, _outPrefix;

    public void SetIn(string? value) => In = Split(value, out _inName, out _inPrefix);

    public void SetOut(string? value) => Out = Split(value, out _outName, out _outPrefix);

    public bool Matches(NetDevice? inDevice, NetDevice? outDevice) =>
        (_inName is null || NameMatches(inDevice, _inName, _inPrefix) != InInvert) &&
        (_outName is null || NameMatches(outDevice, _outName, _outPrefix) != OutInvert);

    private static bool NameMatches(NetDevice? device, string name, bool prefix) =>
        device is not null && (prefix ? device.Name.StartsWith(name, StringComparison.Ordinal) : string.Equals(device.Name, name, StringComparison.Ordinal));

    private static string? Split(string? value, out string? name, out bool prefix)
    {
        prefix = value is not null && value.EndsWith('+');
        name = prefix ? value![..^1] : value;
        return value;
    }
}
