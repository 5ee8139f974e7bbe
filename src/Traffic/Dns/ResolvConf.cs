using NetSim.Engine.Addressing;
using NetSim.Engine.Core;

namespace NetSim.Traffic.Dns;

/// <summary>
/// A pod's /etc/resolv.conf as the glibc stub resolver reads it (resolv.conf(5)): one nameserver, the search list,
/// ndots, timeout, attempts, the single-request options and use-vc.
/// </summary>
public sealed record ResolvConf(Ipv4Address Nameserver, IReadOnlyList<string> Search, int Ndots, SimTime Timeout, int Attempts)
{
    /// <summary>resolv.conf(5) defaults: ndots 1, timeout 5 s (RES_TIMEOUT), attempts 2 (RES_DFLRETRY).</summary>
    public const int DefaultNdots = 1, DefaultAttempts = 2;
    public static readonly SimTime DefaultTimeout = SimTime.FromSeconds(5);

    /// <summary>options single-request: A, then AAAA after A's reply, on one socket.</summary>
    public bool SingleRequest { get; init; }
    /// <summary>options single-request-reopen: A and AAAA from two sockets (two source ports), so they are two conntrack tuples.</summary>
    public bool SingleRequestReopen { get; init; }
    /// <summary>options use-vc (RES_USEVC): every query over TCP, a new connection per res_send (A and AAAA on it), closed after.</summary>
    public bool UseVc { get; init; }

    /// <summary>
    /// The names getaddrinfo tries, in order (glibc res_search): a trailing dot means the name only; a name with at
    /// least ndots dots is tried as is first, then with each search domain; otherwise the search domains first, then as is.
    /// </summary>
    public IReadOnlyList<string> Candidates(string name)
    {
        if (name.EndsWith('.')) return [name.TrimEnd('.')];
        int dots = name.Count(c => c == '.');
        var list = new List<string>();
        if (dots >= Ndots) list.Add(name);
        foreach (string domain in Search) list.Add($"{name}.{domain}");
        if (dots < Ndots) list.Add(name);
        return list;
    }
}
