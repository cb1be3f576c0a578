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
#include "net/clients.h" /* NetState.vhost_net_dev */
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
#include <linux/vhost.h>
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#endif

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

/*
 * The child passed: under the sanitizers, first check that nothing it
 * freed leaked (_exit() skips LeakSanitizer's check at exit).
 */
static void child_ok(void)
{
#ifdef __SANITIZE_ADDRESS__
    if (__lsan_do_recoverable_leak_check()) {
        dprintf(report_fd, "LeakSanitizer found leaks (see above)");
        _exit(1);
    }
#endif
    dprintf(report_fd, "OK");
    _exit(0);
}

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
    /* _exit() skips the g_autofree cleanups: free them for LSan. */
    g_clear_pointer(&arg, g_free);
    g_clear_pointer(&err, g_free);
    child_ok();
}

static void enter_netns(const char *netns_path)
{
    int nsfd = open(netns_path, O_RDONLY | O_CLOEXEC);

    CHECK(nsfd >= 0);
    CHECK(setns(nsfd, CLONE_NEWNET) == 0);
    close(nsfd);
}

/* The TUNGETIFF flags of @fd, or -errno (-EBADFD: a detached queue). */
static int tun_flags(int fd, char *ifname)
{
    struct ifreq ifr = {0};

    if (ioctl(fd, TUNGETIFF, &ifr)) {
        return -errno;
    }
    if (ifname) {
        g_strlcpy(ifname, ifr.ifr_name, IFNAMSIZ);
    }
    return ifr.ifr_flags & 0xffff;
}

/* A tap queue opened by hand on @ifname with IFF_TAP | IFF_NO_PI | @flags. */
static int open_tap(const char *ifname, int flags)
{
    struct ifreq ifr = {0};
    int fd = open("/dev/net/tun", O_RDWR);

    CHECK(fd >= 0);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | flags;
    g_strlcpy(ifr.ifr_name, ifname, IFNAMSIZ);
    CHECK(ioctl(fd, TUNSETIFF, &ifr) == 0);
    return fd;
}

static bool fd_readable(void *opaque)
{
    struct pollfd pfd = {.fd = *(int *)opaque, .events = POLLIN};

    return poll(&pfd, 1, 0) == 1;
}

/* An IPv4/UDP frame of flow @flow (source port 1000 + @flow). */
static size_t make_udp_frame(uint8_t *f, int flow)
{
    static const uint8_t head[] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52, 0x54,
        0x00, 0x12, 0x34, 0x56, 0x08, 0x00,             /* IPv4 */
        0x45, 0x00, 0x00, 0x24, 0x00, 0x00, 0x00, 0x00, /* 36 bytes */
        0x40, 0x11, 0x00, 0x00,                         /* TTL 64, UDP */
        10,   0,    0,    1,    10,   0,    0,    2,
    };
    size_t n = sizeof(head);

    memcpy(f, head, n);
    f[n++] = (1000 + flow) >> 8; /* source port */
    f[n++] = (1000 + flow) & 0xff;
    f[n++] = 2000 >> 8; /* destination port */
    f[n++] = 2000 & 0xff;
    f[n++] = 0;
    f[n++] = 16; /* UDP length */
    f[n++] = 0;
    f[n++] = 0; /* no checksum */
    memcpy(f + n, "KEMUMQ", 6);
    n += 6;
    f[n++] = flow;
    f[n++] = 0;
    return n;
}

/*
 * Send 16 UDP flows on the interface (packet socket @ps) and count, in
 * @count, how many the kernel put on each of the @nq queue fds of @q
 * (polling must be off: read here directly).
 */
static void count_flows_per_queue(NetClientState **q, int nq, int ps,
                                  int ifindex, int *count)
{
    struct sockaddr_ll to = {
        .sll_family = AF_PACKET, .sll_ifindex = ifindex, .sll_halen = 6};
    struct pollfd pfd[8];
    uint8_t f[128], in[2048];
    int total = 0;

    memset(to.sll_addr, 0xff, 6);
    for (int i = 0; i < 16; i++) {
        size_t len = make_udp_frame(f, i);

        CHECK(sendto(ps, f, len, 0, (struct sockaddr *)&to, sizeof(to)) ==
              (ssize_t)len);
    }
    for (int i = 0; i < nq; i++) {
        count[i] = 0;
        pfd[i] =
            (struct pollfd){.fd = qemu_get_backend_fd(q[i]), .events = POLLIN};
    }
    while (total < 16 && poll(pfd, nq, 2000) > 0) {
        for (int i = 0; i < nq; i++) {
            ssize_t n;

            while ((n = read(pfd[i].fd, in, sizeof(in))) > 0) {
                uint8_t *e = in + VNET_HDR_LEN;

                if (n == VNET_HDR_LEN + 50 && e[12] == 0x08 && e[13] == 0 &&
                    !memcmp(e + 42, "KEMUMQ", 6)) {
                    count[i]++;
                    total++;
                }
            }
        }
    }
}

/*
 * queues=4: four queue fds on one IFF_MULTI_QUEUE interface, a NIC with a
 * subqueue on each, frames out through every queue and in, detach/attach
 * with TUNSETQUEUE, polling off (the fd is left for vhost), fds=.
 */
static void child_mq_body(const char *netns_path)
{
    NetClientState *q[8], *s0;
    uint8_t frame[200], in[2048];
    struct sockaddr_ll to = {.sll_family = AF_PACKET};
    GString *info = g_string_new("");
    FakeNic *nic, *sn;
    NicWait w;
    MainLoop *ml;
    NetState *ns;
    int ps, ifindex, fd, fds[2], count[4];
    g_autofree char *arg = NULL, *want = NULL, *err = NULL;
    bool found = false;

    enter_netns(netns_path);
    ml = main_loop_new();
    ns = net_state_new(ml);

    CHECK(net_test_init(ns, "tap,id=m0,ifname=kemumq0,queues=4", true) == NULL);
    CHECK(qemu_find_net_clients_except(ns, "m0", q, NET_CLIENT_DRIVER_NIC, 8) ==
          4);
    for (int i = 0; i < 4; i++) {
        char name[IFNAMSIZ];
        int flags;

        fd = qemu_get_backend_fd(q[i]);
        flags = tun_flags(fd, name);
        CHECK(q[i]->queue_index == i);
        CHECK(flags > 0 && (flags & IFF_MULTI_QUEUE) && (flags & IFF_TAP));
        CHECK(!strcmp(name, "kemumq0"));
        CHECK(i == 0 || fd != qemu_get_backend_fd(q[i - 1]));
        CHECK(qemu_get_vhost_fd(q[i]) == -1);
        CHECK(
            !strcmp(q[i]->info_str, "ifname=kemumq0,script=no,downscript=no"));
    }

    /* A NIC on all four queues. */
    nic = fake_nic_new_mq(ns, "m0", NULL);
    CHECK(nic->nic->queues == 4);
    for (int i = 0; i < 4; i++) {
        CHECK(qemu_get_subqueue(nic->nic, i)->peer == q[i]);
        CHECK(q[i]->peer == qemu_get_subqueue(nic->nic, i));
    }
    net_print_info(ns, info);
    CHECK(strstr(info->str, "fake.0: index=3,type=nic,") != NULL);
    CHECK(strstr(info->str, " \\ m0: index=3,type=tap,ifname=kemumq0,"
                            "script=no,downscript=no\n") != NULL);
    g_string_free(info, true);

    /* Out through every queue. */
    CHECK(if_up("kemumq0"));
    ps = packet_socket("kemumq0", &ifindex);
    CHECK(ps >= 0);
    for (int i = 0; i < 4; i++) {
        uint8_t out[120], got[2048];

        make_frame(out, sizeof(out), 0x20 + i);
        CHECK(qemu_send_packet(qemu_get_subqueue(nic->nic, i), out,
                               sizeof(out)) == sizeof(out));
        CHECK(packet_recv(ps, got, sizeof(got)) == sizeof(out));
        CHECK(!memcmp(got, out, sizeof(out)));
    }
    /* In: the kernel picks a queue; the NIC gets the frame. */
    make_frame(frame, sizeof(frame), 99);
    to.sll_ifindex = ifindex;
    to.sll_halen = 6;
    memset(to.sll_addr, 0xff, 6);
    CHECK(sendto(ps, frame, sizeof(frame), 0, (struct sockaddr *)&to,
                 sizeof(to)) == sizeof(frame));
    w = (NicWait){nic, 0, NULL};
    CHECK(net_test_wait(ml, nic_got_test_frame, &w, 2000));
    CHECK(w.found->len == sizeof(frame) &&
          !memcmp(w.found->data, frame, sizeof(frame)));

    /*
     * Where the kernel puts frames of 16 UDP flows, read from the queue
     * fds directly (polling off, as under vhost): spread over the queues
     * while all are attached, all on queue 0 once 1..3 are detached.
     */
    for (int i = 0; i < 4; i++) {
        qemu_set_backend_polling(q[i], false);
    }
    count_flows_per_queue(q, 4, ps, ifindex, count);
    CHECK(count[0] + count[1] + count[2] + count[3] == 16);
    CHECK(MAX(MAX(count[0], count[1]), MAX(count[2], count[3])) < 16);
    for (int i = 1; i < 4; i++) {
        CHECK(qemu_set_queue_enabled(q[i], false) == 0);
    }
    CHECK(qemu_set_queue_enabled(q[2], false) == 0); /* already: no-op */
    count_flows_per_queue(q, 4, ps, ifindex, count);
    CHECK(count[0] == 16);
    for (int i = 1; i < 4; i++) {
        CHECK(qemu_set_queue_enabled(q[i], true) == 0);
    }
    count_flows_per_queue(q, 4, ps, ifindex, count);
    CHECK(count[0] + count[1] + count[2] + count[3] == 16 && count[0] < 16);
    for (int i = 0; i < 4; i++) {
        qemu_set_backend_polling(q[i], true);
    }
    /* Polling on again: the NIC gets frames from the wire. */
    w = (NicWait){nic, 0, NULL};
    g_ptr_array_set_size(nic->rx, 0);
    CHECK(sendto(ps, frame, sizeof(frame), 0, (struct sockaddr *)&to,
                 sizeof(to)) == sizeof(frame));
    CHECK(net_test_wait(ml, nic_got_test_frame, &w, 2000));
    close(ps);

    /* A single-queue tap cannot detach; attaching it is a no-op. */
    CHECK(net_test_init(ns, "tap,id=s0,ifname=kemusq0", true) == NULL);
    s0 = qemu_find_netdev(ns, "s0");
    CHECK(!(tun_flags(qemu_get_backend_fd(s0), NULL) & IFF_MULTI_QUEUE));
    CHECK(qemu_set_queue_enabled(s0, true) == 0);
    CHECK(qemu_set_queue_enabled(s0, false) < 0);

    /* Polling off: a frame from the wire stays in the fd for vhost. */
    sn = fake_nic_new(s0, NULL);
    CHECK(if_up("kemusq0"));
    ps = packet_socket("kemusq0", &ifindex);
    CHECK(ps >= 0);
    to.sll_ifindex = ifindex;
    qemu_set_backend_polling(s0, false);
    CHECK(sendto(ps, frame, sizeof(frame), 0, (struct sockaddr *)&to,
                 sizeof(to)) == sizeof(frame));
    fd = qemu_get_backend_fd(s0);
    CHECK(net_test_wait(ml, fd_readable, &fd, 2000));
    for (int i = 0; i < 10; i++) {
        main_loop_wait(ml, true);
    }
    CHECK(sn->rx->len == 0);
    for (;;) {
        ssize_t n = read(fd, in, sizeof(in));

        if (n < 0) {
            break;
        }
        if (n == VNET_HDR_LEN + (ssize_t)sizeof(frame) &&
            !memcmp(in + VNET_HDR_LEN, frame, sizeof(frame))) {
            found = true;
        }
    }
    CHECK(found);
    /* Polling on: the NIC gets frames again. */
    qemu_set_backend_polling(s0, true);
    CHECK(sendto(ps, frame, sizeof(frame), 0, (struct sockaddr *)&to,
                 sizeof(to)) == sizeof(frame));
    w = (NicWait){sn, 0, NULL};
    CHECK(net_test_wait(ml, nic_got_test_frame, &w, 2000));
    close(ps);
    fake_nic_free(sn);

    /* fds=: two queues opened elsewhere; the netdev takes them in order. */
    fds[0] = open_tap("kemufds0", IFF_MULTI_QUEUE | IFF_VNET_HDR);
    fds[1] = open_tap("kemufds0", IFF_MULTI_QUEUE | IFF_VNET_HDR);
    arg = g_strdup_printf("tap,id=f0,fds=%d:%d", fds[0], fds[1]);
    CHECK(net_test_init(ns, arg, true) == NULL);
    CHECK(qemu_find_net_clients_except(ns, "f0", q, NET_CLIENT_DRIVER_NIC, 8) ==
          2);
    for (int i = 0; i < 2; i++) {
        g_autofree char *s = g_strdup_printf("fd=%d", fds[i]);

        CHECK(qemu_get_backend_fd(q[i]) == fds[i]);
        CHECK(q[i]->queue_index == i);
        CHECK(!strcmp(q[i]->info_str, s));
    }
    /* fds= of taps with and without vnet headers: refused, fds left open. */
    fds[0] = open_tap("kemufds1", IFF_VNET_HDR);
    fds[1] = open_tap("kemufds2", 0);
    g_free(arg);
    arg = g_strdup_printf("tap,id=f1,fds=%d:%d", fds[0], fds[1]);
    err = net_test_init(ns, arg, true);
    CHECK(err && !strcmp(err, "-netdev tap: fds= mixes taps with and without "
                              "vnet headers (IFF_VNET_HDR)"));
    CHECK(fcntl(fds[0], F_GETFD) >= 0 && fcntl(fds[1], F_GETFD) >= 0);
    close(fds[0]);
    close(fds[1]);
    /* ifname= taken by a single-queue interface: one clear line. */
    want = g_strdup("-netdev tap: can't create tap interface 'kemusq0': "
                    "Invalid argument (does it exist without multiqueue, or "
                    "with other flags?)");
    g_free(err);
    err = net_test_init(ns, "tap,id=m1,ifname=kemusq0,queues=2", true);
    CHECK(err && !strcmp(err, want));
    CHECK(qemu_find_netdev(ns, "m1") == NULL);

    /* Unplug the NIC, then free the netdevs: the interfaces go. */
    fake_nic_free(nic);
    net_state_free(ns);
    main_loop_free(ml);
    CHECK(if_nametoindex("kemumq0") == 0);
    CHECK(if_nametoindex("kemufds0") == 0);
    CHECK(if_nametoindex("kemusq0") == 0);
    /* _exit() skips the g_autofree cleanups: free them for LSan. */
    g_clear_pointer(&arg, g_free);
    g_clear_pointer(&want, g_free);
    g_clear_pointer(&err, g_free);
    child_ok();
}

/* net_test_init() with stderr captured into @warn (the caller frees). */
static char *init_capturing_stderr(NetState *ns, const char *arg, char **warn)
{
    FILE *tmp = tmpfile();
    int saved = dup(2);
    char *err;
    long len;

    CHECK(tmp && saved >= 0);
    fflush(stderr);
    dup2(fileno(tmp), 2);
    err = net_test_init(ns, arg, true);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    len = ftell(tmp);
    *warn = g_malloc0(len + 1);
    rewind(tmp);
    CHECK(fread(*warn, 1, len, tmp) == (size_t)len);
    fclose(tmp);
    return err;
}

static bool fd_closed(int fd)
{
    return fcntl(fd, F_GETFD) < 0 && errno == EBADF;
}

/*
 * vhost=on: a /dev/vhost-net fd per queue, shown in `info network`; when
 * the device cannot be opened, one warning and the userspace path, or an
 * error with vhostforce=on; vhostfd=; every fd closed with the netdev.
 * The device path is a field of NetState the tests may point elsewhere
 * (no user option): a missing path for the fallback, /dev/null as an
 * openable stand-in (nothing drives it here; hw/net/vhost-net does).
 */
static void child_vhost_body(const char *netns_path)
{
    NetClientState *q[4], *nc;
    g_autofree char *warn = NULL, *err = NULL, *arg = NULL, *s = NULL;
    char link[64];
    int vfd[4], tfd, pvfd;
    MainLoop *ml;
    NetState *ns;
    ssize_t n;

    enter_netns(netns_path);
    ml = main_loop_new();
    ns = net_state_new(ml);

    /* No device: one warning line, the netdev works in userspace. */
    ns->vhost_net_dev = "/nonexistent/vhost-net";
    err = init_capturing_stderr(ns, "tap,id=v0,ifname=kemuv0,vhost=on", &warn);
    CHECK(err == NULL);
    CHECK(g_str_has_suffix(
        warn, "warning: vhost-net requested but could not be initialized: "
              "can't open /nonexistent/vhost-net: No such file or directory; "
              "the data path stays in kemu (netdev 'v0')\n"));
    CHECK(strchr(warn, '\n') == warn + strlen(warn) - 1);
    nc = qemu_find_netdev(ns, "v0");
    CHECK(qemu_get_vhost_fd(nc) == -1);
    CHECK(!strcmp(nc->info_str, "ifname=kemuv0,script=no,downscript=no"));
    check_tap(ml, ns, "v0", "kemuv0", false);

    /* vhostforce=on without the device: an error, nothing made. */
    err = net_test_init(ns, "tap,id=v1,ifname=kemuv1,vhostforce=on", true);
    CHECK(err && !strcmp(err, "-netdev tap: vhostforce=on, but can't open "
                              "/nonexistent/vhost-net: No such file or "
                              "directory"));
    CHECK(qemu_find_netdev(ns, "v1") == NULL);
    CHECK(if_nametoindex("kemuv1") == 0);

    /* A device that opens: one fd per queue, O_RDWR | O_CLOEXEC. */
    ns->vhost_net_dev = "/dev/null";
    CHECK(net_test_init(ns, "tap,id=v2,ifname=kemuv2,queues=2,vhost=on",
                        true) == NULL);
    CHECK(qemu_find_net_clients_except(ns, "v2", q, NET_CLIENT_DRIVER_NIC, 4) ==
          2);
    for (int i = 0; i < 2; i++) {
        vfd[i] = qemu_get_vhost_fd(q[i]);
        CHECK(vfd[i] >= 0 && vfd[i] != qemu_get_backend_fd(q[i]));
        CHECK(fcntl(vfd[i], F_GETFD) & FD_CLOEXEC);
        CHECK((fcntl(vfd[i], F_GETFL) & O_ACCMODE) == O_RDWR);
        g_free(s);
        s = g_strdup_printf("/proc/self/fd/%d", vfd[i]);
        n = readlink(s, link, sizeof(link) - 1);
        CHECK(n > 0);
        link[n] = '\0';
        CHECK(!strcmp(link, "/dev/null"));
        CHECK(!qemu_get_vhost_force(q[i]));
        g_free(s);
        s = g_strdup_printf("ifname=kemuv2,script=no,downscript=no,vhost=on,"
                            "vhostfd=%d",
                            vfd[i]);
        CHECK(!strcmp(q[i]->info_str, s));
    }
    CHECK(vfd[0] != vfd[1]);

    /* vhostforce=on alone means vhost=on; vhost=off wins over it. */
    CHECK(net_test_init(ns, "tap,id=v3,ifname=kemuv3,vhostforce=on", true) ==
          NULL);
    nc = qemu_find_netdev(ns, "v3");
    vfd[2] = qemu_get_vhost_fd(nc);
    CHECK(vfd[2] >= 0 && qemu_get_vhost_force(nc));
    CHECK(net_test_init(ns, "tap,id=v4,ifname=kemuv4,vhost=off,vhostforce=on",
                        true) == NULL);
    CHECK(qemu_get_vhost_fd(qemu_find_netdev(ns, "v4")) == -1);

    /* fd= with vhostfd=: both taken as given. */
    tfd = open_tap("kemuv5", IFF_VNET_HDR);
    pvfd = open("/dev/null", O_RDWR);
    CHECK(pvfd >= 0);
    arg = g_strdup_printf("tap,id=v5,fd=%d,vhostfd=%d", tfd, pvfd);
    CHECK(net_test_init(ns, arg, true) == NULL);
    nc = qemu_find_netdev(ns, "v5");
    CHECK(qemu_get_backend_fd(nc) == tfd && qemu_get_vhost_fd(nc) == pvfd);
    g_free(s);
    s = g_strdup_printf("fd=%d,vhost=on,vhostfd=%d", tfd, pvfd);
    CHECK(!strcmp(nc->info_str, s));

    /* The kernel's device, where this host has it. */
    if (access("/dev/vhost-net", R_OK | W_OK) == 0) {
        uint64_t features = 0;

        ns->vhost_net_dev = "/dev/vhost-net";
        CHECK(net_test_init(ns, "tap,id=v6,ifname=kemuv6,vhost=on", true) ==
              NULL);
        vfd[3] = qemu_get_vhost_fd(qemu_find_netdev(ns, "v6"));
        CHECK(vfd[3] >= 0);
        CHECK(ioctl(vfd[3], VHOST_GET_FEATURES, &features) == 0);
    } else {
        vfd[3] = -1;
        fprintf(stderr, "\n    note: no /dev/vhost-net on this host: only "
                        "the stand-in device was opened\n");
    }

    net_state_free(ns);
    main_loop_free(ml);
    for (int i = 0; i < 3; i++) {
        CHECK(fd_closed(vfd[i]));
    }
    CHECK(vfd[3] < 0 || fd_closed(vfd[3]));
    CHECK(fd_closed(tfd) && fd_closed(pvfd));
    CHECK(if_nametoindex("kemuv0") == 0 && if_nametoindex("kemuv2") == 0);
    /* _exit() skips the g_autofree cleanups: free them for LSan. */
    g_clear_pointer(&warn, g_free);
    g_clear_pointer(&err, g_free);
    g_clear_pointer(&arg, g_free);
    g_clear_pointer(&s, g_free);
    child_ok();
}

/* Run @body in a child inside a fresh network namespace; it reports "OK". */
static void run_in_netns(void (*body)(const char *netns_path))
{
    /* On the stack: the child never returns to free them. */
    char name[64], path[96], add[96], del[96];
    char report[512] = "";
    int pipefd[2], status = 0;
    ssize_t n;
    pid_t pid;

    snprintf(name, sizeof(name), "kemu-test-%d", (int)getpid());
    snprintf(path, sizeof(path), "/run/netns/%s", name);
    snprintf(add, sizeof(add), "ip netns add %s", name);
    snprintf(del, sizeof(del), "ip netns del %s", name);
    CU_ASSERT_EQUAL_FATAL(system(add), 0);
    CU_ASSERT_EQUAL_FATAL(pipe(pipefd), 0);
    pid = fork();
    if (pid == 0) {
        close(pipefd[0]);
        report_fd = pipefd[1];
        body(path);
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

static void test_tap_in_netns(void)
{
    run_in_netns(child_body);
}

static void test_tap_multiqueue(void)
{
    run_in_netns(child_mq_body);
}

static void test_tap_vhost(void)
{
    run_in_netns(child_vhost_body);
}

static const UnitTest net_tap_tests[] = {
    UNIT_TEST(test_tap_in_netns),
    UNIT_TEST(test_tap_multiqueue),
    UNIT_TEST(test_tap_vhost),
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
