using NetSim.Engine.Diagnostics;

namespace NetSim.Engine.Tests.Diagnostics;

/// <summary>Input files: only regular files, bounded, strict UTF-8; pipes and devices refused without being opened.</summary>
public sealed class InputFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("netsim-input-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string Refusal(string path, long max = InputFile.DefaultMaxBytes) =>
        Assert.Throws<InputException>(() => InputFile.ReadText(path, "scenario", max)).Message;

    [Fact]
    public void A_regular_utf8_file_is_read_and_a_byte_order_mark_dropped()
    {
        Assert.Equal("name: x\n", InputFile.ReadText(Write("a.yaml", "name: x\n"u8.ToArray()), "scenario"));
        Assert.Equal("name: ñ\n", InputFile.ReadText(Write("b.yaml", [0xEF, 0xBB, 0xBF, .. "name: ñ\n"u8.ToArray()]), "scenario"));
    }

    [Fact]
    public void Bytes_that_are_not_utf8_are_refused_at_their_line() =>
        Assert.Contains("c.yaml:2: is not UTF-8 text (byte 9 is 0xFF)", Refusal(Write("c.yaml", [.. "name: x\n"u8.ToArray(), 0xFF, .. "\n"u8.ToArray()])), StringComparison.Ordinal);

    [Fact]
    public void Missing_empty_directories_and_oversized_files_are_refused()
    {
        Assert.Contains("file not found", Refusal(Path.Combine(_dir, "none.yaml")), StringComparison.Ordinal);
        Assert.Contains("is a directory", Refusal(_dir), StringComparison.Ordinal);
        Assert.Contains("is empty", Refusal(Write("e.yaml", [])), StringComparison.Ordinal);
        Assert.Contains("is 101 bytes, more than the 100", Refusal(Write("big.yaml", new byte[101]), 100), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pipes_devices_and_links_to_devices_are_refused_without_blocking()
    {
        string fifo = Path.Combine(_dir, "fifo.yaml");
        using (var mk = System.Diagnostics.Process.Start("mkfifo", fifo)) mk.WaitForExit();
        string link = Path.Combine(_dir, "zero.yaml");
        File.CreateSymbolicLink(link, "/dev/zero");
        foreach (string path in new[] { fifo, "/dev/zero", "/dev/urandom", link })
        {
            string message = await Task.Run(() => Refusal(path)).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Contains("not a regular file", message, StringComparison.Ordinal);
        }
    }
}
