#!/usr/bin/env python3
"""Reads a mail as a mail client would, with Python's own email package (an independent reader of
what TaskLedger built with GMime), and prints what a test checks, as JSON:

    read_mail.py FILE.eml

{"headers": {name: [decoded values]}, "subject": "...", "content_type": "multipart/alternative",
 "parts": [{"type": "text/plain", "charset": "utf-8", "text": "..."}, ...], "defects": [...]}
"""
import email
import email.policy
import json
import sys

with open(sys.argv[1], "rb") as f:
    raw = f.read()
message = email.message_from_bytes(raw, policy=email.policy.default)
headers = {}
for name, value in message.items():
    headers.setdefault(name.lower(), []).append(str(value))
parts = []
for part in message.walk():
    if part.is_multipart():
        continue
    parts.append({"type": part.get_content_type(), "charset": part.get_content_charset(),
                  "encoding": part.get("Content-Transfer-Encoding", ""),
                  "text": part.get_content()})
defects = [type(d).__name__ for d in message.defects]
for part in message.walk():
    defects += [type(d).__name__ for d in part.defects]
print(json.dumps({"headers": headers, "subject": str(message["subject"]),
                  "raw_subject": raw.split(b"\r\nSubject: ", 1)[-1].split(b"\r\n", 1)[0].decode("ascii"),
                  "content_type": message.get_content_type(), "parts": parts,
                  "crlf": b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b""),
                  "defects": defects}, ensure_ascii=False))
