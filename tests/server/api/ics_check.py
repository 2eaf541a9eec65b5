#!/usr/bin/python3
"""Reads a calendar feed with Debian's python3-icalendar (an implementation independent of
TaskLedger's) and prints what it understood as JSON, for dashboard_test.cpp to check.

    /usr/bin/python3 tests/server/ics_check.py feed.ics
"""
import json
import sys

from icalendar import Calendar


def main(path):
    with open(path, "rb") as f:
        cal = Calendar.from_ical(f.read())
    out = {
        "name": str(cal.get("X-WR-CALNAME", "")),
        "version": str(cal.get("VERSION", "")),
        "timezones": [str(tz.get("TZID")) for tz in cal.walk("VTIMEZONE")],
        "events": [],
    }
    for ev in cal.walk("VEVENT"):
        start = ev.decoded("DTSTART")
        end = ev.decoded("DTEND")
        out["events"].append({
            "uid": str(ev.get("UID")),
            "start": start.isoformat(),
            "end": end.isoformat(),
            "all_day": not hasattr(start, "hour"),
            "summary": str(ev.get("SUMMARY")),
            "description": str(ev.get("DESCRIPTION")),
            "sequence": int(ev.get("SEQUENCE", 0)),
            "alarms": [int(a.decoded("TRIGGER").total_seconds()) for a in ev.walk("VALARM")],
        })
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1])
