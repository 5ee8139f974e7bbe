using NetSim.Engine.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace NetSim.Engine.Costs;

/// <summary>The profile's <c>variability</c> section (format in profiles/README.md), validated like the rest of the file.</summary>
public static partial class CostProfileLoader
{
    private static readonly string[] VariabilityFields = ["cpu", "wakeup", "interrupt_moderation"];
    private static readonly string[] CpuClasses = ["softirq", "task"];
    private static readonly string[] SpreadFields = ["cv", "floor", "source"];
    private static readonly string[] WakeupFields = ["scheduler", "idle_states"];
    private static readonly string[] SchedulerFields = ["mean_ns", "cv", "source"];
    private static readonly string[] IdleStateFields = ["name", "exit_ns", "residency_ns", "source"];
    private static readonly string[] ModerationFields = ["adaptive", "min_ns", "max_ns", "source"];

    /// <summary>A coefficient of variation above this is almost surely a unit mistake (a log-normal with cv 10 has σ 2.1).</summary>
    private const decimal MaxCv = 10m;

    private sealed partial class Reader
    {
        private CostVariability ReadVariability(YamlMappingNode section, Dictionary<string, string> sources)
        {
            var v = CostVariability.None;
            foreach (var (keyNode, value) in section.Children)
            {
                string key = KeyText(keyNode, "variability");
                switch (key)
                {
                    case "cpu": v = ReadCpuSpread(Mapping(value, "variability.cpu"), v, sources); break;
                    case "wakeup": v = v with { Wakeup = ReadWakeup(Mapping(value, "variability.wakeup"), sources) }; break;
                    case "interrupt_moderation":
                        v = v with { Moderation = ReadModeration(Mapping(value, "variability.interrupt_moderation"), sources) };
                        break;
                    default: throw Error(keyNode, $"variability.{key}", $"unknown field '{key}'{NearestName.Hint(key, VariabilityFields)}");
                }
            }
            return v;
        }

        /// <summary><c>cpu: { softirq: { cv, floor, source }, task: { cv, floor, source } }</c> (floor optional, 0 to below 1).</summary>
        private CostVariability ReadCpuSpread(YamlMappingNode table, CostVariability v, Dictionary<string, string> sources)
        {
            foreach (var (keyNode, value) in table.Children)
            {
                string cls = KeyText(keyNode, "variability.cpu");
                string field = $"variability.cpu.{cls}";
                if (!CpuClasses.Contains(cls, StringComparer.Ordinal))
                    throw Error(keyNode, field, $"unknown CPU class '{cls}'{NearestName.Hint(cls, CpuClasses)}; known: {string.Join(", ", CpuClasses)}");
                YamlMappingNode entry = Mapping(value, field);
                decimal? cv = null;
                decimal floor = 0;
                string? source = null;
                foreach (var (fNode, fValue) in entry.Children)
                {
                    string f = KeyText(fNode, field);
                    switch (f)
                    {
                        case "cv": cv = Cv(fValue, $"{field}.cv"); break;
                        case "floor":
                            floor = NonNegative(fValue, $"{field}.floor");
                            if (floor >= 1) throw Error(fValue, $"{field}.floor", $"must be below 1 (the share of the mean no charge goes below), not {floor}");
                            break;
                        case "source": source = Text(fValue, $"{field}.source"); break;
                        default: throw Error(fNode, $"{field}.{f}", $"unknown field '{f}'{NearestName.Hint(f, SpreadFields)}");
                    }
                }
                if (cv is null) throw Error(entry, $"{field}.cv", "missing: the coefficient of variation (standard deviation / mean) of the class's charges");
                RequireSource(entry, field, source);
                sources[field] = source!;
                var spread = new WorkSpread((double)cv.Value, (double)floor);
                if (spread.ExcessCv > (double)MaxCv) throw Error(entry, $"{field}.cv", $"cv {cv} over a floor of {floor} leaves the varying part a cv of {spread.ExcessCv:0.#}, implausibly large");
                v = cls == "softirq" ? v with { Softirq = spread } : v with { Task = spread };
            }
            return v;
        }

        /// <summary><c>wakeup: { scheduler: { mean_ns, cv, source }, idle_states: [ { name, exit_ns, residency_ns, source } ] }</c>.</summary>
        private WakeupLatency ReadWakeup(YamlMappingNode table, Dictionary<string, string> sources)
        {
            var w = WakeupLatency.None;
            foreach (var (keyNode, value) in table.Children)
            {
                string key = KeyText(keyNode, "variability.wakeup");
                switch (key)
                {
                    case "scheduler": w = ReadScheduler(Mapping(value, "variability.wakeup.scheduler"), w, sources); break;
                    case "idle_states": w = w with { IdleStates = ReadIdleStates(value, sources) }; break;
                    default: throw Error(keyNode, $"variability.wakeup.{key}", $"unknown field '{key}'{NearestName.Hint(key, WakeupFields)}");
                }
            }
            return w;
        }

        private WakeupLatency ReadScheduler(YamlMappingNode entry, WakeupLatency w, Dictionary<string, string> sources)
        {
            const string field = "variability.wakeup.scheduler";
            decimal? meanNs = null, cv = null;
            string? source = null;
            foreach (var (fNode, fValue) in entry.Children)
            {
                string f = KeyText(fNode, field);
                switch (f)
                {
                    case "mean_ns": meanNs = NonNegative(fValue, $"{field}.mean_ns"); break;
                    case "cv": cv = Cv(fValue, $"{field}.cv"); break;
                    case "source": source = Text(fValue, $"{field}.source"); break;
                    default: throw Error(fNode, $"{field}.{f}", $"unknown field '{f}'{NearestName.Hint(f, SchedulerFields)}");
                }
            }
            if (meanNs is null) throw Error(entry, $"{field}.mean_ns", "missing: the mean time from wakeup to running, in ns");
            RequireSource(entry, field, source);
            sources[field] = source!;
            return w with
            {
                SchedulerMeanPs = Exact(meanNs.Value, 1_000m, entry, $"{field}.mean_ns", "1 ps (3 decimals of ns)"),
                SchedulerCv = (double)(cv ?? 0m),
            };
        }

        /// <summary>The core's idle states, shallowest first (an empty list: the core polls).</summary>
        private List<IdleState> ReadIdleStates(YamlNode node, Dictionary<string, string> sources)
        {
            const string field = "variability.wakeup.idle_states";
            if (node is not YamlSequenceNode list) throw Error(node, field, $"expected a list of {{ name, exit_ns, residency_ns, source }}, found {Describe(node)}");
            var states = new List<IdleState>();
            foreach (YamlNode item in list.Children)
            {
                string at = $"{field}[{states.Count}]";
                YamlMappingNode entry = Mapping(item, at);
                string? name = null, source = null;
                decimal? exitNs = null, residencyNs = null;
                foreach (var (fNode, fValue) in entry.Children)
                {
                    string f = KeyText(fNode, at);
                    switch (f)
                    {
                        case "name": name = Text(fValue, $"{at}.name"); break;
                        case "exit_ns": exitNs = NonNegative(fValue, $"{at}.exit_ns"); break;
                        case "residency_ns": residencyNs = NonNegative(fValue, $"{at}.residency_ns"); break;
                        case "source": source = Text(fValue, $"{at}.source"); break;
                        default: throw Error(fNode, $"{at}.{f}", $"unknown field '{f}'{NearestName.Hint(f, IdleStateFields)}");
                    }
                }
                if (string.IsNullOrWhiteSpace(name)) throw Error(entry, $"{at}.name", "missing: the state's name (C1, C1E, C6, ...)");
                if (exitNs is null) throw Error(entry, $"{at}.exit_ns", "missing: the state's exit latency in ns");
                if (residencyNs is null) throw Error(entry, $"{at}.residency_ns", "missing: the state's target residency in ns");
                RequireSource(entry, at, source);
                var state = new IdleState(name, Exact(exitNs.Value, 1_000m, entry, $"{at}.exit_ns", "1 ps (3 decimals of ns)"),
                    Exact(residencyNs.Value, 1_000m, entry, $"{at}.residency_ns", "1 ps (3 decimals of ns)"));
                if (states.Any(s => s.Name == name)) throw Error(entry, $"{at}.name", $"state '{name}' is listed twice");
                if (states.Count > 0 && state.TargetResidencyPs < states[^1].TargetResidencyPs)
                    throw Error(entry, $"{at}.residency_ns", $"list the states shallowest first: '{name}' needs less residency than '{states[^1].Name}' before it");
                sources[$"{field}.{name}"] = source!;
                states.Add(state);
            }
            return states;
        }

        /// <summary><c>interrupt_moderation: { adaptive: true, min_ns, max_ns, source }</c>.</summary>
        private InterruptModeration ReadModeration(YamlMappingNode entry, Dictionary<string, string> sources)
        {
            const string field = "variability.interrupt_moderation";
            bool? adaptive = null;
            decimal? minNs = null, maxNs = null;
            string? source = null;
            foreach (var (fNode, fValue) in entry.Children)
            {
                string f = KeyText(fNode, field);
                switch (f)
                {
                    case "adaptive": adaptive = Flag(fValue, $"{field}.adaptive"); break;
                    case "min_ns": minNs = NonNegative(fValue, $"{field}.min_ns"); break;
                    case "max_ns": maxNs = NonNegative(fValue, $"{field}.max_ns"); break;
                    case "source": source = Text(fValue, $"{field}.source"); break;
                    default: throw Error(fNode, $"{field}.{f}", $"unknown field '{f}'{NearestName.Hint(f, ModerationFields)}");
                }
            }
            if (adaptive is null) throw Error(entry, $"{field}.adaptive", "missing: true (the driver's adaptive moderation) or false (nic.rx_coalescing, fixed)");
            RequireSource(entry, field, source);
            sources[field] = source!;
            if (adaptive == false) return InterruptModeration.Fixed;
            if (minNs is null || minNs == 0) throw Error(entry, $"{field}.min_ns", "missing or zero: the shortest interval between interrupts, in ns");
            if (maxNs is null) throw Error(entry, $"{field}.max_ns", "missing: the longest interval between interrupts, in ns");
            if (maxNs < minNs) throw Error(entry, $"{field}.max_ns", $"{maxNs} is below min_ns {minNs}");
            return new InterruptModeration
            {
                Adaptive = true,
                MinIntervalPs = Exact(minNs.Value, 1_000m, entry, $"{field}.min_ns", "1 ps (3 decimals of ns)"),
                MaxIntervalPs = Exact(maxNs.Value, 1_000m, entry, $"{field}.max_ns", "1 ps (3 decimals of ns)"),
            };
        }

        private decimal Cv(YamlNode node, string field)
        {
            decimal cv = NonNegative(node, field);
            if (cv > MaxCv) throw Error(node, field, $"{cv} is implausibly large (at most {MaxCv}: a coefficient of variation is standard deviation / mean)");
            return cv;
        }

        private bool Flag(YamlNode node, string field) => node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: "true" or "false" } s
            ? s.Value == "true"
            : throw Error(node, field, $"expected true or false, found {Describe(node)}");
    }
}
