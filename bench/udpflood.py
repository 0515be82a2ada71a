#!/usr/bin/env python3
"""The UDP side of bench/udpflood.sh (lab use only, inside the lab's namespaces).

  udpflood.py echo PORT COUNT_FILE MAX_SECONDS
      A UDP echo server on 0.0.0.0:PORT (the real servers of the NAT lab answer through the director, so
      0.0.0.0 is right): sends every datagram back to its sender; every second writes "received sent" to
      COUNT_FILE; exits after MAX_SECONDS (or on SIGTERM).

  udpflood.py client VIP PORT SECONDS STEADY_PER_S FRESH_PER_S TIMEOUT_S OUT_FILE
      The legitimate clients, for SECONDS: (a) "steady": one socket, one source port for the whole run,
      STEADY_PER_S requests a second (its connection entry exists before a flood starts); (b) "fresh": a
      new socket (a fresh ephemeral source port, so a new connection entry) for every request, FRESH_PER_S
      a second. A request is one datagram with a sequence number; it succeeds when the same payload comes
      back within TIMEOUT_S. Writes one line per request to OUT_FILE when it is settled:
      "kind epoch_sent ok rtt_ms" (rtt_ms is - when lost).
"""
import os
import selectors
import signal
import socket
import sys
import time


def echo(port, count_file, max_seconds):
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind(("0.0.0.0", port))
    s.settimeout(0.2)
    received = sent = 0
    end = time.monotonic() + max_seconds
    next_write = time.monotonic() + 1

    def write():
        with open(count_file + ".tmp", "w") as f:
            f.write(f"{received} {sent}\n")
        os.replace(count_file + ".tmp", count_file)

    try:
        while time.monotonic() < end:
            try:
                data, addr = s.recvfrom(2048)
            except socket.timeout:
                data = None
            if data is not None:
                received += 1
                try:
                    s.sendto(data, addr)
                    sent += 1
                except OSError:
                    pass
            if time.monotonic() >= next_write:
                write()
                next_write += 1
    finally:
        write()


def client(vip, port, seconds, steady_per_s, fresh_per_s, timeout_s, out_file):
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    sel = selectors.DefaultSelector()
    steady = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    steady.bind(("0.0.0.0", 0))
    steady.setblocking(False)
    sel.register(steady, selectors.EVENT_READ, "steady")
    pending_steady = {}  # payload -> (epoch, monotonic)
    pending_fresh = {}   # socket -> (payload, epoch, monotonic)
    out = open(out_file, "w", buffering=1)
    seq = 0
    start = time.monotonic()
    end = start + seconds
    next_steady = next_fresh = start
    steady_gap = 1.0 / steady_per_s if steady_per_s > 0 else None
    fresh_gap = 1.0 / fresh_per_s if fresh_per_s > 0 else None

    def settle(kind, epoch, sent_at, ok, now):
        rtt = f"{(now - sent_at) * 1000:.3f}" if ok else "-"
        out.write(f"{kind} {epoch:.3f} {1 if ok else 0} {rtt}\n")

    try:
        while True:
            now = time.monotonic()
            if now >= end and not pending_steady and not pending_fresh:
                break
            if now < end and steady_gap and now >= next_steady:
                seq += 1
                payload = b"S%d" % seq
                try:
                    steady.sendto(payload, (vip, port))
                except OSError:
                    pass
                pending_steady[payload] = (time.time(), now)
                next_steady += steady_gap
            if now < end and fresh_gap and now >= next_fresh:
                seq += 1
                payload = b"F%d" % seq
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.setblocking(False)
                try:
                    s.sendto(payload, (vip, port))
                except OSError:
                    pass
                sel.register(s, selectors.EVENT_READ, "fresh")
                pending_fresh[s] = (payload, time.time(), now)
                next_fresh += fresh_gap
            wake = end if now < end else now + timeout_s
            if now < end:
                if steady_gap:
                    wake = min(wake, next_steady)
                if fresh_gap:
                    wake = min(wake, next_fresh)
            for _, (epoch, sent_at) in list(pending_steady.items())[:1]:
                wake = min(wake, sent_at + timeout_s)
            for (_, epoch, sent_at) in pending_fresh.values():
                wake = min(wake, sent_at + timeout_s)
            for key, _ in sel.select(max(0.0, wake - time.monotonic())):
                now = time.monotonic()
                while True:
                    try:
                        data = key.fileobj.recv(2048)
                    except (BlockingIOError, ConnectionRefusedError, OSError):
                        break
                    if key.data == "steady":
                        p = pending_steady.pop(data, None)
                        if p:
                            settle("steady", p[0], p[1], True, now)
                    else:
                        p = pending_fresh.get(key.fileobj)
                        if p and data == p[0]:
                            del pending_fresh[key.fileobj]
                            sel.unregister(key.fileobj)
                            key.fileobj.close()
                            settle("fresh", p[1], p[2], True, now)
                            break
            now = time.monotonic()
            for payload, (epoch, sent_at) in list(pending_steady.items()):
                if now - sent_at >= timeout_s:
                    del pending_steady[payload]
                    settle("steady", epoch, sent_at, False, now)
            for s, (payload, epoch, sent_at) in list(pending_fresh.items()):
                if now - sent_at >= timeout_s:
                    del pending_fresh[s]
                    sel.unregister(s)
                    s.close()
                    settle("fresh", epoch, sent_at, False, now)
    finally:
        out.close()


def main(argv):
    if len(argv) == 5 and argv[1] == "echo":
        echo(int(argv[2]), argv[3], min(float(argv[4]), 3600))
    elif len(argv) == 9 and argv[1] == "client":
        client(argv[2], int(argv[3]), min(float(argv[4]), 3600), float(argv[5]), float(argv[6]),
               float(argv[7]), argv[8])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
