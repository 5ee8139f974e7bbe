using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;

namespace NetSim.Engine.Tests.Packets;

public class InternetChecksumTests
{
    [Fact]
    public void Rfc1071_worked_example_sums_to_ddf2()
    {
        // RFC 1071 section 3: the bytes 00 01 f2 03 f4 f5 f6 f7 sum to 0xddf2; the checksum is its complement.
        byte[] data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        Assert.Equal(0xddf2u, InternetChecksum.Add(0, data));
        Assert.Equal(0x220d, InternetChecksum.Compute(data));
    }

    [Fact]
    public void Known_ipv4_header_has_checksum_b861()
    {
        // 192.168.0.1 -> 192.168.0.199, UDP, total length 0x73, DF: the widely published example header.
        byte[] header = [0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7];
        Assert.Equal(0xb861, InternetChecksum.Compute(header));
        header[10] = 0xb8;
        header[11] = 0x61;
        Assert.True(InternetChecksum.Verify(header));
        header[15] ^= 1;
        Assert.False(InternetChecksum.Verify(header));
    }

    [Fact]
    public void Odd_length_pads_the_last_byte_with_zero()
    {
        byte[] data = [0x00, 0x01, 0xf2];
        Assert.Equal(0x0001u + 0xf200u, InternetChecksum.Add(0, data));
        Assert.Equal(InternetChecksum.Compute([0x00, 0x01, 0xf2, 0x00]), InternetChecksum.Compute(data));
    }

    [Fact]
    public void Carries_wrap_around()
    {
        // 0xffff + 0x0002 = 0x10001 -> end-around carry -> 0x0002.
        Assert.Equal(0x0002u, InternetChecksum.Add(0, [0xff, 0xff, 0x00, 0x02]));
        Assert.Equal(0xffffu, InternetChecksum.Fold(0xffffUL * 0x10001UL));
    }

    [Fact]
    public void Sum_in_pieces_equals_sum_of_the_whole()
    {
        byte[] data = new byte[1001];
        for (int i = 0; i < data.Length; i++) data[i] = (byte)(i * 37 + 11);
        uint whole = InternetChecksum.Add(0, data);
        uint pieces = InternetChecksum.Add(InternetChecksum.Add(InternetChecksum.Add(0, data.AsSpan(0, 6)), data.AsSpan(6, 500)), data.AsSpan(506));
        Assert.Equal(whole, pieces);
    }

    [Fact]
    public void Large_buffer_sum_does_not_overflow()
    {
        byte[] ones = new byte[200_000];
        Array.Fill(ones, (byte)0xff);
        // Any number of 0xffff words sums to 0xffff (ones'-complement -0), so the checksum is 0.
        Assert.Equal(0xffffu, InternetChecksum.Add(0, ones));
        Assert.Equal(0, InternetChecksum.Compute(ones));
    }

    [Fact]
    public void Pseudo_header_matches_the_bytes_it_stands_for()
    {
        var src = Ipv4Address.Parse("10.0.0.1");
        var dst = Ipv4Address.Parse("10.0.0.2");
        byte[] pseudo = [10, 0, 0, 1, 10, 0, 0, 2, 0, 6, 0x05, 0xdc];
        Assert.Equal(InternetChecksum.Add(0, pseudo), InternetChecksum.PseudoHeader(src, dst, 6, 1500));
    }
}
