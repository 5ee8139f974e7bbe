// The netlink requests kube-proxy's IPVS mode makes per virtual server, timed on a kernel without IPVS: each Service
// binds its ClusterIP to the dummy kube-ipvs0 (one RTM_NEWADDR) and libipvs sends one generic netlink request per
// virtual server (IPVS_CMD_NEW_SERVICE) and per real server (IPVS_CMD_NEW_DEST). This times, in the calling network
// namespace (run it in a fresh one: unshare -n), ROUNDS rounds of N requests of each kind:
//   newaddr: RTM_NEWADDR of a fresh /32 on kube-ipvs0 (a dummy device, else a veth end), acked;
//   genl:    CTRL_CMD_GETFAMILY "nlctrl", the generic netlink round trip (genl_rcv_msg, the family lookup, the reply).
// Prints CSV rows kind,round,ns_per_request (thread CPU time: netlink requests run synchronously in the sender). Usage: unshare -n ./netlink_rtt [N] [ROUNDS]
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <linux/genetlink.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t); // the request runs in the caller's context: CPU time, not inflated by other load
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void attr(struct nlmsghdr *n, int type, const void *data, int len)
{
    struct rtattr *a = (struct rtattr *)((char *)n + NLMSG_ALIGN(n->nlmsg_len));
    a->rta_type = type;
    a->rta_len = RTA_LENGTH(len);
    memcpy(RTA_DATA(a), data, len);
    n->nlmsg_len = NLMSG_ALIGN(n->nlmsg_len) + RTA_ALIGN(a->rta_len);
}

// Sends the request and reads until its ack or reply; exits on an error.
static void roundtrip(int fd, struct nlmsghdr *n)
{
    char buf[8192];
    if (send(fd, n, n->nlmsg_len, 0) < 0) { perror("send"); exit(1); }
    int len = recv(fd, buf, sizeof buf, 0);
    if (len < 0) { perror("recv"); exit(1); }
    struct nlmsghdr *r = (struct nlmsghdr *)buf;
    if (r->nlmsg_type == NLMSG_ERROR && ((struct nlmsgerr *)NLMSG_DATA(r))->error != 0)
    {
        fprintf(stderr, "netlink: %s\n", strerror(-((struct nlmsgerr *)NLMSG_DATA(r))->error));
        exit(1);
    }
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 10000, rounds = argc > 2 ? atoi(argv[2]) : 5;
    // kube-proxy uses a dummy device; this kernel has none (CONFIG_DUMMY off), a veth end takes addresses the same way
    if (system("ip link add kube-ipvs0 type dummy 2>/dev/null || ip link add kube-ipvs0 type veth peer name kube-ipvs0-peer") != 0) return 1;
    int ifindex = (int)if_nametoindex("kube-ipvs0");
    int rt = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE), gen = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
    printf("kind,round,ns_per_request\n");
    for (int round = 1; round <= rounds; round++)
    {
        char req[512];
        long long t0 = now_ns();
        for (int i = 0; i < n; i++)
        {
            memset(req, 0, sizeof req);
            struct nlmsghdr *h = (struct nlmsghdr *)req;
            h->nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
            h->nlmsg_type = RTM_NEWADDR;
            h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
            struct ifaddrmsg *ifa = NLMSG_DATA(h);
            ifa->ifa_family = AF_INET;
            ifa->ifa_prefixlen = 32;
            ifa->ifa_index = ifindex;
            uint32_t a = htonl((198u << 24) | (18u << 16) | (uint32_t)(round * n + i) % 65536u);
            if (round * n + i >= 65536) a = htonl((198u << 24) | (19u << 16) | (uint32_t)(round * n + i) % 65536u);
            attr(h, IFA_LOCAL, &a, 4);
            attr(h, IFA_ADDRESS, &a, 4);
            roundtrip(rt, h);
        }
        printf("newaddr,%d,%lld\n", round, (now_ns() - t0) / n);
        // start the next round on an empty device, as kube-proxy's table stays the size of the Services
        char cmd[64];
        snprintf(cmd, sizeof cmd, "ip addr flush dev kube-ipvs0");
        if (system(cmd) != 0) return 1;
        t0 = now_ns();
        for (int i = 0; i < n; i++)
        {
            memset(req, 0, sizeof req);
            struct nlmsghdr *h = (struct nlmsghdr *)req;
            h->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
            h->nlmsg_type = GENL_ID_CTRL;
            h->nlmsg_flags = NLM_F_REQUEST;
            struct genlmsghdr *g = NLMSG_DATA(h);
            g->cmd = CTRL_CMD_GETFAMILY;
            g->version = 1;
            attr(h, CTRL_ATTR_FAMILY_NAME, "nlctrl", 7);
            roundtrip(gen, h);
        }
        printf("genl,%d,%lld\n", round, (now_ns() - t0) / n);
        fflush(stdout);
    }
    return 0;
}
