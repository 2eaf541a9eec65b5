#!/usr/bin/env python3
"""The SMTP server the email tests send to: Debian's aiosmtpd on 127.0.0.1, a free port.

    smtp_sink.py DIR

Prints "listening on PORT" once it accepts connections, then serves until stdin closes. Every
message accepted is written to DIR/NNNN.eml exactly as received, and its envelope (from, rcpt)
to DIR/NNNN.json. How it answers is read from DIR/control.json at each command, so a test can
change it while the server runs:
    {"data": [451, 451]}        answer DATA with these codes first, one per message, then 250
    {"rcpt": {"a@b.vn": 550}}   refuse these recipients with the code given
    {"auth": {"user": "u", "password": "p"}}   require AUTH (PLAIN or LOGIN) with these
The envelope records the login a message was sent under ("auth"), if any.
"""
import json
import os
import socket
import sys
import threading
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

warnings.filterwarnings("ignore", category=DeprecationWarning)  # aiosmtpd 1.4's own login_data
directory = sys.argv[1]
lock = threading.Lock()


def control():
    try:
        with open(os.path.join(directory, "control.json"), encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def authenticator(server, session, envelope, mechanism, auth_data):
    want = control().get("auth")
    ok = (want is not None and isinstance(auth_data, LoginPassword)
          and auth_data.login.decode() == want["user"] and auth_data.password.decode() == want["password"])
    return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


class Handler:
    def __init__(self):
        self.count = 0
        self.data_failures = 0

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if control().get("auth") and not session.authenticated:
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        code = control().get("rcpt", {}).get(address.lower())
        if code:
            return f"{code} {'try again later' if code < 500 else 'no such mailbox here'}"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with lock:
            failures = control().get("data", [])
            if self.data_failures < len(failures):
                code = failures[self.data_failures]
                self.data_failures += 1
                return f"{code} {'mailbox busy, try again later' if code < 500 else 'rejected'}"
            self.count += 1
            stem = os.path.join(directory, f"{self.count:04d}")
        with open(stem + ".eml", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(stem + ".json", "w", encoding="utf-8") as f:
            login = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None
            json.dump({"from": envelope.mail_from, "rcpt": envelope.rcpt_tos, "auth": login}, f)
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# aiosmtpd 1.4's Controller cannot take port 0 (it connects to its own port to see it is up):
# ask the system for a free one, and try again should another process take it meanwhile.
for attempt in range(10):
    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port, decode_data=False,
                            authenticator=authenticator, auth_require_tls=False)
    try:
        controller.start()
        break
    except Exception:
        if attempt == 9:
            raise
print(f"listening on {port}", flush=True)
try:
    sys.stdin.read()
finally:
    controller.stop()
