#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# A QMP session driven by a script, as a management tool would drive QEMU:
#   tests/qtest/qmp-session.py BINARY
# Starts BINARY with a -qmp server socket and a -chardev/-mon one, talks to
# both over plain sockets with the standard json module, and checks the
# greeting, negotiation, replies, errors, events, reconnection, and `quit`
# ending the process with status 0.  Prints "qmp-session: OK" on success.

import json
import os
import socket
import subprocess
import sys
import tempfile
import time


class QMP:
    def __init__(self, path, timeout=20):
        deadline = time.time() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.settimeout(timeout)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.time() > deadline:
                    raise
                time.sleep(0.05)
        self.file = self.sock.makefile("rwb", buffering=0)
        self.events = []

    def recv(self):
        line = self.file.readline()
        if not line:
            raise EOFError("the emulator closed the connection")
        return json.loads(line)

    def send_raw(self, data):
        self.file.write(data)

    def cmd(self, name, args=None, cmd_id=None):
        msg = {"execute": name}
        if args is not None:
            msg["arguments"] = args
        if cmd_id is not None:
            msg["id"] = cmd_id
        self.send_raw(json.dumps(msg).encode() + b"\n")
        return self.response()

    def response(self):
        while True:
            msg = self.recv()
            if "event" in msg:
                self.events.append(msg)
            else:
                return msg

    def event(self, name):
        for i, ev in enumerate(self.events):
            if ev["event"] == name:
                return self.events.pop(i)
        while True:
            msg = self.recv()
            if msg.get("event") == name:
                return msg
            if "event" in msg:
                self.events.append(msg)

    def close(self):
        self.file.close()
        self.sock.close()


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def error_class(rsp):
    return rsp.get("error", {}).get("class")


def session(binary, tmp):
    qmp_path = os.path.join(tmp, "qmp.sock")
    mon_path = os.path.join(tmp, "mon.sock")
    proc = subprocess.Popen(
        [binary, "-display", "none", "-accel", "qtest", "-name", "scripted",
         "-qmp", "unix:%s,server=on,wait=off" % qmp_path,
         "-chardev", "socket,id=mon0,path=%s,server=on,wait=off" % mon_path,
         "-mon", "chardev=mon0,mode=control"],
        stdin=subprocess.DEVNULL)
    try:
        a = QMP(qmp_path)
        greeting = a.recv()
        check(greeting["QMP"]["capabilities"] == ["oob"], "greeting caps")
        check(set(greeting["QMP"]["version"]["qemu"]) ==
              {"major", "minor", "micro"}, "greeting version")

        rsp = a.cmd("query-status")
        check(error_class(rsp) == "CommandNotFound", "negotiation enforced")
        check(a.cmd("qmp_capabilities") == {"return": {}}, "negotiation")

        rsp = a.cmd("query-status", cmd_id="status-1")
        check(rsp["id"] == "status-1", "id echoed")
        check(rsp["return"]["status"] == "running", "running")
        check(rsp["return"]["running"] is True, "running flag")
        check(a.cmd("query-name")["return"] == {"name": "scripted"}, "name")
        names = [c["name"] for c in a.cmd("query-commands")["return"]]
        for name in ("qmp_capabilities", "query-status", "quit",
                     "device_add", "qom-get"):
            check(name in names, "query-commands has " + name)

        # Malformed input gets an error and the session goes on.
        a.send_raw(b"{]\n")
        check(error_class(a.response()) == "GenericError", "{]")
        a.send_raw(b"[1, 2]\n")
        check(a.response()["error"]["desc"] ==
              "QMP input must be a JSON object", "array")
        rsp = a.cmd("qom-get", {"path": "/machine"})
        check(rsp["error"]["desc"] == "Parameter 'property' is missing",
              "missing argument")
        rsp = a.cmd("no-such-command", cmd_id=7)
        check(error_class(rsp) == "CommandNotFound" and rsp["id"] == 7,
              "unknown command")

        # A second monitor: its own greeting and negotiation, same events.
        b = QMP(mon_path)
        check("QMP" in b.recv(), "second greeting")
        check(error_class(b.cmd("stop")) == "CommandNotFound",
              "second monitor negotiates on its own")
        check("return" in b.cmd("qmp_capabilities"), "second negotiation")

        check(a.cmd("stop") == {"return": {}}, "stop")
        ev = a.event("STOP")
        check(ev["timestamp"]["seconds"] > 0, "timestamp")
        b.event("STOP")
        check(b.cmd("query-status")["return"]["status"] == "paused",
              "paused")
        check(b.cmd("cont") == {"return": {}}, "cont")
        a.event("RESUME")
        b.event("RESUME")

        # A new connection is greeted and must negotiate again.
        a.close()
        a = QMP(qmp_path)
        check("QMP" in a.recv(), "greeting after reconnect")
        check(error_class(a.cmd("query-status")) == "CommandNotFound",
              "negotiation after reconnect")
        a.cmd("qmp_capabilities")

        hmp = a.cmd("human-monitor-command",
                    {"command-line": "info status"})["return"]
        check(hmp == "VM status: running\r\n", "info status: %r" % hmp)

        check(a.cmd("quit") == {"return": {}}, "quit")
        ev = a.event("SHUTDOWN")
        check(ev["data"] == {"guest": False, "reason": "host-qmp-quit"},
              "SHUTDOWN data")
        b.event("SHUTDOWN")
        status = proc.wait(timeout=20)
        check(status == 0, "exit status %d" % status)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def main():
    if len(sys.argv) != 2:
        print("usage: %s BINARY" % sys.argv[0], file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="qmp-session-") as tmp:
        session(sys.argv[1], tmp)
    print("qmp-session: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
