namespace NetSim.Topologies.Simulation;

/// <summary>
/// One thing that happened to the cluster during a run (events.csv, the run summary): a scheduled event, or what the
/// control plane did in response (a node marked NotReady, a proxy synced, routes withdrawn).
/// </summary>
/// <param name="AtPs">Simulation time of the change, picoseconds from the start of the run.</param>
/// <param name="Kind">The scenario event ("link_down") or the control-plane step ("node_not_ready", "kube_proxy_sync", "bgp_withdraw").</param>
/// <param name="Target">The node (or Service) acted on.</param>
/// <param name="What">What happened, in words.</param>
public sealed record TimelineEntry(long AtPs, string Kind, string Target, string What);
