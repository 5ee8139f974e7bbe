namespace NetSim.Topologies.Cni;

/// <summary>
/// A CNI error result: {"cniVersion","code","msg","details"} with the spec's codes (reference §1.4).
/// </summary>
public sealed class CniException : Exception
{
    public const int IncompatibleVersion = 1;
    public const int UnsupportedField = 2;
    public const int UnknownContainer = 3;
    public const int InvalidEnvironment = 4;
    public const int IoFailure = 5;
    public const int DecodeFailure = 6;
    public const int InvalidNetworkConfig = 7;
    public const int InvalidNetNs = 8;
    public const int TryAgainLater = 11;
    public const int PluginNotAvailable = 50;
    public const int PluginNotAvailableLimited = 51;
    public const int Internal = 999;

    public CniException(int code, string msg, string details = "") : base(msg)
    {
        Code = code;
        Msg = msg;
        Details = details;
    }

    public CniException() : this(Internal, "internal error") { }
    public CniException(string message) : this(Internal, message) { }
    public CniException(string message, Exception inner) : base(message, inner)
    {
        Code = Internal;
        Msg = message;
        Details = "";
    }

    public int Code { get; }
    public string Msg { get; }
    public string Details { get; }

    /// <summary>
    /// The codes that say the network configuration itself is wrong (an incompatible or unsupported version, a field
    /// the plugin cannot honour, JSON it cannot decode, an invalid config, a plugin missing from CNI_PATH): every pod
    /// would fail the same way, so NetSim refuses the scenario. Every other code is something that happened to one
    /// pod's ADD (an exhausted IPAM range, an interface that exists, try again later) and fails that pod only.
    /// </summary>
    public bool IsConfigurationError => InConfiguration || Code is IncompatibleVersion or UnsupportedField or DecodeFailure or InvalidNetworkConfig or PluginNotAvailable;

    /// <summary>Raised while the plugin loads its configuration (its loadConf), whatever code it reports it with.</summary>
    public bool InConfiguration { get; private init; }

    /// <summary>An error of the plugin's loadConf: the code the real plugin reports (often 999), refused like a bad config.</summary>
    public static CniException InLoadConf(int code, string msg) => new(code, msg) { InConfiguration = true };

    /// <summary>The same error with <paramref name="prefix"/> before its message (a meta-plugin's context), still a config error if it was one.</summary>
    public CniException WithPrefix(string prefix) => new(Code, prefix + Msg, Details) { InConfiguration = InConfiguration };

    /// <summary>The error result JSON a plugin prints on stdout.</summary>
    public string ToJson(string cniVersion)
    {
        var o = new System.Text.Json.Nodes.JsonObject
        {
            ["cniVersion"] = cniVersion,
            ["code"] = Code,
            ["msg"] = Msg,
        };
        if (Details.Length > 0) o["details"] = Details;
        return o.ToJsonString();
    }

    public override string ToString() => $"CNI error {Code}: {Msg}{(Details.Length > 0 ? $" ({Details})" : "")}";
}
