#!/usr/bin/env python3
"""A TaskLedger webhook receiver to run as is or adapt: it checks each notification's signature
(Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature), refuses replays older than
five minutes, answers a repeated webhook-id once only (TaskLedger delivers at least once), and
hands each new notification to `handle()`: here it prints a line and appends the body to a
JSON Lines file.

    TASKLEDGER_WEBHOOK_SECRET=whsec_... python3 receiver.py --listen 0.0.0.0:9000 --out notifications.jsonl

Python 3 standard library only. Answer 2xx quickly: anything else, or no answer within 15 s,
makes TaskLedger retry later with the same webhook-id.
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE_S = 5 * 60
MAX_BODY = 1 << 20


def secret_key(secret: str) -> bytes:
    """The key bytes behind a "whsec_" + base64 secret."""
    if secret.startswith("whsec_"):
        secret = secret[len("whsec_"):]
    return base64.b64decode(secret, validate=True)


def sign(key: bytes, msg_id: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def verify(key: bytes, msg_id: str, timestamp: str, body: bytes, signature_header: str,
           now: float | None = None) -> bool:
    """True when one of the header's "v1," signatures matches and the timestamp is recent."""
    try:
        ts = int(timestamp)
    except ValueError:
        return False
    now = time.time() if now is None else now
    if abs(now - ts) > TOLERANCE_S:
        return False
    expected = sign(key, msg_id, ts, body)
    # During a secret rotation the header carries one signature per secret.
    return any(hmac.compare_digest(expected, s) for s in signature_header.split(" "))


class Seen:
    """webhook-ids already handled. Kept in memory for the example: a real receiver keeps them
    where it keeps what it does with the notifications, in the same transaction."""

    def __init__(self, limit: int = 100_000):
        self._ids: dict[str, None] = {}
        self._limit = limit
        self._lock = threading.Lock()

    def first_time(self, msg_id: str) -> bool:
        with self._lock:
            if msg_id in self._ids:
                return False
            self._ids[msg_id] = None
            if len(self._ids) > self._limit:
                self._ids.pop(next(iter(self._ids)))
            return True


def handle(notification: dict, out_path: str | None) -> None:
    """Do something with a notification: this is the part to adapt."""
    data = notification.get("data", {})
    task = data.get("task", {})
    print(f"{notification.get('type')}: {task.get('id', '')} {task.get('title', '')} "
          f"(due {data.get('due', '-')}, days left {data.get('days_left', '-')})", flush=True)
    if out_path:
        with open(out_path, "a", encoding="utf-8") as f:
            f.write(json.dumps(notification, ensure_ascii=False) + "\n")


def make_handler(key: bytes, seen: Seen, out_path: str | None):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                return self._answer(413, "too large")
            body = self.rfile.read(length)
            msg_id = self.headers.get("webhook-id", "")
            if not verify(key, msg_id, self.headers.get("webhook-timestamp", ""), body,
                          self.headers.get("webhook-signature", "")):
                return self._answer(401, "bad signature")
            if not seen.first_time(msg_id):
                return self._answer(200, "already handled")
            try:
                notification = json.loads(body)
            except ValueError:
                return self._answer(400, "not JSON")
            handle(notification, out_path)
            self._answer(204, "")

        def _answer(self, status: int, text: str):
            payload = text.encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, fmt, *args):  # the default logs every request to stderr
            pass

    return Handler


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--listen", default="127.0.0.1:9000", help="HOST:PORT")
    parser.add_argument("--out", help="append each notification to this JSON Lines file")
    args = parser.parse_args()
    secret = os.environ.get("TASKLEDGER_WEBHOOK_SECRET")
    if not secret:
        print("set TASKLEDGER_WEBHOOK_SECRET to the whsec_... secret shown when the webhook was created",
              file=sys.stderr)
        return 2
    host, _, port = args.listen.rpartition(":")
    server = ThreadingHTTPServer((host, int(port)), make_handler(secret_key(secret), Seen(), args.out))
    print(f"listening on {host}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
