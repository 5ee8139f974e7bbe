using NetSim.Engine.Addressing;

namespace NetSim.Datapaths.Routing;

/// <summary>
/// One policy-routing rule (ip rule add [not] [from PREFIX] [to PREFIX] lookup TABLE pref N; struct fib_rule with
/// FR_ACT_TO_TBL): a packet whose source and destination match the selector (or, with <see cref="Invert"/>, do not)
/// is looked up in <see cref="Table"/>; a table with no route for it passes the walk to the next rule, as
/// fib_rules_lookup does when the table lookup returns -EAGAIN.
/// </summary>
public sealed class FibRule
{
    /// <summary>The preference of Linux's built-in "lookup main" rule.</summary>
    public const int MainPriority = 32766;

    public required int Priority { get; init; }
    /// <summary>The source selector; 0.0.0.0/0 is "from all".</summary>
    public Ipv4Prefix From { get; init; } = new(Ipv4Address.Any, 0);
    /// <summary>The destination selector; 0.0.0.0/0 is any.</summary>
    public Ipv4Prefix To { get; init; } = new(Ipv4Address.Any, 0);
    /// <summary>FIB_RULE_INVERT ("ip rule add not ..."): the rule applies where the selector does not match.</summary>
    public bool Invert { get; init; }
    public required RoutingTable Table { get; init; }
    /// <summary>The table's number as ip rule prints it (254 main, 255 local).</summary>
    public required int TableId { get; init; }

    /// <summary>fib_rule_match for an IPv4 rule with only address selectors.</summary>
    public bool Matches(Ipv4Address source, Ipv4Address destination) =>
        From.Contains(source) && To.Contains(destination) != Invert;

    public override string ToString()
    {
        string from = From.Length == 0 ? "all" : From.Length == 32 ? From.Network.ToString() : From.ToString();
        string to = To.Length == 0 ? "" : " to " + (To.Length == 32 ? To.Network.ToString() : To.ToString());
        string table = TableId == 254 ? "main" : TableId == 255 ? "local" : TableId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return $"{Priority}: {(Invert ? "not " : "")}from {from}{to} lookup {table}";
    }
}
