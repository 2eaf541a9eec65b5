#!/usr/bin/env python3
"""Checks the example receiver: the Standard Webhooks test vector, replays, tampering, rotation,
and one real POST round trip with a duplicate. Run by ctest (python3, standard library only)."""
import base64
import http.client
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import receiver  # noqa: E402

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
TS = 1614265330
BODY = b'{"test": 2432232314}'
SIG = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

key = receiver.secret_key(SECRET)
assert receiver.sign(key, MSG_ID, TS, BODY) == SIG
assert receiver.verify(key, MSG_ID, str(TS), BODY, SIG, now=TS + 10)
assert not receiver.verify(key, MSG_ID, str(TS), BODY, SIG, now=TS + 301), "a replay"
assert not receiver.verify(key, MSG_ID, str(TS), BODY + b" ", SIG, now=TS)
assert not receiver.verify(key, "msg_other", str(TS), BODY, SIG, now=TS)
assert not receiver.verify(key, MSG_ID, "not a number", BODY, SIG, now=TS)
other = base64.b64encode(b"k" * 32)
assert receiver.verify(key, MSG_ID, str(TS), BODY,
                       receiver.sign(receiver.secret_key(other.decode()), MSG_ID, TS, BODY) + " " + SIG,
                       now=TS), "rotation: either signature"

# A real round trip: the receiver as a process, a signed POST, the same id again, a bad one.
env = dict(os.environ, TASKLEDGER_WEBHOOK_SECRET=SECRET)
out = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"receiver-test-{os.getpid()}.jsonl")
proc = subprocess.Popen([sys.executable, os.path.join(os.path.dirname(__file__), "receiver.py"),
                         "--listen", "127.0.0.1:0", "--out", out],
                        env=env, stdout=subprocess.PIPE, text=True)
try:
    port = int(proc.stdout.readline().strip().rsplit(":", 1)[1])
    body = json.dumps({"type": "task.deadline.approaching", "id": "msg_1",
                       "data": {"task": {"id": "hp:I.1", "title": "Rà soát đội ngũ"}, "days_left": 7}},
                      ensure_ascii=False).encode()

    def post(msg_id, payload, signature=None):
        ts = int(time.time())
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request("POST", "/", payload, {
            "webhook-id": msg_id, "webhook-timestamp": str(ts),
            "webhook-signature": signature or receiver.sign(key, msg_id, ts, payload),
            "Content-Type": "application/json"})
        status = c.getresponse().status
        c.close()
        return status

    assert post("msg_1", body) == 204
    assert post("msg_1", body) == 200, "a redelivery is acknowledged, not handled twice"
    assert post("msg_2", body, signature="v1,AAAA") == 401
    with open(out, encoding="utf-8") as f:
        lines = f.read().splitlines()
    assert len(lines) == 1, lines
    assert json.loads(lines[0])["data"]["task"]["title"] == "Rà soát đội ngũ"
finally:
    proc.terminate()
    proc.wait(timeout=10)
    if os.path.exists(out):
        os.remove(out)
print("receiver: all checks passed")
