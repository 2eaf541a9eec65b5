#!/usr/bin/env python3
"""Writes server/api/doc/openapi.json, the OpenAPI 3.1 description of the v1 API.

Edit the tables here, run this script, commit both. The server embeds the JSON at build time and
serves it at GET /v1/openapi.json; tests/server/openapi_test.cpp fails when a route the server
answers is missing here (or the reverse).
"""
import json, os

P = lambda name, where, desc, schema=None, required=False: {
    "name": name, "in": where, "description": desc, "required": required or where == "path",
    "schema": schema or {"type": "string"}}
DATE = {"type": "string", "format": "date"}
TASK_ID = P("task", "path", "Task id, plan:code, e.g. hp-tieng-anh-2025:I.1")
PROBLEM = {"description": "A problem (RFC 9457)", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}

def ok(desc, schema=None, ctype="application/json"):
    r = {"description": desc}
    if schema is not None:
        r["content"] = {ctype: {"schema": schema}}
    return r

REF = lambda n: {"$ref": "#/components/schemas/" + n}
OBJ = {"type": "object"}

def command(summary, body_schema, desc="", roles="lead agency or coordinator"):
    return {
        "summary": summary,
        "description": (desc + " " if desc else "") + "Allowed: " + roles + ". Answered once the "
            "event is durable (fsync) and folded. If-Match: the task's ETag (412 if it changed). "
            "Idempotency-Key: a retry returns the first answer (200, Idempotent-Replayed) and appends nothing.",
        "parameters": [TASK_ID, P("If-Match", "header", "the task's version, from its ETag"),
                       P("Idempotency-Key", "header", "any string unique to this intent")],
        "requestBody": {"required": True, "content": {"application/json": {"schema": body_schema}}},
        "responses": {"201": ok("Recorded", REF("CommandResult")), "200": ok("Replayed", REF("CommandResult")),
                      "400": PROBLEM, "403": PROBLEM, "404": PROBLEM, "409": PROBLEM, "412": PROBLEM,
                      "422": PROBLEM, "429": PROBLEM}}

def body(props, required=()):
    return {"type": "object", "additionalProperties": False, "required": list(required),
            "properties": props}

S = {"type": "string"}
OCC = {"type": "string", "description": "occurrence key; may be left out when the task has one open occurrence"}
LIST = {"type": "array", "items": S}
PART = {"type": "string", "description": "the member (agency id) whose part of a group's task it acts on; an agency that sees the task through a group always acts on its own part"}

paths = {
 "/healthz": {"get": {"summary": "Liveness; no token needed", "security": [],
                      "responses": {"200": ok("Up", {"type": "object", "properties": {"status": S, "position": {"type": "integer"}}})}}},
 "/metrics": {"get": {"summary": "Prometheus metrics: requests, latency histogram, appends, log position, projection lag",
                      "responses": {"200": ok("Metrics", S, "text/plain")}}},
 "/v1/openapi.json": {"get": {"summary": "This document", "security": [], "responses": {"200": ok("OpenAPI 3.1", OBJ)}}},
 "/v1/agencies": {
   "get": {"summary": "Agencies", "responses": {"200": ok("Agencies", {"type": "object", "properties": {"items": {"type": "array", "items": REF("Agency")}}})}},
   "post": {"summary": "Register an agency (coordinator)",
            "requestBody": {"required": True, "content": {"application/json": {"schema": body(
                {"id": S, "name": S, "name_en": S, "kind": {"enum": ["department", "committee", "institution", "group"]},
                 "parent": S, "aliases": LIST, "members": LIST}, ["id", "name"])}}},
            "responses": {"201": ok("Registered", REF("CommandResult")), "400": PROBLEM, "403": PROBLEM, "409": PROBLEM}}},
 "/v1/agencies/{agency}": {"get": {"summary": "An agency", "parameters": [P("agency", "path", "agency id")],
                                   "responses": {"200": ok("Agency", REF("Agency")), "404": PROBLEM}},
                          "put": {"summary": "Replace an agency's record: name, kind, parent, aliases, a group's members (coordinator); recorded as agency.updated",
                                  "parameters": [P("agency", "path", "agency id")],
                                  "requestBody": {"required": True, "content": {"application/json": {"schema": body(
                                      {"id": {"type": "string", "description": "if given, must be the path's"}, "name": S, "name_en": S,
                                       "kind": {"enum": ["department", "committee", "institution", "group"]},
                                       "parent": S, "aliases": LIST, "members": LIST,
                                       "effective_on": {"type": "string", "format": "date", "description": "a group's members changed on this past day (not after today; needs a reason): those who joined hold their parts of its tasks from then"},
                                       "reason": S}, ["name"])}}},
                                  "responses": {"201": ok("Updated", REF("CommandResult")), "400": PROBLEM, "403": PROBLEM, "404": PROBLEM, "422": PROBLEM}}},
 "/v1/agencies/{agency}/tasks": {"get": {"summary": "Who owns what, due when: an agency's tasks by next due date",
     "description": "Tasks the agency leads or coordinates, directly or through a group, one line per task at its next due occurrence. Agencies may ask only for themselves.",
     "parameters": [P("agency", "path", "agency id")] + [],  # filled below
     "responses": {"200": ok("A page of tasks", REF("TaskPage")), "400": PROBLEM, "403": PROBLEM, "404": PROBLEM}}},
 "/v1/plans": {
   "get": {"summary": "Plans (an agency: those it has a task in)", "responses": {"200": ok("Plans", {"type": "object", "properties": {"items": {"type": "array", "items": REF("Plan")}}})}},
   "post": {"summary": "Create a plan (coordinator)",
            "requestBody": {"required": True, "content": {"application/json": {"schema": body(
                {"id": S, "title": S, "number": S, "authority": S, "issued": DATE,
                 "period": {"type": "object", "properties": {"start": DATE, "end": DATE}}, "targets": LIST,
                 "open_to_participants": {"type": "boolean", "description": "every participating agency reads the whole report (default false: each its own tasks')"}},
                ["id", "title", "period"])}}},
            "responses": {"201": ok("Created", REF("CommandResult")), "400": PROBLEM, "403": PROBLEM, "409": PROBLEM}}},
 "/v1/plans/{plan}": {"get": {"summary": "A plan with its sections", "parameters": [P("plan", "path", "plan id")],
                             "responses": {"200": ok("Plan", REF("Plan")), "404": PROBLEM}},
                      "patch": {"summary": "Correct a plan's particulars (coordinator); only the members given change, recorded as plan.edited with the reason",
                                "parameters": [P("plan", "path", "plan id")],
                                "requestBody": {"required": True, "content": {"application/json": {"schema": body(
                                    {"title": S, "number": S, "authority": S, "issued": DATE,
                                     "period": {"type": "object", "properties": {"start": DATE, "end": DATE}}, "reason": S}, [])}}},
                                "responses": {"201": ok("Edited", REF("CommandResult")), "400": PROBLEM, "403": PROBLEM, "404": PROBLEM,
                                              "409": ok("Nothing to change", REF("Problem"), "application/problem+json"), "422": PROBLEM}}},
 "/v1/plans/{plan}/visibility": {"post": {"summary": "Open a plan's whole report to its participating agencies, or close it to their own tasks (coordinator)",
     "description": "By default an agency reads the plan and the report of the tasks it leads or coordinates; an agency with no task in the plan reads nothing of it. Open, every participating agency reads the whole report. Recorded as plan.visibility_changed.",
     "parameters": [P("plan", "path", "plan id")],
     "requestBody": {"required": True, "content": {"application/json": {"schema": body(
         {"open_to_participants": {"type": "boolean"}, "reason": S}, ["open_to_participants", "reason"])}}},
     "responses": {"201": ok("Recorded", REF("CommandResult")), "400": PROBLEM, "403": PROBLEM, "404": PROBLEM,
                   "409": PROBLEM, "415": PROBLEM, "422": PROBLEM}}},
 "/v1/plans/{plan}/import": {"post": {"summary": "Import a task matrix from the plan's document (coordinator)",
     "description": "The body is the file: a Word document (.docx) whose table is the matrix (found by its header row among the document's tables; one- or two-row headers such as 'Cơ quan thực hiện' over 'Chủ trì | Phối hợp'; merged cells; automatic numbering; tracked changes as accepted; optional columns Trạng thái, Tiến độ (%) and Ngày hoàn thành say where a plan under way stands: a task the file says completed, with its day (not after today), gets task.completion_recorded effective that day, and progress that differs task.progress_reported, on its current occurrence; nothing when the ledger already agrees), an Excel workbook (.xlsx: the sheet with the matrix, or ?sheet=; dates typed as dates; merged ranges), CSV (UTF-8 with or without BOM, Windows-1258 as Vietnamese Excel saves it, or UTF-16 'Unicode text'; ',' ';' or tab) or JSON rows. Or multipart/form-data: the file in part 'file', and optionally 'mapping' ({\"aliases\": {name: agency id}, \"create\": [name]}: unknown names mapped to agencies, remembered as aliases, or registered) and 'sheet'. Old .doc/.xls are converted with LibreOffice where the server has it, else 415. All or nothing (one atomic append); every problem with its place in the file (table or sheet, row, the file's own column header, cell). A dry run answers the preview: each row as understood, agencies resolved, the deadline's occurrences.",
     "parameters": [P("plan", "path", "plan id"), P("dry_run", "query", "true: validate and preview only"),
                    P("create_agencies", "query", "true: register unknown agency names under the plan's authority"),
                    P("reason", "query", "recorded on changes to existing tasks"),
                    P("sheet", "query", "a workbook's sheet to read (default: the first with the matrix)")],
     "requestBody": {"required": True, "content": {
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {"schema": {"type": "string", "format": "binary"}},
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {"type": "string", "format": "binary"}},
         "text/csv": {"schema": S}, "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
         "application/json": {"schema": {"type": "array", "items": OBJ}},
         "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"}, "mapping": S, "sheet": S}}}}},
     "responses": {"200": ok("Dry run summary and preview", REF("ImportSummary")), "201": ok("Imported", REF("ImportSummary")),
                   "403": PROBLEM, "404": PROBLEM,
                   "422": {"description": "The file cannot be read (damaged, encrypted, too big: errors[].field 'file'), or its matrix has problems (type import-invalid: errors[] with row, column, table, sheet, cell; members document, unknown_agencies, warnings, and preview on a dry run). Nothing was written.",
                           "content": {"application/problem+json": {"schema": REF("Problem")}}}}}},
 "/v1/plans/{plan}/report": {"get": {"summary": "The plan's report in the official groups",
     "description": "completed_on_time, completed_late, in_progress_within_deadline, overdue, plus not_yet_due and unscheduled; by section and by lead agency. A past as_of has two readings: known=then (the default) is the report as recorded by the end of that day (what an auditor asks: the nearest projection checkpoint and the log after it); known=now is the report as it is now known to have stood that day (a completion recorded later, with its effective_on, counts from the day it took effect). The JSON says which in `known`. Coordinators and auditors read the whole plan; an agency reads the report of the tasks it leads or coordinates (scope says so), or the whole report of a plan open to its participants; an agency with no task in the plan gets 403.",
     "parameters": [P("plan", "path", "plan id"), P("as_of", "query", "YYYY-MM-DD; default today (UTC+07:00)", DATE),
                    P("known", "query", "then (default): as recorded by the end of as_of; now: as now known to have stood on as_of", {"enum": ["then", "now"]}),
                    P("format", "query", "json (default), csv (UTF-8 with BOM, for Excel), html (the printable official report in Vietnamese), docx (the report as an editable Word document in the layout of Nghị định 30/2020/NĐ-CP: header block, BÁO CÁO, the groups overall, by section and by lead agency, overdue and upcoming tasks, Nơi nhận) or xlsx (the same tables, a sheet each, and every task line)", {"enum": ["json", "csv", "html", "docx", "xlsx"]})],
     "responses": {"200": {"description": "Report", "content": {"application/json": {"schema": REF("Report")}, "text/csv": {"schema": S}, "text/html": {"schema": S},
                                                              "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {"schema": {"type": "string", "format": "binary"}},
                                                              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {"type": "string", "format": "binary"}}}},
                   "400": PROBLEM, "404": PROBLEM}}},
 "/v1/plans/{plan}/report/series": {"get": {"summary": "The plan's report through time: counts per group at each month's or week's end, overall and by lead agency, from one pass over the log",
     "description": "Each point is the report as recorded by the end of its day (as /report?as_of= answers it; a month-end's or Sunday's counts are read from that day's checkpoint when there is one): totals per group, completed (on time + late), due (occurrences due by then, not cancelled) and by_lead; exists is false before the plan entered the log. Points: the month-ends (or Sundays) between from and to, then to itself; at most 520. Access as for the report (an agency: its own tasks, scope says so).",
     "parameters": [P("plan", "path", "plan id"), P("from", "query", "YYYY-MM-DD; default a year before to (not before the plan's period)", DATE),
                    P("to", "query", "YYYY-MM-DD; default today", DATE), P("step", "query", "month (default) or week", {"enum": ["month", "week"]}),
                    P("by_lead", "query", "true (default) or false: leave out by_lead (a plan with thousands of lead agencies makes it large; the dashboard's chart wants the totals)", {"type": "boolean"})],
     "responses": {"200": ok("Series", {"type": "object", "properties": {"plan": S, "step": S, "from": DATE, "to": DATE, "points": {"type": "array", "items": OBJ}}}),
                   "400": PROBLEM, "403": PROBLEM, "404": PROBLEM}}},
 "/v1/plans/{plan}/export": {"get": {"summary": "The task matrix as CSV or a spreadsheet in the importer's columns, with each task's status",
     "description": "TT, Nhiệm vụ, Cơ quan chủ trì, Cơ quan phối hợp, Kết quả/Sản phẩm, Thời gian hoàn thành (as written), Mục, Mục tiêu, Chỉ tiêu theo mốc, then Mốc hiện tại, Hạn hiện hành, Trạng thái, Nhóm, Tiến độ (%), Ngày hoàn thành: the importer ignores the others and reads the status, progress and completion date back, which agree, so importing the file back changes nothing. Coordinators and auditors.",
     "parameters": [P("plan", "path", "plan id"), P("format", "query", "csv (the default; UTF-8 with BOM) or xlsx (a title block, the header row frozen and filtered, section rows merged across, deadlines as dates)", {"enum": ["csv", "xlsx"]})],
     "responses": {"200": {"description": "The matrix", "content": {"text/csv": {"schema": S}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {"type": "string", "format": "binary"}}}},
                   "400": PROBLEM, "403": PROBLEM, "404": PROBLEM}}},
 "/v1/plans/{plan}/queue": {"get": {"summary": "What waits on the coordinator: deliverables not yet reviewed, extension requests not yet decided",
     "parameters": [P("plan", "path", "plan id")],
     "responses": {"200": ok("Queue", {"type": "object", "properties": {"plan": S, "deliverables": {"type": "array", "items": OBJ}, "extension_requests": {"type": "array", "items": OBJ}}}),
                   "403": PROBLEM, "404": PROBLEM}}},
 "/v1/plans/{plan}/reach": {"get": {"summary": "Who in the plan can be told: each agency its tasks name (group members too) with its email addresses and webhooks, those that cannot be reached first",
     "description": "An agency is reachable when one of its addresses is confirmed, on and not failing, or one of its webhooks is enabled and not failing. problems, most serious first: no_channel (nothing set up), email_failing (an SMTP 5xx), webhook_failing, email_unconfirmed (waiting for the owner's link), email_off (turned off or unsubscribed). Then by next due date. Coordinators and auditors.",
     "parameters": [P("plan", "path", "plan id")],
     "responses": {"200": ok("Reach", {"type": "object", "properties": {"plan": S, "unreachable": {"type": "integer"}, "mail": {"type": "boolean", "description": "whether this server sends mail"}, "webhooks": {"type": "boolean"},
         "agencies": {"type": "array", "items": {"type": "object", "properties": {"agency": S, "name": S, "reachable": {"type": "boolean"}, "problems": LIST, "open_tasks": {"type": "integer"}, "next_due": {"type": ["string", "null"], "format": "date"},
             "email": {"type": "object", "properties": {"sending": {"type": "integer"}, "failing": {"type": "integer"}, "unconfirmed": {"type": "integer"}, "off": {"type": "integer"}}},
             "webhooks": {"type": "object", "properties": {"enabled": {"type": "integer"}, "failing": {"type": "integer"}}}}}}}}),
                   "403": PROBLEM, "404": PROBLEM}}},
 "/v1/queue": {"get": {"summary": "The inbox: what waits on the coordinator across every plan, oldest first",
     "description": "As /v1/plans/{plan}/queue, for all plans, each item with its plan and plan_title; count is the number of items. Submitters and requesters come as `by`: {role, agency, agency_name, person, label}.",
     "responses": {"200": ok("Queue", {"type": "object", "properties": {"count": {"type": "integer"}, "deliverables": {"type": "array", "items": OBJ}, "extension_requests": {"type": "array", "items": OBJ}}}),
                   "403": PROBLEM}}},
 "/v1/me": {"get": {"summary": "The caller: token id, role, agency (and its name), today's date in Vietnam",
     "responses": {"200": ok("Who", {"type": "object", "properties": {"token": S, "role": S, "name": S, "agency": S, "agency_name": S, "today": DATE}}), "401": PROBLEM}}},
 "/v1/agencies/{agency}/calendar-keys": {
     "post": {"summary": "A new calendar feed key for the agency (the agency itself or a coordinator)",
              "description": "The key is shown once; only its hash is kept (a token.created event of scope calendar). It opens this agency's calendar feed and nothing else.",
              "parameters": [P("agency", "path", "agency id")],
              "requestBody": {"required": False, "content": {"application/json": {"schema": body({"name": S})}}},
              "responses": {"201": ok("Key", {"type": "object", "properties": {"id": S, "key": S, "agency": S, "name": S, "path": S, "url": S}}), "400": PROBLEM, "403": PROBLEM, "404": PROBLEM}},
     "get": {"summary": "The agency's calendar keys, without secrets", "parameters": [P("agency", "path", "agency id")],
             "responses": {"200": ok("Keys", OBJ), "403": PROBLEM}}},
 "/v1/agencies/{agency}/calendar-keys/{key}": {"delete": {"summary": "Revoke a calendar key", "parameters": [P("agency", "path", "agency id"), P("key", "path", "key id")],
     "responses": {"200": ok("Revoked", OBJ), "403": PROBLEM, "404": PROBLEM, "409": PROBLEM}}},
 "/v1/agencies/{agency}/calendar.ics": {"get": {"summary": "The agency's open occurrences as an RFC 5545 calendar", "security": [],
     "description": "One all-day VEVENT per due date (UID task/occurrence, SEQUENCE the task's version), VALARMs at the reminder offsets and hour, time zone Asia/Ho_Chi_Minh. Authorised by ?key= (calendar apps cannot send headers), not by a bearer token.",
     "parameters": [P("agency", "path", "agency id"), P("key", "query", "a calendar key of this agency", required=True)],
     "responses": {"200": ok("Calendar", S, "text/calendar"), "401": PROBLEM, "404": PROBLEM, "429": PROBLEM}}},
 "/v1/tasks": {"get": {"summary": "Tasks, filtered and paged",
     "description": "With agency: by next due date; otherwise in plan order. Agency tokens see only their own.",
     "parameters": [P("agency", "query", "agency id")],
     "responses": {"200": ok("A page of tasks", REF("TaskPage")), "400": PROBLEM, "403": PROBLEM, "404": PROBLEM}}},
 "/v1/tasks/{task}": {"get": {"summary": "A task with its occurrences; ETag is its version",
     "parameters": [TASK_ID, P("as_of", "query", "YYYY-MM-DD: the task as it stood at the end of that day", DATE)],
     "responses": {"200": ok("Task", REF("Task")), "403": PROBLEM, "404": PROBLEM}}},
 "/v1/tasks/{task}/history": {"get": {"summary": "Every event of the task: time, actor, what changed",
     "description": "Each event carries both of its dates: recorded_on (the Vietnam day it was recorded; recorded_at_ms the instant) and effective_on (the day it took effect: the same day, unless the event records a fact of an earlier day, as task.completion_recorded and acceptances given effective_on do).",
     "parameters": [TASK_ID], "responses": {"200": ok("History", OBJ), "403": PROBLEM, "404": PROBLEM}}},
 "/v1/tasks/{task}/status": {"post": command("Start work, or cancel (coordinator)", body({"occurrence": OCC, "status": {"enum": ["in_progress", "cancelled"]}, "reason": S, "part": PART}, ["status"]))},
 "/v1/tasks/{task}/progress": {"post": command("Report progress", body({"occurrence": OCC, "percent": {"type": "integer", "minimum": 0, "maximum": 100}, "narrative": S, "indicators": OBJ, "part": PART}, ["percent"]), roles="lead or coordinating agency, coordinator")},
 "/v1/tasks/{task}/deliverables": {"post": dict(command("Submit a deliverable", body({"occurrence": OCC, "id": S, "name": S, "sha256": S, "size": {"type": "integer"}, "note": S, "part": PART}, ["name"]),
     "JSON metadata, or multipart/form-data with the file in part 'file' (up to 20 MiB; parts name, note, occurrence, id optional); the file is stored by its SHA-256 before the event is appended."),
     **{"requestBody": {"required": True, "content": {
         "application/json": {"schema": body({"occurrence": OCC, "id": S, "name": S, "sha256": S, "size": {"type": "integer"}, "note": S, "part": PART}, ["name"])},
         "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {"file": {"type": "string", "contentMediaType": "application/octet-stream"}, "name": S, "note": S, "occurrence": S, "id": S, "part": PART}}}}}})},
 "/v1/tasks/{task}/deliverables/{deliverable}/file": {"get": {"summary": "A deliverable's file, as uploaded",
     "parameters": [TASK_ID, P("deliverable", "path", "deliverable id")],
     "responses": {"200": ok("The file", {"type": "string", "contentMediaType": "application/octet-stream"}, "application/octet-stream"), "403": PROBLEM, "404": PROBLEM}}},
 "/v1/tasks/{task}/deliverables/{deliverable}/review": {"post": command("Accept or return a deliverable", body({"occurrence": OCC, "decision": {"enum": ["accepted", "returned"]}, "comment": S, "effective_on": DATE, "reason": S, "part": PART}, ["decision"]),
     "Accepting completes the occurrence, on time or late against the due date then in force. An acceptance that took effect on a past day (decided on paper, recorded late) gives effective_on (not after today) and a reason: it is judged on time or late by that day, and the event keeps both dates.", roles="coordinator")},
 "/v1/tasks/{task}/completion": {"post": command("Record that an occurrence was completed on a past day", body({"occurrence": OCC, "completed_on": DATE, "reason": S, "part": PART}, ["completed_on", "reason"]),
     "For a plan taken up mid-way: its earlier work was done and accepted before the plan was tracked here. completed_on must not be after today; it is judged on time or late by that day. Event task.completion_recorded, with effective_on beside the time it was recorded; the history shows both.", roles="coordinator")},
 "/v1/tasks/{task}/assignment": {"post": command("Reassign lead and coordinating agencies", body({"lead": LIST, "coordinating": LIST, "reason": S}, ["lead", "reason"]), roles="coordinator")},
 "/v1/tasks/{task}/deadline": {"post": command("Change the deadline (any accepted phrase)", body({"deadline": {"type": "string", "examples": ["Năm 2026", "Quý II/2026", "2021; 2023; 2025", "Hàng năm", "31/12/2026"]}, "reason": S}, ["deadline", "reason"]), roles="coordinator")},
 "/v1/tasks/{task}/extension-requests": {"post": command("Ask for more time", body({"occurrence": OCC, "id": S, "due": DATE, "reason": S, "part": PART}, ["due", "reason"]), roles="lead agency")},
 "/v1/tasks/{task}/extension-requests/{request}/decision": {"post": dict(command("Grant or refuse an extension", body({"occurrence": OCC, "decision": {"enum": ["granted", "refused"]}, "due": DATE, "comment": S, "part": PART}, ["decision"]), roles="coordinator"),
     parameters=[TASK_ID, P("request", "path", "extension request id"), P("If-Match", "header", "the task's version"), P("Idempotency-Key", "header", "retry key")])},
 "/v1/tasks/{task}/comments": {"post": command("Comment", body({"occurrence": OCC, "text": S, "part": PART}, ["text"]), roles="lead or coordinating agency, coordinator")},
 "/v1/plans/{plan}/reports": {"get": {"summary": "The days whose reports have particulars recorded, with them", "parameters": [P("plan", "path", "plan id")],
     "responses": {"200": ok("Reports", OBJ), "403": PROBLEM, "404": PROBLEM}}},
 "/v1/plans/{plan}/reports/{day}": {
     "get": {"summary": "What the report of one day says beyond its counts: recorded, or the defaults",
             "parameters": [P("plan", "path", "plan id"), P("day", "path", "the report's day, YYYY-MM-DD")],
             "responses": {"200": ok("Particulars", OBJ), "400": PROBLEM, "403": PROBLEM, "404": PROBLEM}},
     "put": dict(command("Record the report's particulars and narrative (coordinator)",
                         body({"issuer": {"type": "string", "description": "the issuing agency's id (default: the plan's authority)"}, "number": S, "place": S, "dated": DATE,
                               "signer_title": S, "signer_name": S, "recipients": {"type": "string", "description": "Nơi nhận, one per line"},
                               "assessment": {"type": "string", "description": "Đánh giá chung"}, "shortcomings": {"type": "string", "description": "Tồn tại, hạn chế và nguyên nhân"},
                               "recommendations": {"type": "string", "description": "Kiến nghị"}, "proposals": {"type": "string", "description": "Đề xuất"}}),
                         "Event plan.report_prepared; the printed report and the Word report of that day (any reading) use them: the issuer's header block, its number and place, the narrative as sections VI-IX, the signer and the recipients.", roles="coordinator"),
                 parameters=[P("plan", "path", "plan id"), P("day", "path", "the report's day, YYYY-MM-DD"), P("Idempotency-Key", "header", "retry key")])},
 "/v1/agencies/{agency}/channels": {"get": {"summary": "Whether an agency could be told, through time (coordinators, auditors, the agency)",
     "description": "The stretches between from and to (default: the last 90 days) with how many channels reached the agency: its email addresses that send and do not fail, and its enabled webhooks; without_channel lists those with none (\"no channel from 07/12 to 20/12\"). From the log: each change to an address or a webhook is an event.",
     "parameters": [P("agency", "path", "agency id"), P("from", "query", "YYYY-MM-DD", DATE), P("to", "query", "YYYY-MM-DD", DATE)],
     "responses": {"200": ok("Channels through time", OBJ), "400": PROBLEM, "403": PROBLEM, "404": PROBLEM}}},
 "/v1/tasks/{task}/parts": {"get": {"summary": "The members' parts of a group's task, one occurrence at a time (coordinators, auditors, the agency that leads it)",
     "description": "Each member of the groups a task names holds a part of each occurrence: its own status, progress, deliverables and extension, judged on time or late by its own dates. Listed as of today, most urgent first (overdue, within the deadline, not yet due, undated, completed late, on time, exempted), then by name; with the occurrence's summary (counted, done, late, awaiting review) and the rule that judges the task done. format=xlsx or csv files the rows (all of them, not a page).",
     "parameters": [TASK_ID, P("occurrence", "query", "occurrence key; default: the one the task is at"),
                    P("state", "query", "which parts", {"enum": ["all", "open", "not_started", "in_progress", "awaiting_review", "late", "done", "exempt", "extension_pending"]}),
                    P("q", "query", "words of the member's name (case and diacritics ignored)"),
                    P("format", "query", "json (default), csv or xlsx", {"enum": ["json", "csv", "xlsx"]}),
                    P("limit", "query", "1-1000, default 100", {"type": "integer"}), P("cursor", "query", "next_cursor of the previous page")],
     "responses": {"200": ok("A page of parts", OBJ), "400": PROBLEM, "403": PROBLEM, "404": PROBLEM}}},
 "/v1/tasks/{task}/rule": {"put": command("Choose how the task is judged done from its members' parts", body({"rule": {"enum": ["default", "all_parts", "threshold", "lead_acceptance"]}, "percent": {"type": "integer", "minimum": 1, "maximum": 100}, "reason": S}, ["rule", "reason"]),
     "all_parts: done on the day its last part was; threshold: on the day the given share of its parts were (exempted parts do not count); lead_acceptance: its own record decides (the lead's deliverable accepted). default: all_parts when only groups lead the task, else lead_acceptance. Event task.rule_changed.", roles="coordinator")},
 "/v1/tasks/{task}/parts/remind": {"post": command("Remind members about their open parts, in one action", body({"occurrence": OCC, "members": LIST, "state": {"enum": ["late", "not_started", "in_progress", "awaiting_review", "extension_pending", "open"]}, "message": S}),
     "The members named, or those whose parts are in `state` (default: late). Event task.parts_reminded; the webhooks and the mail tell each member, and each outcome is recorded on the task. 409 when nobody is to be reminded.", roles="coordinator")},
 "/v1/tasks/{task}/parts/completions": {"post": command("Record many members' parts completed on past days", body({"occurrence": OCC, "parts": {"type": "array", "items": {"type": "object", "properties": {"member": S, "completed_on": DATE}}}, "reason": S}, ["parts", "reason"]),
     "For a plan taken up mid-way: the schools that had done theirs before it was tracked here. All of them or none; each judged on time or late by its own day.", roles="coordinator")},
 "/v1/backups": {
   "get": {"summary": "Backups written by this server, newest first (coordinator, auditor)",
           "responses": {"200": ok("Backups", {"type": "object", "properties": {"items": {"type": "array", "items": REF("Backup")}}}), "403": PROBLEM}},
   "post": {"summary": "Write a backup now (coordinator)",
            "description": "Into --backup-dir (default <data-dir>-backups), one directory per backup: the event log (a RocksDB checkpoint), the webhook outbox (signing secrets, cursors, pending deliveries) and the deliverable files, consistent with each other while the server keeps working. A backup directory is a data directory: `taskledger restore --from DIR --data-dir NEW` copies it and checks that it opens and verifies. Answered once complete, with the head the copy holds.",
            "responses": {"201": ok("Written", REF("Backup")), "403": PROBLEM, "409": PROBLEM, "503": PROBLEM}}},
 "/v1/tokens": {
   "get": {"summary": "Tokens (coordinator); never their secrets", "responses": {"200": ok("Tokens", OBJ), "403": PROBLEM}},
   "post": {"summary": "Create a token (coordinator); the secret is shown once",
            "description": "With dashboard_url (or the server's --public-url) the answer carries sign_in: the dashboard's address with the token in its fragment (#/signin/<token>, never sent to a server) and that link as a QR code (size, rows of '1' dark and '0' light modules), for a printed sign-in sheet.",
            "requestBody": {"required": True, "content": {"application/json": {"schema": body({"role": {"enum": ["coordinator", "agency", "auditor"]}, "agency": S, "name": S,
                                                                                                "dashboard_url": {"type": "string", "description": "http(s) address of the dashboard agencies open"}}, ["role"])}}},
            "responses": {"201": ok("Created", OBJ), "400": PROBLEM, "403": PROBLEM, "404": PROBLEM}}},
 "/v1/tokens/{token}": {"delete": {"summary": "Revoke a token (coordinator)", "parameters": [P("token", "path", "token id")],
                                  "responses": {"200": ok("Revoked", OBJ), "403": PROBLEM, "404": PROBLEM, "409": PROBLEM}}},
 "/v1/events": {"get": {"summary": "The log, in order (coordinator, auditor)",
     "parameters": [P("after", "query", "a position; events after it", {"type": "integer"}), P("limit", "query", "1-1000", {"type": "integer"})],
     "responses": {"200": ok("Events", OBJ), "400": PROBLEM, "403": PROBLEM}}},
 "/v1/events/stream": {"get": {"summary": "The log live, as Server-Sent Events",
     "description": "Each event: id (its position), event (its type), data (the event as in /v1/events). Catches up from Last-Event-ID (or ?after=, or ?from=head), then live; keep-alive comments every 15 s. Agencies get their tasks' events and those of plans and agencies.",
     "parameters": [P("Last-Event-ID", "header", "the last position received"), P("after", "query", "a position", {"type": "integer"}), P("from", "query", "head: only new events")],
     "responses": {"200": ok("An event stream", S, "text/event-stream"), "400": PROBLEM, "503": PROBLEM}}},
 "/v1/audit/head": {"get": {"summary": "The log's head: position and hash, to record outside the system",
     "responses": {"200": ok("Head", OBJ)}}},
 "/v1/audit/verify": {"get": {"summary": "Walk the hash chain (coordinator, auditor)",
     "responses": {"200": ok("ok, events checked, first bad position", OBJ), "403": PROBLEM}}},
 "/v1/audit/export": {"get": {"summary": "The log as JSON Lines, streamed; check offline with `taskledger verify --file`",
     "parameters": [P("after", "query", "only positions after this one", {"type": "integer"})],
     "responses": {"200": ok("Header line, one line per event (data verbatim, last), trailer line", S, "application/x-ndjson"), "403": PROBLEM, "503": PROBLEM}}},
}

task_filters = [P("plan", "query", "plan id"), P("q", "query", "words in the task's code, title or deliverable; case and diacritics ignored (\"tuyen truyen\" finds \"Tuyên truyền\")"), P("role", "query", "lead or coordinating", {"enum": ["lead", "coordinating"]}),
    P("status", "query", "not_started, in_progress, submitted, completed, cancelled"),
    P("due_before", "query", "next due before this date", DATE), P("due_after", "query", "next due after this date", DATE),
    P("overdue", "query", "true: only overdue"), P("as_of", "query", "YYYY-MM-DD: as the log stood at the end of that day", DATE),
    P("limit", "query", "1-1000, default 100", {"type": "integer"}), P("cursor", "query", "next_cursor of the previous page")]
paths["/v1/agencies/{agency}/tasks"]["get"]["parameters"] += task_filters
paths["/v1/tasks"]["get"]["parameters"] += task_filters
# Today's lists are revalidated by ETag: the log position and the day they were computed at.
for route in ("/v1/agencies/{agency}/tasks", "/v1/tasks"):
    get = paths[route]["get"]
    get["parameters"].append(P("If-None-Match", "header", "an ETag from an earlier answer: 304 if nothing changed since"))
    get["responses"]["200"]["headers"] = {"ETag": {"description": "the log position and day this page reflects", "schema": {"type": "string"}}}
    get["responses"]["304"] = {"description": "Not modified since the ETag sent in If-None-Match"}

# Webhooks: subscriptions, secrets, test pings, deliveries.
WH_ID = P("webhook", "path", "webhook id, wh_…")
POLICY = {"type": ["object", "null"], "description": "reminder offsets for this endpoint; null: the server's",
          "properties": {"days_before": {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 365}},
                         "overdue_every_days": {"type": "integer", "minimum": 0}, "hour": {"type": "integer", "minimum": 0, "maximum": 23}}}
TYPES = {"type": "array", "items": {"enum": ["task.deadline.approaching", "task.deadline.today", "task.overdue", "task.assigned",
         "task.reassigned", "task.deadline.changed", "task.extension.decided", "task.deliverable.reviewed", "task.comment.added", "task.reminder"]},
         "description": "the notifications wanted; empty or left out: all"}
WH_BODY = lambda req: body({"url": {"type": "string", "description": "http:// or https:// (certificates verified)"},
    "agency": {"type": "string", "description": "whose tasks; an agency token may leave it out"}, "description": S,
    "types": TYPES, "enabled": {"type": "boolean"}, "reminders": POLICY}, req)
WH_ROLES = " Coordinators manage every webhook, an agency its own; auditors read."
paths["/v1/webhooks"] = {
  "get": {"summary": "Webhook subscriptions the caller may see", "parameters": [P("agency", "query", "only this agency's")],
          "responses": {"200": ok("Webhooks", {"type": "object", "properties": {"items": {"type": "array", "items": REF("Webhook")}, "types": LIST}})}},
  "post": {"summary": "Subscribe an endpoint to an agency's notifications",
           "description": "The answer carries the signing secret (whsec_…), shown this once. Deliveries follow the Standard Webhooks specification (webhook-id, webhook-timestamp, webhook-signature)." + WH_ROLES,
           "requestBody": {"required": True, "content": {"application/json": {"schema": WH_BODY(["url"])}}},
           "responses": {"201": ok("Subscribed; Location names it", REF("Webhook")), "400": PROBLEM, "403": PROBLEM, "422": PROBLEM}}}
paths["/v1/webhooks/{webhook}"] = {
  "get": {"summary": "A webhook, with its health (failing since, last error, why disabled)", "parameters": [WH_ID],
          "responses": {"200": ok("Webhook", REF("Webhook")), "404": PROBLEM}},
  "patch": {"summary": "Change a webhook's URL, types, reminders, or enable it again" + WH_ROLES[:0], "parameters": [WH_ID],
            "requestBody": {"required": True, "content": {"application/json": {"schema": WH_BODY([])}}},
            "responses": {"200": ok("Changed", REF("Webhook")), "400": PROBLEM, "403": PROBLEM, "404": PROBLEM}},
  "delete": {"summary": "Delete a webhook and its secret; pending deliveries fail", "parameters": [WH_ID],
             "responses": {"204": {"description": "Deleted"}, "403": PROBLEM, "404": PROBLEM}}}
paths["/v1/webhooks/{webhook}/rotate-secret"] = {"post": {"summary": "A new signing secret; for 24 hours both sign (webhook-signature carries both)",
  "parameters": [WH_ID], "responses": {"200": ok("The webhook with secret and previous_secret_valid_until_ms", REF("Webhook")), "403": PROBLEM, "404": PROBLEM}}}
paths["/v1/webhooks/{webhook}/test"] = {"post": {"summary": "Send a ping (webhook.ping) now", "parameters": [WH_ID],
  "responses": {"202": ok("Queued", REF("Delivery")), "403": PROBLEM, "404": PROBLEM, "422": PROBLEM}}}
paths["/v1/webhooks/{webhook}/deliveries"] = {"get": {"summary": "Deliveries to this endpoint, newest first",
  "parameters": [WH_ID, P("state", "query", "pending, delivered or failed"), P("limit", "query", "1-1000, default 100", {"type": "integer"}),
                 P("after", "query", "next of the previous page")],
  "responses": {"200": ok("Deliveries", {"type": "object", "properties": {"items": {"type": "array", "items": REF("Delivery")}, "next": {"type": ["string", "null"]}}}), "404": PROBLEM}}}
paths["/v1/webhooks/{webhook}/deliveries/{delivery}"] = {"get": {"summary": "One delivery with every attempt (status, latency, response excerpt) and its payload",
  "parameters": [WH_ID, P("delivery", "path", "message id, msg_…")], "responses": {"200": ok("Delivery", REF("Delivery")), "404": PROBLEM}}}
paths["/v1/webhooks/{webhook}/deliveries/{delivery}/redeliver"] = {"post": {"summary": "Send a delivery again, same webhook-id, fresh retry schedule",
  "parameters": [WH_ID, P("delivery", "path", "message id")], "responses": {"202": ok("Queued", REF("Delivery")), "404": PROBLEM}}}
paths["/v1/webhooks/{webhook}/recover"] = {"post": {"summary": "Send again every failed delivery created since a time",
  "parameters": [WH_ID, P("since", "query", "YYYY-MM-DD (from the start of that day in Vietnam) or Unix ms", required=True)],
  "responses": {"202": ok("How many", {"type": "object", "properties": {"resent": {"type": "integer"}, "since_ms": {"type": "integer"}}}), "400": PROBLEM, "404": PROBLEM}}}

# Email: an agency's addresses, their confirmation, test mails, and the links in mails.
EM_ID = P("subscription", "path", "email subscription id, em_…")
EM_BODY = lambda req: body({"address": {"type": "string", "description": "a plain ASCII address, e.g. vanthu@sogddt.gov.vn"},
    "agency": {"type": "string", "description": "whose tasks; an agency token may leave it out"},
    "language": {"enum": ["vi", "en"]}, "reminders": {"type": "boolean", "description": "deadline reminders (default true)"},
    "changes": {"type": "boolean", "description": "assignments, deadline changes, reviews, decisions, comments (default true)"},
    "digest": {"enum": ["daily", "weekly", "none"], "description": "a summary at 07:30 Vietnam time, daily or on Mondays (default weekly): overdue, due this week and this month, deliverables awaiting review, extension decisions since the last; none when there is nothing to say"},
    "reminder_schedule": {"oneOf": [POLICY, {"type": "null"}], "description": "the address's own reminder days; null: the server's"},
    "enabled": {"type": "boolean"},
    "confirmed": {"type": "boolean", "description": "coordinators only, on creation: vouch for an official address (recorded with their name); otherwise a confirmation mail is sent"}}, req)
EM_ROLES = " Coordinators manage every address, an agency its own; auditors read."
LINK_T = P("t", "query", "the signed token from the mail", required=True)
paths["/v1/email-subscriptions"] = {
  "get": {"summary": "Email addresses the caller may see, with their confirmation state", "parameters": [P("agency", "query", "only this agency's")],
          "responses": {"200": ok("Addresses", {"type": "object", "properties": {"items": {"type": "array", "items": REF("EmailSubscription")}, "mail": {"type": "boolean", "description": "whether this server sends mail"}}})}},
  "post": {"summary": "Subscribe an address to an agency's notifications",
           "description": "Nothing is sent to the address until it is confirmed: the answer says whether the confirmation mail (a link valid 7 days) was queued." + EM_ROLES,
           "requestBody": {"required": True, "content": {"application/json": {"schema": EM_BODY(["address"])}}},
           "responses": {"201": ok("Subscribed; Location names it", REF("EmailSubscription")), "400": PROBLEM, "403": PROBLEM, "409": PROBLEM, "422": PROBLEM}}}
paths["/v1/email-subscriptions/{subscription}"] = {
  "get": {"summary": "An address: confirmation, unsubscribe and failure state", "parameters": [EM_ID],
          "responses": {"200": ok("Address", REF("EmailSubscription")), "404": PROBLEM}},
  "patch": {"summary": "Change language, what it receives, the digest, or turn it on or off; a new address (or on again after an unsubscribe) is confirmed anew", "parameters": [EM_ID],
            "requestBody": {"required": True, "content": {"application/json": {"schema": EM_BODY([])}}},
            "responses": {"200": ok("Changed", REF("EmailSubscription")), "400": PROBLEM, "403": PROBLEM, "404": PROBLEM, "409": PROBLEM}},
  "delete": {"summary": "Remove an address", "parameters": [EM_ID], "responses": {"204": {"description": "Removed"}, "403": PROBLEM, "404": PROBLEM}}}
paths["/v1/email-subscriptions/{subscription}/confirm"] = {"post": {"summary": "A coordinator vouches for the address (an event with their name); no mail asks first",
  "parameters": [EM_ID], "responses": {"200": ok("Confirmed", REF("EmailSubscription")), "403": PROBLEM, "404": PROBLEM, "409": PROBLEM}}}
paths["/v1/email-subscriptions/{subscription}/resend-confirmation"] = {"post": {"summary": "Mail the confirmation link again",
  "parameters": [EM_ID], "responses": {"202": ok("Queued", REF("EmailSubscription")), "404": PROBLEM, "409": PROBLEM, "503": PROBLEM}}}
paths["/v1/email-subscriptions/{subscription}/test"] = {"post": {"summary": "Send a test mail to a confirmed address",
  "parameters": [EM_ID], "responses": {"202": ok("Queued", {"type": "object", "properties": {"message": S, "to": S}}), "404": PROBLEM, "409": PROBLEM, "503": PROBLEM}}}
paths["/v1/email-subscriptions/{subscription}/deliveries"] = {"get": {"summary": "Mails to this address, newest first (state, attempts, last SMTP reply)",
  "parameters": [EM_ID], "responses": {"200": ok("Mails", {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object", "properties": {
      "id": S, "type": {"type": "string", "description": "email.confirmation, email.test, email.digest, or the notification type of a task mail"}, "task": {"type": ["string", "null"]}, "to": S,
      "state": {"enum": ["pending", "delivered", "failed"]}, "attempts": {"type": "integer"}, "last_status": {"type": ["integer", "null"], "description": "the last SMTP reply code"},
      "last_error": {"type": ["string", "null"]}, "created_at_ms": {"type": "integer"}, "done_at_ms": {"type": ["integer", "null"]}}}}}}), "404": PROBLEM}}}
paths["/v1/email/confirm"] = {
  "get": {"summary": "The page a confirmation link opens: a button that confirms (mail scanners follow links; only a person presses)", "security": [],
          "parameters": [LINK_T], "responses": {"200": ok("A page", S, "text/html"), "400": ok("An altered or expired link", S, "text/html")}},
  "post": {"summary": "Confirm the address the signed link names (an email.confirmed event, how: link)", "security": [],
           "parameters": [LINK_T], "responses": {"200": ok("Confirmed", S, "text/html"), "400": ok("An altered or expired link", S, "text/html"), "409": ok("The subscription's address changed since", S, "text/html")}}}
paths["/v1/email/unsubscribe"] = {
  "get": {"summary": "The page an unsubscribe link opens: a button that stops the mail", "security": [],
          "parameters": [LINK_T], "responses": {"200": ok("A page", S, "text/html"), "400": ok("An altered or expired link", S, "text/html")}},
  "post": {"summary": "Stop mail to the address (RFC 8058 one-click: List-Unsubscribe=One-Click in the body); an email.unsubscribed event the coordinator sees", "security": [],
           "parameters": [LINK_T], "responses": {"200": ok("Unsubscribed", S, "text/html"), "400": ok("An altered or expired link", S, "text/html")}}}

# What every write may answer, and every body: said once here rather than route by route.
STORAGE = {"description": "503: the server's disk is full (type storage-full: nothing was written, reads go on, "
           "writes resume by themselves) or failed (type storage); with Retry-After",
           "headers": {"Retry-After": {"schema": {"type": "integer"}}},
           "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
MEDIA = {"description": "415: the body's Content-Type is not one the route takes",
         "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
for ops in paths.values():
    for method, op in ops.items():
        if method != "get":
            op["responses"].setdefault("503", STORAGE)
        if "requestBody" in op:
            op["responses"].setdefault("415", MEDIA)

doc = {
 "openapi": "3.1.0",
 "info": {"title": "TaskLedger API", "version": "1",
          "description": "Who must deliver what, by when, across the agencies that carry out a plan. Every change is an event in an append-only, hash-chained log; reads are projections of it. UTF-8 throughout; dates are calendar days in Vietnam (UTC+07:00). Errors are application/problem+json (RFC 9457) with a stable type. Requests are rate limited per token (429 with Retry-After). Input is read strictly and refused rather than guessed at: JSON bodies need Content-Type application/json (415 otherwise) and may not repeat a member, hold a number outside a double's range, a NUL or another control character but tab and line breaks, or anything after the value (400 naming the field); each route takes exactly the query parameters listed, each once and well-formed (400 naming the parameter). Unconditional commands never fail on a version (only If-Match does)."},
 "servers": [{"url": "/"}],
 "security": [{"bearer": []}],
 "paths": paths,
 "components": {
   "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "tl_<id>_<secret>; roles coordinator, agency (one agency), auditor (read-only)"}},
   "schemas": {
     "Backup": {"type": "object", "properties": {
        "name": S, "head": {"type": "object", "properties": {"position": {"type": "integer"}, "hash": S}},
        "files": {"type": "integer"}, "outbox": {"type": "boolean"}, "taken_at_ms": {"type": "integer"}}},
    "Problem": {"type": "object", "required": ["type", "title", "status", "detail"], "properties": {
        "type": S, "title": S, "status": {"type": "integer"}, "detail": {"type": "string", "description": "worded in Vietnamese or English as Accept-Language prefers (English by default)"},
        "code": {"type": "string", "description": "a stable name for what went wrong (part-required, due-not-after, unknown-agency, required, before-log, …), for clients that word it themselves"},
        "params": {"type": "object", "description": "the code's parameters (task, field, agency, current, …)"},
        "errors": {"type": "array", "items": {"type": "object", "properties": {"field": S, "row": {"type": "integer"}, "column": S, "message": S, "table": {"type": "integer"}, "sheet": S, "cell": S}}}}},
     "Agency": {"type": "object", "properties": {"id": S, "name": S, "name_en": S, "kind": S, "parent": S, "aliases": LIST, "members": LIST}},
     "Plan": {"type": "object", "properties": {"id": S, "title": S, "number": S, "authority": S, "issued": DATE, "period": OBJ, "targets": LIST, "open_to_participants": {"type": "boolean", "description": "every agency with a task in the plan reads its whole report"}, "task_count": {"type": "integer"}, "created_on": {"type": ["string", "null"], "format": "date", "description": "the day the plan entered the log"}, "sections": {"type": "array", "items": OBJ}}},
     "Deadline": {"type": "object", "properties": {"text": {"type": "string", "description": "as written in the plan"}, "kind": S, "milestones": {"type": "array", "items": OBJ}}},
     "Task": {"type": "object", "required": ["id", "plan", "code", "title", "lead", "coordinating", "deliverable", "deadline", "next_due", "status", "category"], "properties": {
        "id": S, "plan": S, "code": S, "title": S, "section": S, "lead": LIST, "coordinating": LIST, "deliverable": S,
        "deadline": REF("Deadline"), "next_due": {"type": ["string", "null"], "format": "date"}, "days_left": {"type": "integer"},
        "status": {"type": ["string", "null"]}, "category": {"type": ["string", "null"], "enum": ["completed_on_time", "completed_late", "in_progress_within_deadline", "overdue", "not_yet_due", "unscheduled", None]},
        "version": {"type": "integer"}, "occurrences": {"type": "array", "items": OBJ}}},
     "TaskPage": {"type": "object", "properties": {"items": {"type": "array", "items": REF("Task")}, "next_cursor": {"type": ["string", "null"]}, "as_of": DATE}},
     "Report": {"type": "object", "properties": {"plan": REF("Plan"), "as_of": DATE,
        "scope": {"type": "object", "description": "whose tasks it counts: the plan's (kind plan), or one agency's (kind agency, for an agency reading a plan not open to its participants)",
                  "properties": {"kind": {"enum": ["plan", "agency"]}, "agency": S}},
        "totals": OBJ, "by_section": OBJ, "by_lead": OBJ, "lines": {"type": "array", "items": OBJ}}},
     "ImportSummary": {"type": "object", "properties": {"dry_run": {"type": "boolean"},
        "document": {"type": "object", "description": "what was read: kind (docx, xlsx, csv, json), encoding (csv), table or sheet, header_row, columns [{column, header, index}], tables_seen",
                     "properties": {"kind": {"enum": ["docx", "xlsx", "csv", "json"]}, "encoding": S, "table": {"type": "integer"}, "sheet": S, "header_row": {"type": "integer"}, "columns": {"type": "array", "items": OBJ}}},
        "sections_added": {"type": "integer"}, "tasks_created": {"type": "integer"}, "tasks_changed": {"type": "integer"}, "tasks_unchanged": {"type": "integer"},
        "new_agencies": LIST, "aliases_added": LIST, "unknown_agencies": LIST, "warnings": LIST, "events": {"type": "integer"}, "head": {"type": "integer"},
        "preview": {"type": "array", "description": "dry runs: every row as understood", "items": REF("PreviewRow")}}},
     "PreviewRow": {"type": "object", "properties": {"table": {"type": "integer"}, "sheet": S, "row": {"type": "integer"}, "kind": {"enum": ["section", "task", "heading"]},
        "change": {"enum": ["new", "changed", "unchanged"]}, "code": S, "title": S, "section": S, "lead": {"type": "array", "items": OBJ}, "coordinating": {"type": "array", "items": OBJ},
        "unknown_agencies": LIST, "deliverable": S, "deadline": S, "occurrences": {"type": "array", "items": DATE}, "targets": LIST, "occurrence_targets": LIST}},
     "EmailSubscription": {"type": "object", "properties": {"id": S, "agency": S, "address": S, "language": S, "reminders": {"type": "boolean"},
         "changes": {"type": "boolean"}, "digest": S, "reminder_schedule": POLICY,
         "reminder_schedule_own": {"type": "boolean", "description": "false: the server's reminder days"}, "enabled": {"type": "boolean"}, "confirmed": {"type": "boolean"},
         "confirmed_by": {"type": ["string", "null"], "description": "link (the address's owner) or the coordinator's label"},
         "confirmed_at_ms": {"type": ["integer", "null"]}, "unsubscribed_at_ms": {"type": ["integer", "null"]},
         "failing": {"type": ["string", "null"], "description": "why mail to it fails for good (SMTP 5xx)"}, "failing_since_ms": {"type": ["integer", "null"]},
         "last_digest_at_ms": {"type": ["integer", "null"], "description": "the last digest's outcome (email.digest_sent in the log, with the tasks it listed)"},
         "sends": {"type": "boolean", "description": "enabled and confirmed: notifications go to it"},
         "confirmation": {"type": "object", "description": "on creation and changes: whether the confirmation mail was queued (sent, message) or why not"},
         "created_at_ms": {"type": "integer"}, "created_by": S, "updated_at_ms": {"type": "integer"}, "version": {"type": "integer"}, "links": OBJ}},
     "Webhook": {"type": "object", "properties": {"id": S, "url": S, "agency": S, "description": S, "types": LIST, "all_types": {"type": "boolean"},
        "enabled": {"type": "boolean"}, "disabled_reason": {"type": ["string", "null"]}, "reminders": POLICY, "reminders_own": {"type": "boolean"},
        "created_at_ms": {"type": "integer"}, "created_by": S, "updated_at_ms": {"type": "integer"}, "secret_rotated_at_ms": {"type": ["integer", "null"]},
        "version": {"type": "integer"}, "health": OBJ, "secret": {"type": "string", "description": "only when created or rotated"}}},
     "Delivery": {"type": "object", "properties": {"id": {"type": "string", "description": "the webhook-id receivers see"}, "type": S, "agency": S,
        "task": {"type": ["string", "null"]}, "occurrence": {"type": ["string", "null"]}, "state": {"enum": ["pending", "delivered", "failed"]},
        "attempts": {"type": "integer"}, "next_attempt_at_ms": {"type": ["integer", "null"]}, "last_status": {"type": ["integer", "null"]},
        "last_error": {"type": ["string", "null"]}, "created_at_ms": {"type": "integer"}, "due_at_ms": {"type": "integer"}, "done_at_ms": {"type": ["integer", "null"]},
        "attempt_log": {"type": "array", "items": OBJ}, "payload": OBJ}},
     "CommandResult": {"type": "object", "properties": {"stream": S, "positions": {"type": "array", "items": {"type": "integer"}}, "version": {"type": "integer"}, "replayed": {"type": "boolean"}, "warnings": LIST, "task": REF("Task")}},
   }}}

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "openapi.json")
with open(out, "w", encoding="utf-8") as f:
    json.dump(doc, f, ensure_ascii=False, indent=1)
    f.write("\n")
print("wrote", out)
