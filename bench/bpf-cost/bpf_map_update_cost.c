// bpf_map_update_cost: times the bpf(2) syscalls an eBPF agent makes to program its maps, from user space, on hash
// maps shaped like Cilium's: the LB service map (cilium_lb4_services_v2: struct lb4_key 12 bytes -> struct
// lb4_service 12 bytes), the backend map (cilium_lb4_backends_v3: a 4-byte backend ID -> struct lb4_backend 12 bytes)
// and an endpoint's policy map (cilium_policy_*: struct policy_key 8 bytes -> struct policy_entry 24 bytes). Sizes
// and maximum entries (65536 for the LB maps, 16384 for a policy map) are Cilium's defaults; see bench/RESULTS.md.
// Maps are created with BPF_F_NO_PREALLOC (Cilium's default, --preallocate-bpf-maps=false) and, as a second row,
// preallocated. Per round and map: n BPF_MAP_UPDATE_ELEM (BPF_ANY) of fresh keys, then n overwrites of the same keys,
// then n BPF_MAP_DELETE_ELEM, each phase timed with CLOCK_MONOTONIC; a map is filled at most to its maximum, so n
// larger than that is done in chunks (fill, overwrite, delete, again). Prints one CSV row per round and map.
// Raw bpf(2) syscalls, no libbpf: build with `gcc -O2 -o bpf_map_update_cost bpf_map_update_cost.c`, run as root.
// Usage: bpf_map_update_cost [n] [rounds]
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long sys_bpf(int cmd, union bpf_attr *attr) { return syscall(__NR_bpf, cmd, attr, sizeof(*attr)); }

// The three maps' shapes. The key is filled from an index so every index is a distinct, realistic key.
struct shape { const char *name; unsigned key_size, value_size, max_entries; };
static const struct shape shapes[] = {
    { "lb4_services_v2", 12, 12, 65536 },
    { "lb4_backends_v3", 4, 12, 65536 },
    { "policy", 8, 24, 16384 },
};

static void fill_key(int which, uint32_t i, unsigned char *key)
{
    memset(key, 0, 12);
    if (which == 0)
    {   // {address 10.96.x.y, dport 80, backend_slot 0-3, proto TCP, scope 0, pad}
        uint32_t addr = 0x0a600000u + i / 4; uint16_t dport = 80, slot = (uint16_t)(i % 4);
        memcpy(key, &addr, 4); memcpy(key + 4, &dport, 2); memcpy(key + 6, &slot, 2); key[8] = 6;
    }
    else if (which == 1)
    {   // backend ID
        uint32_t id = i + 1; memcpy(key, &id, 4);
    }
    else
    {   // {identity, dport, proto TCP, egress bit}: 16 ports per identity
        uint32_t id = 256 + i / 16; uint16_t dport = (uint16_t)(1000 + i % 16);
        memcpy(key, &id, 4); memcpy(key + 4, &dport, 2); key[6] = 6;
    }
}

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int map_fd;
static unsigned char keys[65536][12];
static unsigned char value[24];

static double phase(int cmd, uint32_t count)
{
    union bpf_attr a;
    double t0 = now_ns();
    for (uint32_t i = 0; i < count; i++)
    {
        memset(&a, 0, sizeof(a));
        a.map_fd = (uint32_t)map_fd;
        a.key = (uint64_t)(uintptr_t)keys[i];
        if (cmd == BPF_MAP_UPDATE_ELEM) { a.value = (uint64_t)(uintptr_t)value; a.flags = BPF_ANY; }
        if (sys_bpf(cmd, &a) < 0) { perror(cmd == BPF_MAP_UPDATE_ELEM ? "BPF_MAP_UPDATE_ELEM" : "BPF_MAP_DELETE_ELEM"); exit(1); }
    }
    return now_ns() - t0;
}

int main(int argc, char **argv)
{
    uint32_t n = argc > 1 ? (uint32_t)atoi(argv[1]) : 100000;
    int rounds = argc > 2 ? atoi(argv[2]) : 5;
    memset(value, 0x5a, sizeof(value));

    printf("round,map,key_bytes,value_bytes,max_entries,prealloc,n,update_new_ns,update_existing_ns,delete_ns\n");
    for (int r = 0; r < rounds; r++)
        for (int s = 0; s < 3; s++)
            for (int prealloc = 0; prealloc < 2; prealloc++)
            {
                const struct shape *sh = &shapes[s];
                union bpf_attr m;
                memset(&m, 0, sizeof(m));
                m.map_type = BPF_MAP_TYPE_HASH;
                m.key_size = sh->key_size;
                m.value_size = sh->value_size;
                m.max_entries = sh->max_entries;
                m.map_flags = prealloc ? 0 : BPF_F_NO_PREALLOC;
                map_fd = (int)sys_bpf(BPF_MAP_CREATE, &m);
                if (map_fd < 0) { perror("BPF_MAP_CREATE"); return 1; }

                double t_new = 0, t_old = 0, t_del = 0;
                for (uint32_t done = 0; done < n;)
                {
                    uint32_t chunk = n - done < sh->max_entries ? n - done : sh->max_entries;
                    for (uint32_t i = 0; i < chunk; i++) fill_key(s, i, keys[i]);
                    t_new += phase(BPF_MAP_UPDATE_ELEM, chunk);
                    t_old += phase(BPF_MAP_UPDATE_ELEM, chunk);
                    t_del += phase(BPF_MAP_DELETE_ELEM, chunk);
                    done += chunk;
                }
                close(map_fd);
                printf("%d,%s,%u,%u,%u,%d,%u,%.1f,%.1f,%.1f\n", r + 1, sh->name, sh->key_size, sh->value_size,
                    sh->max_entries, prealloc, n, t_new / n, t_old / n, t_del / n);
                fflush(stdout);
            }
    return 0;
}
