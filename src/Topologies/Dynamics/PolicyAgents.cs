using System.Globalization;
using NetSim.Engine.Core;
using NetSim.Topologies.Build;
using NetSim.Topologies.Build.Cni;
using NetSim.Topologies.Policy;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Dynamics;

/// <summary>
/// The NetworkPolicy agents while the cluster changes (Felix, cilium-agent, Canal's Felix): a policy created or deleted
/// (policy_add, policy_remove) reaches every node's agent at once, and each writes it after its own delay (Felix: at
/// once unless its apply throttle is empty, then one iptables-restore of the chains that changed; cilium-agent: its
/// regeneration, then its policy map entries), so nodes switch one by one. What an agent writes is the state at its write (level-triggered, as
/// the agents reconcile). Connections already established keep flowing through a new deny: Felix accepts ctstate
/// ESTABLISHED,RELATED first in every workload chain, and bpf_lxc looks policy up only when it creates a CT entry; new
/// connections are denied. Pods that start or stop update the ipsets / ipcache on every node and their own chains or maps.
/// </summary>
internal sealed class PolicyAgents
{
    private readonly ClusterDynamics _dynamics;
    private readonly BuiltCluster _cluster;
    private readonly ControlPlaneTimers _timers;
    private readonly List<IPolicyObject> _inEffect;
    private readonly Dictionary<string, AgentLoop> _loops = new(StringComparer.Ordinal);

    public PolicyAgents(ClusterDynamics dynamics, BuiltCluster cluster, ControlPlaneTimers timers)
    {
        _dynamics = dynamics;
        _cluster = cluster;
        _timers = timers;
        _inEffect = PolicyWiring.InEffectAtStart(cluster.Context.Scenario).ToList();
    }

    private Scenario Scenario => _cluster.Context.Scenario;

    /// <summary>The scenario has policies and its datapath an agent that enforces them.</summary>
    public bool Active => Scenario.NetworkPolicies.Count > 0 && _cluster.Network.PolicyAgent.Length > 0;

    public void Apply(ClusterEvent e)
    {
        var policy = Scenario.NetworkPolicies.Select(p => p.Policy).First(p => EventReader.Key(p) == e.Target);
        if (e.Kind == ClusterEvent.PolicyAdd) _inEffect.Add(policy);
        else _inEffect.Remove(policy);
        bool reads = PolicyWiring.Reads(Scenario.Cni, policy);
        string verb = e.Kind == ClusterEvent.PolicyAdd ? "created" : "deleted";
        if (!Active || !reads)
        {
            _dynamics.Record(e.Kind, e.Target, $"{policy.Kind} {e.Target} {verb}; {Scenario.Cni.Datapath} has no agent that reads it: nothing changes in the datapath");
            return;
        }
        _dynamics.Record(e.Kind, e.Target, $"{policy.Kind} {e.Target} {verb}; every node's {_cluster.Network.PolicyAgent} agent programs it after its own delay");
        ProgramEverywhere($"{e.Kind} {e.Target}");
    }

    /// <summary>A pod's endpoint appeared or went: ipset members / ipcache everywhere, its own chains or maps on its node.</summary>
    public void EndpointsChanged(string why)
    {
        if (!Active) return;
        var policies = Current();
        foreach (var n in _cluster.Nodes)
            if (!_dynamics.IsCut(n.Name)) Write(n, policies, why);
    }

    /// <summary>Without policies, Felix's iptables dataplane still removes a deleted workload's cali-fw-/cali-tw- chains.</summary>
    public void WorkloadRemoved(BuiltNode node, string why)
    {
        if (Active) EndpointsChanged(why);
        else if (_cluster.Network.PolicyAgent == "felix-iptables") Write(node, null, why);
    }

    /// <summary>
    /// Each node's agent programs the change on one of the node's cores (its CPU competes with the datapath there):
    /// Felix when its apply throttle admits it, cilium-agent after its regeneration. An agent runs one write at a time;
    /// changes that arrive meanwhile fold into one more write after it (the agents are level-triggered).
    /// </summary>
    private void ProgramEverywhere(string why)
    {
        foreach (var n in _cluster.Nodes)
            if (!_dynamics.IsCut(n.Name)) Program(n, why);
    }

    private void Program(BuiltNode node, string why)
    {
        var loop = LoopOf(node);
        if (loop.Busy)
        {
            loop.Again = why;
            return;
        }
        loop.Busy = true;
        string agent = _cluster.Network.PolicyAgent;
        var now = _dynamics.Now;
        var wait = loop.Throttle is { } throttle ? throttle.Admit(now) - now : _timers.PolicyAgents.Wait(agent);
        _dynamics.After(wait, () =>
        {
            var policies = Current();
            int size = _cluster.Network.PolicyWriteSize(node, policies);
            var cpu = _timers.PolicyAgents.Cpu(agent, size, _timers.SyncCosts);
            ControlPlaneWork.Run(_dynamics, node, cpu, _timers.ControlCpuSlice, () =>
            {
                loop.Busy = false;
                if (_dynamics.IsCut(node.Name)) return;
                Write(node, Current(), string.Create(CultureInfo.InvariantCulture, $"{why} (after {wait}, {size} {WriteUnit} in {cpu} of CPU)"));
                if (loop.Again is { } again)
                {
                    loop.Again = null;
                    Program(node, again);
                }
            });
        });
    }

    private AgentLoop LoopOf(BuiltNode node)
    {
        if (!_loops.TryGetValue(node.Name, out var loop))
        {
            var throttle = PolicyAgentTimes.IsFelix(_cluster.Network.PolicyAgent) ? new FelixApplyThrottle(_timers.PolicyAgents.FelixApplyInterval) : null;
            _loops[node.Name] = loop = new AgentLoop(throttle);
        }
        return loop;
    }

    private string WriteUnit => _cluster.Network.PolicyAgent == "felix-iptables" ? "iptables-restore lines" : "map entries";

    /// <summary>One node's agent: its apply throttle (Felix), whether a write runs, the latest change waiting for it.</summary>
    private sealed class AgentLoop(FelixApplyThrottle? throttle)
    {
        public FelixApplyThrottle? Throttle { get; } = throttle;
        public bool Busy { get; set; }
        public string? Again { get; set; }
    }

    private ClusterPolicies? Current() => PolicyWiring.Of(Scenario, _inEffect, _cluster.Pods);

    private void Write(BuiltNode node, ClusterPolicies? policies, string why)
    {
        int before = _cluster.Network.PolicyStateSize(node);
        int size = _cluster.Network.ProgramPolicy(node, policies);
        string unit = _cluster.Network.PolicyAgent == "felix-iptables" ? "Felix filter rules" : "policy map entries";
        _dynamics.Record("policy_programmed", node.Name, string.Create(CultureInfo.InvariantCulture, $"{_cluster.Network.PolicyAgent} agent wrote {why}: {before} -> {size} {unit}"));
    }
}
