using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace NetSim.Cli.Tests.Fuzz;

/// <summary>
/// Deterministic mutations of a YAML or JSON input, by class: a value replaced by a hostile one (zero, negative,
/// huge, NaN, wrong type, bad unit, bad or overlapping CIDR, a list or mapping where a value belongs), a key
/// removed, duplicated or unknown, YAML and JSON syntax broken (unclosed brackets, tabs, stray characters, a
/// second document), deep nesting, alias bombs, huge strings, non-UTF-8 bytes, a byte-order mark, CR line ends,
/// truncation, and line deletions and swaps.
/// </summary>
internal static class TextMutator
{
    /// <summary>Values that have broken or fooled readers: each class of the issue, as YAML or JSON text.</summary>
    public static readonly string[] HostileValues =
    [
        "", "~", "null", "0", "-0", "-1", "1", "2", "0.5", "-0.5", "1e309", "-1e309", "NaN", ".nan", ".inf", "-.inf", "Infinity",
        "2147483647", "2147483648", "4294967295", "4294967296", "4294967352", "9223372036854775807", "9223372036854775808",
        "-9223372036854775809", "99999999999999999999999999999", "1e18", "0x10", "1_000", "abc", "\"quoted\"", "'single'",
        "[1, 2]", "[]", "{a: 1}", "{}", "true", "false", "yes", "on",
        "0s", "-1s", "-1us", "1ps", "0.1ps", "1e-9s", "1e9s", "99999h", "106d", "1ms", "10ms", "1us", "100us", "1 ms", "1msec",
        "0B", "1B", "-1B", "4GiB", "1TiB", "16EiB", "1.5B", "64KiB", "0bps", "1bps", "-1Gbps", "100Tbps", "1e3Gbps", "10Gbps", "25G", "1Gbit/s",
        "10.0.0.0/8", "10.96.0.0/12", "0.0.0.0/0", "10.0.0.0/33", "256.0.0.0/8", "10.244.0.0/16", "192.168.0.0/16", "172.18.0.0/16", "10.244.0.1/24", "::1/128",
        "pod:ghost", "pod:", "service:web:99999", "service:web:0", "nodeport:x@y", "external", "node:node1", "teapot:x",
        "host", "flannel-vxlan", "calico-bgp", "cilium-ebpf", "iptables", "ipvs", "nftables", "ebpf", "none", "udp", "icmp", "ping", "replay", "poisson",
        "ñ😀", "a\tb", "*undefined", "&anchor value", "!!binary AAAA", "!custom x", "- a", ": b", "{", "]", "#", "\"unterminated",
    ];

    private static readonly string[] UnknownKeys = ["nodez", "warmpu", "extra", "rate_limit", "<<", "", "1", "true", "\"quoted key\""];

    public static Mutation Mutate(string text, FuzzRandom rng, bool json)
    {
        var spans = json ? JsonSpans(text) : YamlSpans(text);
        int kind = rng.Below(20);
        switch (kind)
        {
            case < 7 when spans.Values.Count > 0:
            {
                var (start, end, path) = rng.Pick(spans.Values);
                string value = rng.Chance(8) ? Huge(rng) : rng.Pick(HostileValues);
                if (json && rng.Chance(50) && !value.StartsWith('[') && !value.StartsWith('{') && value is not ("true" or "false" or "null")) value = "\"" + value.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
                return Mutation.Text(text[..start] + value + text[end..], $"value at {path} ({Show(text[start..end])}) -> {Show(value)}");
            }
            case 7 when spans.Keys.Count > 0:
            {
                var (start, end, path) = rng.Pick(spans.Keys);
                string key = rng.Pick(UnknownKeys);
                if (json) key = "\"" + key.Trim('"') + "\"";
                return Mutation.Text(text[..start] + key + text[end..], $"key {path} renamed to {Show(key)}");
            }
            case 8 when spans.Keys.Count > 0:
            {
                // A whole line holding a key removed (required keys go missing; the rest take their defaults).
                var (start, _, path) = rng.Pick(spans.Keys);
                int ls = text.LastIndexOf('\n', Math.Max(0, start - 1)) + 1;
                int le = text.IndexOf('\n', start);
                return Mutation.Text(text[..ls] + (le < 0 ? "" : text[(le + 1)..]), $"line of key {path} removed");
            }
            case 9 when spans.Keys.Count > 0:
            {
                var (start, _, path) = rng.Pick(spans.Keys);
                int ls = text.LastIndexOf('\n', Math.Max(0, start - 1)) + 1;
                int le = text.IndexOf('\n', start);
                string line = le < 0 ? text[ls..] + "\n" : text[ls..(le + 1)];
                return Mutation.Text(text[..ls] + line + text[ls..], $"line of key {path} duplicated");
            }
            case 10:
            {
                int at = rng.Below(text.Length + 1);
                return Mutation.Text(text[..at], $"truncated at {at} of {text.Length}");
            }
            case 11:
            {
                char[] closers = json ? ['}', ']', '"', ','] : ['}', ']', '"', ':'];
                var positions = Enumerable.Range(0, text.Length).Where(i => closers.Contains(text[i])).ToList();
                if (positions.Count == 0) goto default;
                int at = rng.Pick(positions);
                return Mutation.Text(text.Remove(at, 1), $"'{text[at]}' at {at} removed");
            }
            case 12:
            {
                string[] junk = json ? ["{", "[", ",", ":", "\"", "}", "]", "//", "\\u00", "\u0000"] : ["\t", "  ", "- ", ": ", "{", "[", "&", "*", "!", "%", "@", "`", "|", ">", "---\n", "...\n", "\u0000", "\r"];
                int at = rng.Below(text.Length + 1);
                string j = rng.Pick(junk);
                return Mutation.Text(text.Insert(at, j), $"{Show(j)} inserted at {at}");
            }
            case 13:
            {
                int depth = rng.Pick(new[] { 63, 65, 1000, 100_000 });
                string nest = json ? $"{{\"deep\": {new string('[', depth)}1{new string(']', depth)}, " : $"deep: {new string('[', depth)}1{new string(']', depth)}\n";
                string m = json ? (text.IndexOf('{', StringComparison.Ordinal) is var b and >= 0 ? text[..b] + nest + text[(b + 1)..] : nest + text) : nest + text;
                return Mutation.Text(m, $"nested {depth} levels deep");
            }
            case 14 when !json:
            {
                int levels = rng.Pick(new[] { 3, 6, 9 });
                var sb = new StringBuilder("b0: &b0 [x, x, x, x, x, x, x, x, x, x]\n");
                for (int i = 1; i < levels; i++) sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"b{i}: &b{i} [{string.Join(", ", Enumerable.Repeat($"*b{i - 1}", 10))}]\n");
                bool asKey = rng.Chance(50);
                if (asKey) sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"? *b{levels - 1}\n: 1\n");
                return Mutation.Text(sb + text, $"alias bomb of {levels} levels{(asKey ? " used as a mapping key" : "")}");
            }
            case 15:
            {
                var bytes = Encoding.UTF8.GetBytes(text).ToList();
                int at = rng.Below(bytes.Count + 1);
                byte[] bad = rng.Pick(new byte[][] { [0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0x00] });
                bytes.InsertRange(at, bad);
                return new Mutation([.. bytes], $"bytes {Convert.ToHexString(bad)} (not UTF-8) inserted at {at}");
            }
            case 16:
                return rng.Below(3) switch
                {
                    0 => new Mutation([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)], "byte-order mark added"),
                    1 => Mutation.Text(text.Replace("\n", "\r\n", StringComparison.Ordinal), "CRLF line ends"),
                    _ => Mutation.Text(text.Replace("\n", "\r", StringComparison.Ordinal), "CR-only line ends"),
                };
            case 17:
            {
                var lines = text.Split('\n').ToList();
                if (lines.Count < 2) goto default;
                int a = rng.Below(lines.Count), b = rng.Below(lines.Count);
                (lines[a], lines[b]) = (lines[b], lines[a]);
                return Mutation.Text(string.Join('\n', lines), $"lines {a + 1} and {b + 1} swapped");
            }
            case 18:
            {
                var lines = text.Split('\n').ToList();
                int a = rng.Below(lines.Count);
                lines.RemoveAt(a);
                return Mutation.Text(string.Join('\n', lines), $"line {a + 1} deleted");
            }
            case 19 when !json:
                return Mutation.Text(text + (rng.Chance(50) ? "\n---\nname: second\n" : "\nname: again\n"), "a second document or a repeated top-level key");
            default:
                return Mutation.Text(text, "unchanged");
        }
    }

    private static string Huge(FuzzRandom rng) => new('n', rng.Pick(new[] { 64, 101, 10_000, 70_000, 1_000_000 }));

    private static string Show(string s) => s.Length > 40 ? $"'{s[..20]}...' ({s.Length} chars)" : $"'{s}'";

    /// <summary>Where a file's scalar values and keys are (start, end offsets and a path for messages).</summary>
    internal sealed record Spans(List<(int Start, int End, string Path)> Values, List<(int Start, int End, string Path)> Keys);

    private static Spans YamlSpans(string text)
    {
        var spans = new Spans([], []);
        var stack = new Stack<(bool Mapping, bool KeyNext, string Path, int Index)>();
        string pendingKey = "";
        try
        {
            var parser = new Parser(new StringReader(text));
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case Scalar s when s.Start.Index < s.End.Index && s.End.Index <= text.Length:
                        bool isKey = stack.Count > 0 && stack.Peek().Mapping && stack.Peek().KeyNext;
                        string path = stack.Count == 0 ? "" : stack.Peek().Mapping ? $"{stack.Peek().Path}.{(isKey ? s.Value : pendingKey)}" : $"{stack.Peek().Path}[{stack.Peek().Index}]";
                        (isKey ? spans.Keys : spans.Values).Add(((int)s.Start.Index, (int)s.End.Index, path.TrimStart('.')));
                        if (isKey) pendingKey = s.Value;
                        Advance(stack);
                        break;
                    case Scalar:
                        Advance(stack);
                        break;
                    case MappingStart or SequenceStart when stack.Count >= 64:
                        return spans; // YamlDotNet's scanner slows down with depth: a deep file's spans stop here
                    case MappingStart or SequenceStart:
                        string p = stack.Count == 0 ? "" : stack.Peek().Mapping ? $"{stack.Peek().Path}.{pendingKey}" : $"{stack.Peek().Path}[{stack.Peek().Index}]";
                        stack.Push((parser.Current is MappingStart, true, p, 0));
                        break;
                    case MappingEnd or SequenceEnd:
                        stack.Pop();
                        Advance(stack);
                        break;
                }
            }
        }
#pragma warning disable CA1031 // YamlDotNet's scanner throws more than YamlException on broken text
        catch (Exception)
#pragma warning restore CA1031
        {
            // A corpus file is valid YAML; a mutated one given back here keeps the spans found so far.
        }
        return spans;
    }

    private static void Advance(Stack<(bool Mapping, bool KeyNext, string Path, int Index)> stack)
    {
        if (stack.Count == 0) return;
        var top = stack.Pop();
        stack.Push(top.Mapping ? top with { KeyNext = !top.KeyNext } : top with { Index = top.Index + 1 });
    }

    /// <summary>JSON value and key spans, found with the framework's reader (offsets are bytes; the corpus is ASCII).</summary>
    private static Spans JsonSpans(string text)
    {
        var spans = new Spans([], []);
        var reader = new System.Text.Json.Utf8JsonReader(Encoding.UTF8.GetBytes(text), new System.Text.Json.JsonReaderOptions { AllowTrailingCommas = true });
        string key = "";
        try
        {
            while (reader.Read())
            {
                int start = (int)reader.TokenStartIndex;
                int end = start + (int)reader.ValueSpan.Length + (reader.TokenType is System.Text.Json.JsonTokenType.String or System.Text.Json.JsonTokenType.PropertyName ? 2 : 0);
                switch (reader.TokenType)
                {
                    case System.Text.Json.JsonTokenType.PropertyName:
                        key = reader.GetString() ?? "";
                        spans.Keys.Add((start, end, key));
                        break;
                    case System.Text.Json.JsonTokenType.String or System.Text.Json.JsonTokenType.Number or System.Text.Json.JsonTokenType.True
                        or System.Text.Json.JsonTokenType.False or System.Text.Json.JsonTokenType.Null:
                        spans.Values.Add((start, end, key));
                        break;
                }
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // The placeholders (__CNI_MTU__) make the bundled Calico conflist invalid JSON until rendered: spans up to there.
        }
        return spans;
    }
}
