using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace NetSim.Topologies.KubeProxy;

/// <summary>
/// The chain names kube-proxy derives from a Service port: iptables "KUBE-SVC-" + the first 16 characters of
/// base32(sha256(servicePortName + protocol)) (also KUBE-SVL-, KUBE-EXT-, KUBE-FW-), "KUBE-SEP-" + the same over
/// servicePortName + protocol + "ip:port"; nftables "service-" + first 8 characters of base32(sha256(name)) + "-" +
/// name with name "ns/svc/proto/portName" (and "endpoint-...__ip/port"). Names are computed once per Service port
/// and shared by every node that syncs the same <see cref="ServicePort"/>.
/// </summary>
public static class KubeProxyChainNames
{
    private const string Base32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static readonly ConditionalWeakTable<ServicePort, Names> Cache = new();

    /// <summary>portProtoHash: the 16-character hash of a Service port name and its lower-case protocol.</summary>
    public static string PortProtoHash(string servicePortName, string protocol) => HashPrefix(servicePortName + protocol, 16);

    /// <summary>servicePortEndpointChainName's hash: over servicePortName + protocol + "ip:port".</summary>
    public static string EndpointHash(string servicePortName, string protocol, string endpoint) =>
        HashPrefix(servicePortName + protocol + endpoint, 16);

    public static string Svc(ServicePort svc) => For(svc).Svc;
    public static string Svl(ServicePort svc) => "KUBE-SVL-" + For(svc).Hash;
    public static string Ext(ServicePort svc) => "KUBE-EXT-" + For(svc).Hash;
    public static string Sep(ServicePort svc, ServiceEndpoint ep) => For(svc).Sep(ep);

    /// <summary>nftables hashAndTruncate: 8 hash characters, "-", then the readable name.</summary>
    public static string NftHashAndTruncate(string name)
    {
        string s = HashPrefix(name, 8) + "-" + name;
        const int max = 256 - 16; // knftables.NameLengthMax - chainNamePrefixLengthMax
        return s.Length > max ? s[..(max - 3)] + "..." : s;
    }

    /// <summary>servicePortChainNameBase: "HASH-ns/svc/proto/portName".</summary>
    public static string NftServiceBase(ServicePort svc) => For(svc).NftBase;

    /// <summary>servicePortEndpointChainNameBase: "HASH-ns/svc/proto/portName__ip/port".</summary>
    public static string NftEndpointBase(ServicePort svc, ServiceEndpoint ep) => For(svc).NftEndpointBase(ep);

    /// <summary>The cached iptables names of <paramref name="svc"/> (KUBE-SVC/SVL/EXT and one KUBE-SEP per endpoint).</summary>
    internal static Names For(ServicePort svc) => Cache.GetValue(svc, static s => new Names(s));

    internal static string HashPrefix(string text, int chars)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return Base32(hash, chars);
    }

    /// <summary>The first <paramref name="chars"/> characters of RFC 4648 base32 (Go's base32.StdEncoding).</summary>
    private static string Base32(ReadOnlySpan<byte> data, int chars)
    {
        Span<char> text = stackalloc char[chars];
        int bit = 0;
        for (int i = 0; i < chars; i++, bit += 5)
        {
            int b = bit >> 3, shift = bit & 7;
            int v = data[b] << 8 | (b + 1 < data.Length ? data[b + 1] : 0);
            text[i] = Base32Alphabet[(v >> (11 - shift)) & 31];
        }
        return new string(text);
    }

    /// <summary>The names of one Service port (and its immutable DNAT targets), computed once.</summary>
    internal sealed class Names
    {
        private readonly Dictionary<ServiceEndpoint, string> _sep = new();
        private readonly Dictionary<ServiceEndpoint, Datapaths.Netfilter.DnatTarget> _dnat = new();
        private readonly Dictionary<ServiceEndpoint, string> _nftEndpoint = new();
        private string? _nftBase;
        private readonly ServicePort _svc;

        public Names(ServicePort svc)
        {
            _svc = svc;
            PortName = svc.ServicePortName;
            Hash = PortProtoHash(PortName, svc.ProtocolName);
            Svc = "KUBE-SVC-" + Hash;
        }

        public string PortName { get; }

        public string NftBase => _nftBase ??= NftHashAndTruncate($"{_svc.Namespace}/{_svc.Name}/{_svc.ProtocolName}/{_svc.PortName}");

        public string NftEndpointBase(ServiceEndpoint ep)
        {
            lock (_nftEndpoint)
            {
                if (_nftEndpoint.TryGetValue(ep, out string? name)) return name;
                name = NftHashAndTruncate($"{_svc.Namespace}/{_svc.Name}/{_svc.ProtocolName}/{_svc.PortName}__{ep.Ip}/{ep.Port}");
                _nftEndpoint.Add(ep, name);
                return name;
            }
        }
        public string Hash { get; }
        public string Svc { get; }

        public string Sep(ServiceEndpoint ep)
        {
            lock (_sep)
            {
                if (_sep.TryGetValue(ep, out string? name)) return name;
                name = "KUBE-SEP-" + EndpointHash(PortName, _svc.ProtocolName, ep.Text);
                _sep.Add(ep, name);
                return name;
            }
        }

        /// <summary>"-j DNAT --to-destination ip:port" for <paramref name="ep"/> (immutable, so shared by every node's table).</summary>
        public Datapaths.Netfilter.DnatTarget Dnat(ServiceEndpoint ep)
        {
            lock (_dnat)
            {
                if (_dnat.TryGetValue(ep, out var t)) return t;
                t = new Datapaths.Netfilter.DnatTarget(ep.Ip, ep.Port);
                _dnat.Add(ep, t);
                return t;
            }
        }
    }
}
