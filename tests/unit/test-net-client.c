/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -netdev / -nic / -object filter-dump option handling: the one-line
 * errors users see (unknown type, missing or duplicate id, an invalid
 * parameter or value), nothing left behind by a failed option, the -nic
 * NICs handed to the board, and `-netdev help`.
 */
#include "util/osdep.h"
#include "tests/unit/test-net-fake.h"
#include <fcntl.h>
#include <sys/socket.h>

typedef struct Fixture {
    MainLoop *ml;
    NetState *ns;
} Fixture;

static void fixture_init(Fixture *fx)
{
    fx->ml = main_loop_new();
    fx->ns = net_state_new(fx->ml);
}

static void fixture_fini(Fixture *fx)
{
    net_state_free(fx->ns);
    main_loop_free(fx->ml);
}

/* @arg fails with exactly @msg and creates nothing. */
static void expect_error(Fixture *fx, const char *arg, bool is_netdev,
                         const char *msg)
{
    g_autofree char *err = net_test_init(fx->ns, arg, is_netdev);
    GString *info = g_string_new("");

    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    if (strcmp(err, msg)) {
        fprintf(stderr, "\n  got:    %s\n  wanted: %s\n", err, msg);
    }
    CU_ASSERT_STRING_EQUAL(err, msg);
    net_print_info(fx->ns, info);
    CU_ASSERT_STRING_EQUAL(info->str, "");
    g_string_free(info, true);
}

static void test_netdev_errors(void)
{
    Fixture fx;

    fixture_init(&fx);
    expect_error(&fx, "foo,id=x", true,
                 "-netdev foo: unknown netdev type 'foo' (use user, tap, "
                 "socket or hubport)");
    expect_error(&fx, "user", true, "-netdev user: Parameter 'id' is missing");
    expect_error(&fx, "user,id=n0,foo=1", true,
                 "-netdev user: invalid parameter 'foo'");
    expect_error(&fx, "user,id=0bad", true,
                 "-netdev user: invalid id '0bad' (use a letter, then "
                 "letters, digits, '-', '.' or '_')");
    expect_error(&fx, "user,id=n0,restrict=maybe", true,
                 "-netdev user: invalid boolean 'maybe' for 'restrict' (use "
                 "on or off)");
    expect_error(&fx, "user,id=n0,net=10.0.2.0/33", true,
                 "-netdev user: invalid netmask '/33' for 'net' (use 1 to 30 "
                 "bits)");
    expect_error(&fx, "user,id=n0,dhcpstart=10.0.3.15", true,
                 "-netdev user: 'dhcpstart' address 10.0.3.15 is not a host "
                 "address in the guest network");
    expect_error(&fx, "user,id=n0,hostfwd=tcp:5555:22", true,
                 "-netdev user: invalid host forwarding rule 'tcp:5555:22' "
                 "(use [tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport)");
    expect_error(&fx, "user,id=n0,ipv4=off,ipv6=off", true,
                 "-netdev user: ipv4=off and ipv6=off leave no network");
    expect_error(&fx, "tap,id=t0,script=/etc/kemu-ifup", true,
                 "-netdev tap: script='/etc/kemu-ifup' is not supported: kemu "
                 "runs no scripts (use script=no,downscript=no and set the "
                 "interface up beforehand)");
    expect_error(&fx, "tap,id=t0,fd=3,ifname=x", true,
                 "-netdev tap: ifname=, script=, downscript=, vnet_hdr=, "
                 "queues= and fds= can't be used with fd=");
    expect_error(&fx, "tap,id=t0,ifname=averyveryverylongname", true,
                 "-netdev tap: ifname 'averyveryverylongname' is too long (at "
                 "most 15 characters)");
    expect_error(&fx, "socket,id=s0", true,
                 "-netdev socket: exactly one of fd=, listen= and connect= "
                 "is needed");
    expect_error(&fx, "socket,id=s0,fd=9999", true,
                 "-netdev socket: fd=9999 is not an open file descriptor");
    expect_error(&fx, "socket,id=s0,listen=nocolon", true,
                 "-netdev socket: invalid listen address 'nocolon' (use "
                 "HOST:PORT)");
    expect_error(&fx, "hubport,id=h0", true,
                 "-netdev hubport: Parameter 'hubid' is missing");
    expect_error(&fx, "hubport,id=h0,hubid=0,netdev=none", true,
                 "-netdev hubport: netdev 'none' not found");
    fixture_fini(&fx);
}

/* Each of @fmt's "%d" is @fd; @msg likewise. */
static void expect_error_fd(Fixture *fx, const char *fmt, const char *msg,
                            int fd)
{
    g_autofree char *arg = g_strdup_printf(fmt, fd, fd, fd);
    g_autofree char *want = g_strdup_printf(msg, fd, fd, fd);

    expect_error(fx, arg, true, want);
}

/*
 * tap's queues=, fds= and vhost options: every mistake is one line and
 * opens nothing (no tap is made: these fail before /dev/net/tun).
 */
static void test_tap_mq_vhost_errors(void)
{
    Fixture fx;
    int p[2];

    CU_ASSERT_EQUAL_FATAL(pipe(p), 0);
    fixture_init(&fx);
    expect_error(&fx, "tap,id=t0,fd=3,queues=2", true,
                 "-netdev tap: ifname=, script=, downscript=, vnet_hdr=, "
                 "queues= and fds= can't be used with fd=");
    expect_error(&fx, "tap,id=t0,fds=3:4,queues=2", true,
                 "-netdev tap: ifname=, script=, downscript=, vnet_hdr=, "
                 "queues= and vhostfd= can't be used with fds= (the queues "
                 "are the fds; use vhostfds=)");
    expect_error(&fx, "tap,id=t0,fds=3:4,vhostfd=5", true,
                 "-netdev tap: ifname=, script=, downscript=, vnet_hdr=, "
                 "queues= and vhostfd= can't be used with fds= (the queues "
                 "are the fds; use vhostfds=)");
    expect_error_fd(&fx, "tap,id=t0,fds=%d:x",
                    "-netdev tap: fds='%d:x': 'x' is not a file descriptor "
                    "number (expected N:N:...)",
                    p[0]);
    expect_error_fd(&fx, "tap,id=t0,fds=%d::%d",
                    "-netdev tap: fds='%d::%d': '' is not a file descriptor "
                    "number (expected N:N:...)",
                    p[0]);
    expect_error(&fx, "tap,id=t0,fds=-1", true,
                 "-netdev tap: fds='-1': '-1' is not a file descriptor "
                 "number (expected N:N:...)");
    expect_error_fd(&fx, "tap,id=t0,fds=%d:9999",
                    "-netdev tap: fds='%d:9999': 9999 is not an open file "
                    "descriptor",
                    p[0]);
    expect_error_fd(&fx, "tap,id=t0,fds=%d:%d",
                    "-netdev tap: fds='%d:%d': fd %d is given twice", p[0]);
    expect_error_fd(&fx, "tap,id=t0,fds=%d",
                    "-netdev tap: fd %d is not a tap device", p[0]);
    expect_error_fd(&fx, "tap,id=t0,fd=%d",
                    "-netdev tap: fd %d is not a tap device", p[0]);
    expect_error(&fx, "tap,id=t0,queues=0", true,
                 "-netdev tap: queues=0 is out of range (1 to 1024)");
    expect_error(&fx, "tap,id=t0,queues=1025", true,
                 "-netdev tap: queues=1025 is out of range (1 to 1024)");
    expect_error(&fx, "tap,id=t0,vhostfds=3", true,
                 "-netdev tap: vhostfds= needs fds= (use vhostfd= with one "
                 "queue)");
    expect_error(&fx, "tap,id=t0,queues=2,vhostfd=3", true,
                 "-netdev tap: vhostfd= is for one queue; with queues= above "
                 "1 let kemu open /dev/vhost-net, or pass fds= and "
                 "vhostfds=");
    expect_error(&fx, "tap,id=t0,vhost=off,vhostfd=3", true,
                 "-netdev tap: vhostfd= and vhostfds= are not valid with "
                 "vhost=off");
    expect_error_fd(&fx, "tap,id=t0,vhost=on,vhostfd=9999",
                    "-netdev tap: vhostfd=9999 is not an open file "
                    "descriptor",
                    0);
    {
        g_autofree char *arg = g_strdup_printf(
            "tap,id=t0,fds=%d:%d,vhostfds=%d", p[0], p[1], p[0]);

        expect_error(&fx, arg, true,
                     "-netdev tap: 1 vhostfds for 2 fds (one vhost fd per "
                     "queue)");
    }
    /* Hubs, user and socket have one queue. */
    expect_error(&fx, "user,id=u0,queues=2", true,
                 "-netdev user: invalid parameter 'queues'");
    expect_error(&fx, "socket,id=s0,listen=:0,queues=2", true,
                 "-netdev socket: invalid parameter 'queues'");
    expect_error(&fx, "hubport,id=h0,hubid=0,queues=2", true,
                 "-netdev hubport: invalid parameter 'queues'");
    /* The pipe is still ours: a failed option closes no fd it was given. */
    CU_ASSERT_EQUAL(fcntl(p[0], F_GETFD), 0);
    fixture_fini(&fx);
    close(p[0]);
    close(p[1]);
}

static void test_netdev_duplicate(void)
{
    Fixture fx;
    g_autofree char *err = NULL;

    fixture_init(&fx);
    CU_ASSERT_PTR_NULL(net_test_init(fx.ns, "hubport,id=h0,hubid=0", true));
    err = net_test_init(fx.ns, "user,id=h0", true);
    CU_ASSERT_STRING_EQUAL(err, "-netdev user: duplicate netdev id 'h0'");
    CU_ASSERT_EQUAL(qemu_find_netdev(fx.ns, "h0")->info->type,
                    NET_CLIENT_DRIVER_HUBPORT);
    fixture_fini(&fx);
}

static void test_user_options(void)
{
    Fixture fx;
    g_autofree char *e1 = NULL, *e2 = NULL;

    fixture_init(&fx);
    CU_ASSERT_PTR_NULL(net_test_init(
        fx.ns,
        "user,id=u0,net=192.168.76.0/24,host=192.168.76.2,"
        "dhcpstart=192.168.76.9,dns=192.168.76.3,hostname=kemu,"
        "domainname=example.test,dnssearch=a.test,dnssearch=b.test,"
        "restrict=off,ipv6=on,ipv6-net=fd00::/64,"
        "guestfwd=tcp:192.168.76.100:1234-cmd:cat,"
        "hostfwd=udp:127.0.0.1:0-:53",
        true));
    CU_ASSERT_STRING_EQUAL(qemu_find_netdev(fx.ns, "u0")->info_str,
                           "net=192.168.76.0,restrict=off");
    /* No mask: QEMU's classful guess, here /8. */
    CU_ASSERT_PTR_NULL(net_test_init(fx.ns, "user,id=u1,net=10.0.0.0", true));
    e1 =
        net_test_init(fx.ns, "user,id=u2,guestfwd=tcp:10.0.2.100:1-chr0", true);
    CU_ASSERT_STRING_EQUAL(e1, "-netdev user: guestfwd rule "
                               "'tcp:10.0.2.100:1-chr0': only forwarding to "
                               "a command is supported "
                               "(tcp:[server]:port-cmd:COMMAND)");
    e2 = net_test_init(fx.ns, "user,id=u3,host=10.0.2.3", true);
    CU_ASSERT_STRING_EQUAL(e2, "-netdev user: host, dns and dhcpstart must "
                               "be different addresses");
    fixture_fini(&fx);
}

static void test_socket_fd_not_stream(void)
{
    Fixture fx;
    int sv[2];
    g_autofree char *arg = NULL, *err = NULL, *want = NULL;

    fixture_init(&fx);
    CU_ASSERT_EQUAL_FATAL(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
    arg = g_strdup_printf("socket,id=s0,fd=%d", sv[0]);
    want = g_strdup_printf("-netdev socket: fd=%d is not a stream socket "
                           "(datagram sockets are not supported)",
                           sv[0]);
    err = net_test_init(fx.ns, arg, true);
    CU_ASSERT_STRING_EQUAL(err, want);
    close(sv[0]);
    close(sv[1]);
    fixture_fini(&fx);
}

static void test_nic_option(void)
{
    Fixture fx;
    GList *nics;
    NetPendingNic *p;
    g_autofree char *err = NULL;

    fixture_init(&fx);
    CU_ASSERT_PTR_NULL(net_test_init(
        fx.ns, "user,model=e1000,mac=52:54:00:12:34:99,restrict=on", false));
    CU_ASSERT_PTR_NULL(net_test_init(fx.ns, "hubport,hubid=3,id=hp", false));
    err = net_test_init(fx.ns, "user,mac=52:54:00:12:34", false);
    CU_ASSERT_STRING_EQUAL(err, "-nic user: invalid MAC address "
                                "'52:54:00:12:34' (expected a MAC address "
                                "such as 52:54:00:12:34:56)");
    CU_ASSERT_FALSE(net_state_nic_none(fx.ns));
    CU_ASSERT_PTR_NULL(net_test_init(fx.ns, "none", false));
    CU_ASSERT_TRUE(net_state_nic_none(fx.ns));

    nics = net_state_take_pending_nics(fx.ns);
    CU_ASSERT_EQUAL_FATAL(g_list_length(nics), 2);
    p = nics->data;
    CU_ASSERT_STRING_EQUAL(p->model, "e1000");
    CU_ASSERT_STRING_EQUAL(p->mac, "52:54:00:12:34:99");
    CU_ASSERT_PTR_NOT_NULL(qemu_find_netdev(fx.ns, p->netdev));
    CU_ASSERT_EQUAL(qemu_find_netdev(fx.ns, p->netdev)->info->type,
                    NET_CLIENT_DRIVER_USER);
    p = nics->next->data;
    CU_ASSERT_PTR_NULL(p->model);
    CU_ASSERT_PTR_NULL(p->mac);
    CU_ASSERT_STRING_EQUAL(p->netdev, "hp");
    g_list_free_full(nics, net_pending_nic_free);
    CU_ASSERT_PTR_NULL(net_state_take_pending_nics(fx.ns));
    fixture_fini(&fx);
}

static char *object_add(NetState *ns, const char *arg)
{
    Error *err = NULL;
    KemuOpts *opts = kemu_opts_parse("-object", arg, "qom-type", &err);
    char *msg = NULL;

    if (opts) {
        net_object_add(ns, opts, &err);
        kemu_opts_free(opts);
    }
    if (err) {
        msg = g_strdup(error_get_pretty(err));
        error_free(err);
    }
    return msg;
}

static void test_object_errors(void)
{
    Fixture fx;
    g_autofree char *e1 = NULL, *e2 = NULL, *e3 = NULL, *e4 = NULL;

    fixture_init(&fx);
    fake_backend_new(fx.ns, "n0");
    e1 = object_add(fx.ns, "filter-dump,id=f0,netdev=n9,file=/tmp/x.pcap");
    CU_ASSERT_STRING_EQUAL(e1, "-object filter-dump: netdev 'n9' not found");
    e2 = object_add(fx.ns, "filter-dump,id=f0,netdev=n0");
    CU_ASSERT_STRING_EQUAL(e2,
                           "-object filter-dump: Parameter 'file' is missing");
    e3 = object_add(fx.ns, "filter-dump,id=f0,netdev=n0,file=/x,bogus=1");
    CU_ASSERT_STRING_EQUAL(e3,
                           "-object filter-dump: invalid parameter 'bogus'");
    e4 = object_add(fx.ns,
                    "filter-dump,id=f0,netdev=n0,file=/nonexistent/d/x.pcap");
    CU_ASSERT_STRING_EQUAL(e4, "filter-dump f0: can't open "
                               "'/nonexistent/d/x.pcap': No such file or "
                               "directory");
    fixture_fini(&fx);
}

static void test_help_and_info(void)
{
    Fixture fx;
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    GString *info = g_string_new("");
    FakeNic *nic;

    net_print_help(out);
    fclose(out);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "Available netdev backend types:"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "  user "));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "  tap "));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "  socket "));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "  hubport "));
    free(buf);

    fixture_init(&fx);
    CU_ASSERT_PTR_NULL(net_test_init(fx.ns, "user,id=u0,restrict=on", true));
    nic = fake_nic_new(qemu_find_netdev(fx.ns, "u0"), NULL);
    qemu_format_nic_info_str(nic->nc,
                             (const uint8_t *)"\x52\x54\0\x12\x34\x56");
    net_state_check_clients(fx.ns);
    net_print_info(fx.ns, info);
    CU_ASSERT_STRING_EQUAL(info->str,
                           "fake.0: index=0,type=nic,model=fake,macaddr="
                           "52:54:00:12:34:56\n"
                           " \\ u0: index=0,type=user,net=10.0.2.0,"
                           "restrict=on\n");
    g_string_free(info, true);
    fake_nic_free(nic);
    fixture_fini(&fx);
}

UNIT_SUITE(net_client, NULL, NULL, UNIT_TEST(test_netdev_errors),
           UNIT_TEST(test_tap_mq_vhost_errors),
           UNIT_TEST(test_netdev_duplicate), UNIT_TEST(test_user_options),
           UNIT_TEST(test_socket_fd_not_stream), UNIT_TEST(test_nic_option),
           UNIT_TEST(test_object_errors), UNIT_TEST(test_help_and_info));
