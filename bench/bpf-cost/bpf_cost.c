// bpf_cost: times tc (SCHED_CLS) programs with BPF_PROG_TEST_RUN, the kernel's own loop that runs a loaded program
// `repeat` times over one skb and reports the mean nanoseconds per run. Three programs over the same 64-byte TCP
// packet: a trivial one (return TC_ACT_OK), one hash-map lookup with a 16-byte key (a 5-tuple: saddr, daddr, sport,
// dport, proto) built from the packet's headers, and the same with three lookups. trivial = the invocation floor
// (the test loop's own overhead included); (one lookup - trivial) = reading the key from the packet + one lookup.
// Raw bpf(2) syscalls, no libbpf: build with `gcc -O2 -o bpf_cost bpf_cost.c`, run as root.
// Usage: bpf_cost [repeat] [rounds] [entries]
#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static long sys_bpf(int cmd, union bpf_attr *attr) { return syscall(__NR_bpf, cmd, attr, sizeof(*attr)); }

#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define MOV64_IMM(d, i) INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define MOV64_REG(d, s) INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define ADD64_IMM(d, i) INSN(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, i)
#define LDX(sz, d, s, o) INSN(BPF_LDX | BPF_MEM | (sz), d, s, o, 0)
#define STX(sz, d, s, o) INSN(BPF_STX | BPF_MEM | (sz), d, s, o, 0)
#define ST_IMM(sz, d, o, i) INSN(BPF_ST | BPF_MEM | (sz), d, 0, o, i)
#define JGT_REG(d, s, o) INSN(BPF_JMP | BPF_JGT | BPF_X, d, s, o, 0)
#define CALL(f) INSN(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define EXIT() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

static char log_buf[65536];

static int load(struct bpf_insn *insns, int n)
{
    union bpf_attr a;
    memset(&a, 0, sizeof(a));
    a.prog_type = BPF_PROG_TYPE_SCHED_CLS;
    a.insns = (uint64_t)(uintptr_t)insns;
    a.insn_cnt = n;
    a.license = (uint64_t)(uintptr_t)"GPL";
    a.log_buf = (uint64_t)(uintptr_t)log_buf;
    a.log_size = sizeof(log_buf);
    a.log_level = 1;
    int fd = (int)sys_bpf(BPF_PROG_LOAD, &a);
    if (fd < 0) { perror("BPF_PROG_LOAD"); fprintf(stderr, "%s\n", log_buf); exit(1); }
    return fd;
}

// The program's packet: Ethernet + IPv4 + TCP, 64 bytes.
static unsigned char pkt[64];

static double run(int prog, unsigned repeat)
{
    union bpf_attr a;
    memset(&a, 0, sizeof(a));
    a.test.prog_fd = prog;
    a.test.data_in = (uint64_t)(uintptr_t)pkt;
    a.test.data_size_in = sizeof(pkt);
    a.test.repeat = repeat;
    if (sys_bpf(BPF_PROG_TEST_RUN, &a) < 0) { perror("BPF_PROG_TEST_RUN"); exit(1); }
    return a.test.duration; // mean ns per run (the kernel divides by repeat)
}

// Builds the 16-byte 5-tuple key at fp-16 from the packet (direct packet access, bounds-checked) and looks it up
// `lookups` times (the same key: each lookup is a full jhash and bucket walk).
static int lookup_prog(int map, int lookups, struct bpf_insn *p)
{
    int n = 0;
    p[n++] = MOV64_REG(6, 1);                       // r6 = skb
    p[n++] = LDX(BPF_W, 2, 6, offsetof(struct __sk_buff, data));
    p[n++] = LDX(BPF_W, 3, 6, offsetof(struct __sk_buff, data_end));
    p[n++] = MOV64_REG(4, 2);
    p[n++] = ADD64_IMM(4, 14 + 20 + 4);             // through the TCP ports
    p[n++] = JGT_REG(4, 3, 0);                      // patched below: if beyond data_end, exit
    int jmp = n - 1;
    p[n++] = LDX(BPF_W, 5, 2, 14 + 12);             // saddr
    p[n++] = STX(BPF_W, 10, 5, -16);
    p[n++] = LDX(BPF_W, 5, 2, 14 + 16);             // daddr
    p[n++] = STX(BPF_W, 10, 5, -12);
    p[n++] = LDX(BPF_W, 5, 2, 14 + 20);             // sport, dport
    p[n++] = STX(BPF_W, 10, 5, -8);
    p[n++] = LDX(BPF_B, 5, 2, 14 + 9);              // protocol
    p[n++] = STX(BPF_W, 10, 5, -4);
    for (int i = 0; i < lookups; i++)
    {
        p[n++] = INSN(BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, map); // r1 = the map (ld_imm64: two slots)
        p[n++] = INSN(0, 0, 0, 0, 0);
        p[n++] = MOV64_REG(2, 10);
        p[n++] = ADD64_IMM(2, -16);
        p[n++] = CALL(BPF_FUNC_map_lookup_elem);
    }
    int out = n;
    p[n++] = MOV64_IMM(0, 0);                       // TC_ACT_OK
    p[n++] = EXIT();
    p[jmp].off = (short)(out - jmp - 1);
    return n;
}

int main(int argc, char **argv)
{
    unsigned repeat = argc > 1 ? (unsigned)atoi(argv[1]) : 10000000;
    int rounds = argc > 2 ? atoi(argv[2]) : 5;
    int entries = argc > 3 ? atoi(argv[3]) : 10000;

    // 10.0.0.1:40000 -> 10.0.0.2:80, TCP
    memset(pkt, 0, sizeof(pkt));
    pkt[12] = 0x08; pkt[13] = 0x00;
    unsigned char *ip = pkt + 14;
    ip[0] = 0x45; ip[3] = 50; ip[8] = 64; ip[9] = 6;
    ip[12] = 10; ip[15] = 1; ip[16] = 10; ip[19] = 2;
    unsigned char *tcp = ip + 20;
    tcp[0] = 40000 >> 8; tcp[1] = 40000 & 0xff; tcp[2] = 0; tcp[3] = 80; tcp[12] = 0x50;

    union bpf_attr m;
    memset(&m, 0, sizeof(m));
    m.map_type = BPF_MAP_TYPE_HASH;
    m.key_size = 16;
    m.value_size = 8;
    m.max_entries = (unsigned)entries * 2;
    int map = (int)sys_bpf(BPF_MAP_CREATE, &m);
    if (map < 0) { perror("BPF_MAP_CREATE"); return 1; }
    // entries-1 other flows, then the packet's own (a hit)
    for (int i = 0; i < entries; i++)
    {
        uint32_t key[4] = { 0x0100000a, 0x0200000a, 0, 6 };
        if (i < entries - 1) key[0] = 0x0a000000u + (uint32_t)i + 7u;
        memcpy(&key[2], tcp, 4);
        uint64_t val = (uint64_t)i;
        union bpf_attr u;
        memset(&u, 0, sizeof(u));
        u.map_fd = (uint32_t)map;
        u.key = (uint64_t)(uintptr_t)key;
        u.value = (uint64_t)(uintptr_t)&val;
        if (sys_bpf(BPF_MAP_UPDATE_ELEM, &u) < 0) { perror("BPF_MAP_UPDATE_ELEM"); return 1; }
    }

    struct bpf_insn trivial[] = { MOV64_IMM(0, 0), EXIT() };
    struct bpf_insn one[64], three[64];
    int p0 = load(trivial, 2);
    int p1 = load(one, lookup_prog(map, 1, one));
    int p3 = load(three, lookup_prog(map, 3, three));

    printf("round,repeat,trivial_ns,one_lookup_ns,three_lookups_ns\n");
    for (int r = 0; r < rounds; r++)
        printf("%d,%u,%.0f,%.0f,%.0f\n", r + 1, repeat, run(p0, repeat), run(p1, repeat), run(p3, repeat));
    return 0;
}
