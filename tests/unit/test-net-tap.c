/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -netdev tap inside a network namespace the test makes and deletes
 * (`ip netns add kemu-test-PID`): a forked child enters it, opens the tap,
 * sets the interface up and checks, through an AF_PACKET socket on the
 * interface, that a frame the NIC sends leaves on the interface and a frame
 * sent on the interface reaches the NIC, byte for byte, with the kernel's
 * virtio-net header added and stripped for the NIC, or passed through when
 * the NIC uses it, and with fd=.  Without root, /dev/net/tun or `ip`, the
 * suite is not registered and a SKIP line says why.
 */
#include "util/osdep.h"
#include "tests/unit/test-net-fake.h"
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>

#define TEST_ETHERTYPE 0x88b5 /* IEEE "local experimental" */
#define VNET_HDR_LEN   10

/* A failed check in the child: its message goes to the parent. */
#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            dprintf(report_fd, "%s:%d: %s", __FILE__, __LINE__, #cond);        \
            _exit(1);                                                          \
        }                                                                      \
    } while (0)

static int report_fd = -1;

static void make_frame(uint8_t *f, size_t len, uint8_t seed)
{
    static const uint8_t src[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

    memset(f, 0xff, 6);
    memcpy(f + 6, src, 6);
    f[12] = TEST_ETHERTYPE >> 8;
    f[13] = TEST_ETHERTYPE & 0xff;
    for (size_t i = 14; i < len; i++) {
        f[i] = seed + i;
    }
}

static bool if_up(const char *ifname)
{
    struct ifreq ifr = {0};
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    bool ok;

    g_strlcpy(ifr.ifr_name, ifname, IFNAMSIZ);
    ok = s >= 0 && !ioctl(s, SIOCGIFFLAGS, &ifr);
    ifr.ifr_flags |= IFF_UP;
    ok = ok && !ioctl(s, SIOCSIFFLAGS, &ifr);
    close(s);
    return ok;
}

static int packet_socket(const char *ifname, int *ifindex)
{
    struct sockaddr_ll sll = {.sll_family = AF_PACKET,
                              .sll_protocol = htons(TEST_ETHERTYPE)};
    int s = socket(AF_PACKET, SOCK_RAW, htons(TEST_ETHERTYPE));

    *ifindex = if_nametoindex(ifname);
    sll.sll_ifindex = *ifindex;
    if (s < 0 || bind(s, (struct sockaddr *)&sll, sizeof(sll))) {
        return -1;
    }
    return s;
}

/* A frame of our ethertype seen on the interface within 2 s, or -1. */
static ssize_t packet_recv(int s, uint8_t *buf, size_t size)
{
    struct pollfd pfd = {.fd = s, .events = POLLIN};

    while (poll(&pfd, 1, 2000) == 1) {
        ssize_t n = recv(s, buf, size, 0);

        if (n >= 14 && buf[12] == TEST_ETHERTYPE >> 8 &&
            buf[13] == (TEST_ETHERTYPE & 0xff)) {
            return n;
        }
    }
    return -1;
}

typedef struct NicWait {
    FakeNic *nic;
    size_t skip; /* header bytes before the Ethernet frame */
    GByteArray *found;
} NicWait;

static bool nic_got_test_frame(void *opaque)
{
    NicWait *w = opaque;

    for (guint i = 0; i < w->nic->rx->len && !w->found; i++) {
        GByteArray *fr = fake_nic_frame(w->nic, i);

        if (fr->len >= w->skip + 14 &&
            fr->data[w->skip + 12] == TEST_ETHERTYPE >> 8 &&
            fr->data[w->skip + 13] == (TEST_ETHERTYPE & 0xff)) {
            w->found = fr;
        }
    }
    return w->found != NULL;
}

/* Both directions through netdev @id, interface @ifname. */
static void check_tap(MainLoop *ml, NetState *ns, const char *id,
                      const char *ifname, bool nic_uses_vnet_hdr)
{
    NetClientState *tap = qemu_find_netdev(ns, id);
    FakeNic *nic = fake_nic_new(tap, NULL);
    size_t hdr = nic_uses_vnet_hdr ? VNET_HDR_LEN : 0;
    uint8_t out[VNET_HDR_LEN + 300], in[2048], frame[200];
    struct sockaddr_ll to = {.sll_family = AF_PACKET};
    NicWait w = {nic, hdr, NULL};
    int ps, ifindex;
    ssize_t n;

    CHECK(tap != NULL);
    if (nic_uses_vnet_hdr) {
        CHECK(qemu_has_vnet_hdr(tap));
        CHECK(qemu_has_vnet_hdr_len(tap, 12));
        qemu_using_vnet_hdr(tap, true);
        qemu_set_offload(tap, 1, 1, 1, 0, 0);
    }
    CHECK(if_up(ifname));
    ps = packet_socket(ifname, &ifindex);
    CHECK(ps >= 0);

    /* NIC -> interface. */
    memset(out, 0, hdr);
    make_frame(out + hdr, 300, 7);
    CHECK(qemu_send_packet(nic->nc, out, hdr + 300) == (ssize_t)(hdr + 300));
    n = packet_recv(ps, in, sizeof(in));
    CHECK(n == 300);
    CHECK(memcmp(in, out + hdr, 300) == 0);

    /* Interface -> NIC. */
    make_frame(frame, sizeof(frame), 99);
    to.sll_ifindex = ifindex;
    to.sll_halen = 6;
    memset(to.sll_addr, 0xff, 6);
    CHECK(sendto(ps, frame, sizeof(frame), 0, (struct sockaddr *)&to,
                 sizeof(to)) == sizeof(frame));
    CHECK(net_test_wait(ml, nic_got_test_frame, &w, 2000));
    CHECK(w.found->len == hdr + sizeof(frame));
    CHECK(memcmp(w.found->data + hdr, frame, sizeof(frame)) == 0);
    close(ps);
    fake_nic_free(nic);
}

static void child_body(const char *netns_path)
{
    int nsfd = open(netns_path, O_RDONLY | O_CLOEXEC);
    MainLoop *ml;
    NetState *ns;
    struct ifreq ifr = {0};
    g_autofree char *arg = NULL, *err = NULL;
    int fd;

    CHECK(nsfd >= 0);
    CHECK(setns(nsfd, CLONE_NEWNET) == 0);
    ml = main_loop_new();
    ns = net_state_new(ml);

    /* ifname=, vnet_hdr on by default, the header hidden from the NIC. */
    err = net_test_init(ns,
                        "tap,id=t0,ifname=kemutap0,script=no,"
                        "downscript=no",
                        true);
    CHECK(err == NULL);
    CHECK(!strcmp(qemu_find_netdev(ns, "t0")->info_str,
                  "ifname=kemutap0,script=no,downscript=no"));
    check_tap(ml, ns, "t0", "kemutap0", false);

    /* A NIC that exchanges virtio-net headers with the kernel. */
    CHECK(net_test_init(ns, "tap,id=t1,ifname=kemutap1,vnet_hdr=on", true) ==
          NULL);
    check_tap(ml, ns, "t1", "kemutap1", true);

    /* vnet_hdr=off. */
    CHECK(net_test_init(ns, "tap,id=t2,ifname=kemutap2,vnet_hdr=off", true) ==
          NULL);
    CHECK(!qemu_has_vnet_hdr(qemu_find_netdev(ns, "t2")));
    check_tap(ml, ns, "t2", "kemutap2", false);

    /* fd= of a tap opened by someone else. */
    fd = open("/dev/net/tun", O_RDWR);
    CHECK(fd >= 0);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    g_strlcpy(ifr.ifr_name, "kemutap3", IFNAMSIZ);
    CHECK(ioctl(fd, TUNSETIFF, &ifr) == 0);
    arg = g_strdup_printf("tap,id=t3,fd=%d", fd);
    CHECK(net_test_init(ns, arg, true) == NULL);
    check_tap(ml, ns, "t3", "kemutap3", false);

    net_state_free(ns);
    main_loop_free(ml);
    /* The interfaces went with their fds. */
    CHECK(if_nametoindex("kemutap0") == 0);
    CHECK(if_nametoindex("kemutap3") == 0);
    dprintf(report_fd, "OK");
    _exit(0);
}

static void test_tap_in_netns(void)
{
    g_autofree char *name = g_strdup_printf("kemu-test-%d", (int)getpid());
    g_autofree char *path = g_strdup_printf("/run/netns/%s", name);
    g_autofree char *add = g_strdup_printf("ip netns add %s", name);
    g_autofree char *del = g_strdup_printf("ip netns del %s", name);
    char report[512] = "";
    int pipefd[2], status = 0;
    ssize_t n;
    pid_t pid;

    CU_ASSERT_EQUAL_FATAL(system(add), 0);
    CU_ASSERT_EQUAL_FATAL(pipe(pipefd), 0);
    pid = fork();
    if (pid == 0) {
        close(pipefd[0]);
        report_fd = pipefd[1];
        child_body(path);
    }
    close(pipefd[1]);
    n = read(pipefd[0], report, sizeof(report) - 1);
    close(pipefd[0]);
    waitpid(pid, &status, 0);
    CU_ASSERT_EQUAL(system(del), 0);
    report[n > 0 ? n : 0] = '\0';
    if (strcmp(report, "OK")) {
        fprintf(stderr, "\n    tap child: %s\n",
                report[0] ? report : "no report");
    }
    CU_ASSERT_STRING_EQUAL(report, "OK");
    CU_ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CU_ASSERT_NOT_EQUAL(access(path, F_OK), 0);
}

static const UnitTest net_tap_tests[] = {
    UNIT_TEST(test_tap_in_netns),
    {NULL, NULL},
};

/* Register only where the test can run; otherwise say so, visibly. */
static void __attribute__((constructor)) net_tap_register(void)
{
    g_autofree char *ip = g_find_program_in_path("ip");
    const char *why = NULL;

    if (geteuid() != 0) {
        why = "not root";
    } else if (access("/dev/net/tun", R_OK | W_OK)) {
        why = "no /dev/net/tun";
    } else if (!ip) {
        why = "no 'ip' command (iproute2)";
    }
    if (why) {
        fprintf(stderr, "SKIP: net_tap: %s\n", why);
        return;
    }
    unit_register_suite("net_tap", NULL, NULL, net_tap_tests);
}
