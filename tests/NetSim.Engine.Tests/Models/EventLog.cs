using NetSim.Engine.Core;

namespace NetSim.Engine.Tests.Models;

/// <summary>A target that records every event it receives and can run a reaction to each.</summary>
internal sealed class EventLog : IEventTarget
{
    private readonly Action<SimEvent>? _reaction;

    public EventLog(Action<SimEvent>? reaction = null) => _reaction = reaction;

    public List<(long Time, int Kind, long Arg)> Seen { get; } = [];

    public void OnEvent(in SimEvent ev)
    {
        Seen.Add((ev.Time, ev.Kind, ev.Arg));
        _reaction?.Invoke(ev);
    }
}
