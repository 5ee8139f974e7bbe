using System.Globalization;
using NetSim.Engine.Core;
using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Dynamics;

/// <summary>
/// Services created and deleted while traffic flows (service_add, service_remove): each copy of the named Service
/// gets the next ClusterIP and the Service's endpoints; copies come at the event's rate (all at once without one).
/// Every change asks the proxies for a sync; a new Service's first packet is proxied only when that sync has ended.
/// </summary>
internal sealed class ServiceChurn(ClusterDynamics dynamics, ServiceWiring services)
{
    public void Apply(ClusterEvent e)
    {
        bool add = e.Kind == ClusterEvent.ServiceAdd;
        dynamics.Record(e.Kind, e.Target, string.Create(CultureInfo.InvariantCulture,
            $"{(add ? "creating" : "deleting")} {e.Count} Service{(e.Count > 1 ? "s" : "")} {(add ? "copied from" : "named")} {e.Target}{(e.Rate > 0 && e.Count > 1 ? $" at {e.Rate:0.###}/s" : "")}"));
        for (int k = 0; k < e.Count; k++)
        {
            var delay = e.Rate > 0 ? SimTime.FromSecondsApprox(k / e.Rate) : SimTime.Zero;
            if (delay == SimTime.Zero) Change(add, e.Target);
            else dynamics.After(delay, () => Change(add, e.Target));
        }
    }

    private void Change(bool add, string template)
    {
        int before = services.ServicePortCount;
        if (add)
        {
            var (name, _) = services.AddServiceCopy(template);
            dynamics.Sync.Request(template, $"Service {name} created", services.ServicePortCount - before, newService: true);
        }
        else
        {
            string name = services.RemoveService(template);
            dynamics.Sync.Request(template, $"Service {name} deleted", before - services.ServicePortCount);
        }
    }
}
