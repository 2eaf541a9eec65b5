#!/usr/bin/env python3
"""The email benchmark's relay: a minimal SMTP server (asyncio, standard library only) that
accepts every message, notes when it arrived and for whom, and when it has --expect messages (or
--timeout-s passes) prints how fast they came and how late they were against the instant they
were due (--due-file: that instant in this machine's wall-clock ms, written once the server's
clock is known). Lighter than aiosmtpd, so the figures are the server's, not the sink's.

  smtp_sink.py --expect 10000 --port-file P --due-file D
"""
import argparse
import asyncio
import os
import sys
import time

arrivals = []  # (wall ms, recipient)
done = None  # set in main()


def now_ms():
    return time.time() * 1000.0


async def session(reader, writer):
    write = writer.write
    write(b"220 bench-sink ESMTP\r\n")
    rcpt = ""
    try:
        while True:
            line = await reader.readline()
            if not line:
                break
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                write(b"250-bench-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n")
            elif verb == b"RCPT":
                rcpt = line[line.find(b"<") + 1:line.rfind(b">")].decode("ascii", "replace")
                write(b"250 OK\r\n")
            elif verb == b"DATA":
                write(b"354 End with <CRLF>.<CRLF>\r\n")
                await writer.drain()
                await reader.readuntil(b"\r\n.\r\n")
                arrivals.append((now_ms(), rcpt))
                write(b"250 OK queued\r\n")
                if len(arrivals) >= args.expect:
                    done.set()
            elif verb == b"QUIT":
                write(b"221 Bye\r\n")
                await writer.drain()
                break
            else:  # MAIL, RSET, NOOP
                write(b"250 OK\r\n")
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, int(round(p / 100.0 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def report():
    n = len(arrivals)
    print(f"received {n} of {args.expect} messages, {len({r for _, r in arrivals})} recipients")
    if n == 0:
        return
    first, last = arrivals[0][0], arrivals[-1][0]
    if n > 1 and last > first:
        print(f"  first to last: {(last - first) / 1000:.2f} s, {(n - 1) / ((last - first) / 1000):.0f} messages/s")
    try:
        due = float(open(args.due_file).read().strip()) if args.due_file else None
    except OSError:
        due = None
    if due is not None:
        delays = sorted((t - due) / 1000.0 for t, _ in arrivals)
        print(f"  from the due instant to the last: {(last - due) / 1000:.2f} s, "
              f"{n / max(1e-9, (last - due) / 1000):.0f} messages/s overall")
        print("  delay after due (s): p50 {:.2f}  p90 {:.2f}  p99 {:.2f}  max {:.2f}".format(
            percentile(delays, 50), percentile(delays, 90), percentile(delays, 99), delays[-1]))


async def main():
    server = await asyncio.start_server(session, "127.0.0.1", 0, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(port))
    os.replace(args.port_file + ".tmp", args.port_file)
    try:
        await asyncio.wait_for(done.wait(), timeout=args.timeout_s)
    except asyncio.TimeoutError:
        print("timed out", file=sys.stderr)
    report()
    sys.stdout.flush()
    os._exit(0)  # the sessions still open end with the process, without a word


parser = argparse.ArgumentParser()
parser.add_argument("--expect", type=int, required=True)
parser.add_argument("--port-file", required=True)
parser.add_argument("--due-file")
parser.add_argument("--timeout-s", type=float, default=600)
args = parser.parse_args()
done = asyncio.Event()
asyncio.run(main())
