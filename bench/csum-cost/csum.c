// Per-byte cost of the Internet checksum as the x86-64 kernel computes it (arch/x86/lib/csum-partial_64.c: a chain
// of add-with-carry over 64-byte blocks), over 64 KiB buffers: the work of csum_partial on a GRO-sized packet.
// Build: gcc -O2 -o csum csum.c    Run: ./csum    (thread CPU time, so other load on the machine does not count)
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t csum64(const uint8_t *p, size_t len, uint64_t sum)
{
    // 64 bytes per iteration, eight dependent adcq: the kernel's loop.
    while (len >= 64) {
        __asm__("addq 0*8(%[p]),%[s]\n\tadcq 1*8(%[p]),%[s]\n\tadcq 2*8(%[p]),%[s]\n\tadcq 3*8(%[p]),%[s]\n\t"
                "adcq 4*8(%[p]),%[s]\n\tadcq 5*8(%[p]),%[s]\n\tadcq 6*8(%[p]),%[s]\n\tadcq 7*8(%[p]),%[s]\n\t"
                "adcq $0,%[s]"
                : [s] "+r"(sum) : [p] "r"(p) : "memory", "cc");
        p += 64; len -= 64;
    }
    for (; len >= 8; p += 8, len -= 8) {
        uint64_t w; memcpy(&w, p, 8);
        __asm__("addq %[w],%[s]\n\tadcq $0,%[s]" : [s] "+r"(sum) : [w] "r"(w) : "cc");
    }
    return sum;
}

static uint16_t fold(uint64_t s)
{
    s = (s & 0xffffffff) + (s >> 32); s = (s & 0xffffffff) + (s >> 32);
    s = (s & 0xffff) + (s >> 16); s = (s & 0xffff) + (s >> 16);
    return (uint16_t)s;
}

static uint16_t reference(const uint8_t *p, size_t len) // RFC 1071, 16 bits at a time (little-endian words)
{
    uint64_t s = 0;
    for (size_t i = 0; i + 1 < len; i += 2) s += (uint32_t)p[i] | ((uint32_t)p[i + 1] << 8);
    return fold(s);
}

static double cpu_ns(void)
{
    struct timespec t; clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static double run(const uint8_t *region, size_t regionBytes, size_t chunk, long passes, uint64_t *sink)
{
    double t0 = cpu_ns();
    for (long r = 0; r < passes; r++)
        for (size_t off = 0; off + chunk <= regionBytes; off += chunk) *sink += csum64(region + off, chunk, 0);
    return (cpu_ns() - t0) / ((double)passes * (double)(regionBytes / chunk * chunk));
}

int main(void)
{
    const size_t chunk = 64 * 1024, big = 256u << 20;
    uint8_t *buf = malloc(big);
    for (size_t i = 0; i < big; i++) buf[i] = (uint8_t)(i * 2654435761u >> 13);
    if (fold(csum64(buf, chunk, 0)) != reference(buf, chunk)) { fprintf(stderr, "checksum mismatch\n"); return 1; }
    uint64_t sink = 0;
    for (int round = 0; round < 5; round++) {
        double hot = run(buf, chunk, chunk, 20000, &sink);   // one 64 KiB buffer again and again: in L1/L2
        double cold = run(buf, big, chunk, 4, &sink);        // 256 MiB walked in 64 KiB buffers: from DRAM
        printf("round %d: cached %.4f ns/B, from memory %.4f ns/B\n", round, hot, cold);
    }
    fprintf(stderr, "(sink %llu)\n", (unsigned long long)sink);
    return 0;
}
