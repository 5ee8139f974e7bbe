// Times one BGP hop into the peer's kernel: adds a blackhole route for a /26 in network namespace A (where BIRD's
// kernel protocol learns it and BIRD announces it over its session) and waits on a netlink route socket opened in
// namespace B until B's BIRD has installed it; then deletes it and waits for B's removal. One process, one monotonic
// clock: the time from the RTM_NEWROUTE/RTM_DELROUTE request in A to the notification from B's kernel.
// Prints CSV rows kind,us. Usage: bgp_hop NETNS_A NETNS_B REPETITIONS   (bench/control-cost/bgp-update.sh runs it)
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int enter(const char *ns)
{
    char path[256];
    snprintf(path, sizeof path, "/var/run/netns/%s", ns);
    int fd = open(path, O_RDONLY);
    if (fd < 0 || setns(fd, CLONE_NEWNET) != 0) { perror(path); exit(1); }
    close(fd);
    return 0;
}

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

// Sends RTM_NEWROUTE (blackhole) or RTM_DELROUTE for dst/26 in the main table and waits for the kernel's ack.
static void route(int fd, int type, uint32_t dst)
{
    struct { struct nlmsghdr n; struct rtmsg r; char buf[64]; } req;
    memset(&req, 0, sizeof req);
    req.n.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
    req.n.nlmsg_type = type;
    req.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (type == RTM_NEWROUTE ? NLM_F_CREATE | NLM_F_EXCL : 0);
    req.r.rtm_family = AF_INET;
    req.r.rtm_dst_len = 26;
    req.r.rtm_table = RT_TABLE_MAIN;
    req.r.rtm_protocol = RTPROT_BOOT;
    req.r.rtm_scope = RT_SCOPE_UNIVERSE;
    req.r.rtm_type = RTN_BLACKHOLE;
    struct rtattr *a = (struct rtattr *)((char *)&req + NLMSG_ALIGN(req.n.nlmsg_len));
    a->rta_type = RTA_DST;
    a->rta_len = RTA_LENGTH(4);
    memcpy(RTA_DATA(a), &dst, 4);
    req.n.nlmsg_len = NLMSG_ALIGN(req.n.nlmsg_len) + a->rta_len;
    if (send(fd, &req, req.n.nlmsg_len, 0) < 0) { perror("send"); exit(1); }
    char ack[4096];
    if (recv(fd, ack, sizeof ack, 0) < 0) { perror("ack"); exit(1); }
    struct nlmsgerr *e = NLMSG_DATA((struct nlmsghdr *)ack);
    if (((struct nlmsghdr *)ack)->nlmsg_type == NLMSG_ERROR && e->error != 0) { fprintf(stderr, "route: %s\n", strerror(-e->error)); exit(1); }
}

// Reads B's route notifications until one of `type` for dst/26 arrives.
static void await(int fd, int type, uint32_t dst)
{
    char buf[16384];
    for (;;)
    {
        int len = recv(fd, buf, sizeof buf, 0);
        if (len < 0) { perror("recv"); exit(1); }
        for (struct nlmsghdr *n = (struct nlmsghdr *)buf; NLMSG_OK(n, len); n = NLMSG_NEXT(n, len))
        {
            if (n->nlmsg_type != type) continue;
            struct rtmsg *r = NLMSG_DATA(n);
            if (r->rtm_dst_len != 26) continue;
            int alen = RTM_PAYLOAD(n);
            for (struct rtattr *a = RTM_RTA(r); RTA_OK(a, alen); a = RTA_NEXT(a, alen))
                if (a->rta_type == RTA_DST && memcmp(RTA_DATA(a), &dst, 4) == 0) return;
        }
    }
}

int main(int argc, char **argv)
{
    if (argc != 4) { fprintf(stderr, "usage: bgp_hop NETNS_A NETNS_B REPETITIONS\n"); return 2; }
    int reps = atoi(argv[3]);
    enter(argv[2]);
    int watch = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_IPV4_ROUTE };
    int rcvbuf = 4 << 20;
    setsockopt(watch, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    if (bind(watch, (struct sockaddr *)&sa, sizeof sa) != 0) { perror("bind"); return 1; }
    enter(argv[1]);
    int ctl = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    printf("kind,us\n");
    for (int i = 0; i < reps; i++)
    {
        uint32_t dst = htonl((198u << 24) | (19u << 16) | ((uint32_t)(i / 4) << 8) | (uint32_t)((i % 4) * 64));
        double t0 = now_us();
        route(ctl, RTM_NEWROUTE, dst);
        await(watch, RTM_NEWROUTE, dst);
        printf("announce,%.0f\n", now_us() - t0);
        usleep(100000);
        t0 = now_us();
        route(ctl, RTM_DELROUTE, dst);
        await(watch, RTM_DELROUTE, dst);
        printf("withdraw,%.0f\n", now_us() - t0);
        fflush(stdout);
        usleep(100000);
    }
    return 0;
}
