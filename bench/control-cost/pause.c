// A pod sandbox's process, like Kubernetes' pause container: it holds the pod's namespaces and sleeps until signalled.
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

static void quit(int sig) { (void)sig; _exit(0); }

int main(void)
{
    signal(SIGTERM, quit);
    signal(SIGINT, quit);
    for (;;) pause();
}
