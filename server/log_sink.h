// The server's log: one line per request to stdout, written in blocks rather than line by line.
//
// spdlog's stdout sinks flush after every message: one write(2) per request, a tenth of the
// server's system calls under load. This sink leaves stdout's buffer to fill (64 KiB) and is
// flushed once a second and at once for warnings and errors, so a refusal or a failure is on
// the terminal or in the journal immediately; at worst the last second of plain request lines
// is lost if the process is killed. The log is for operators; the audit record is the event log.
#pragma once

#include <spdlog/spdlog.h>

namespace taskledger::server {

// Makes a buffered stdout logger the default one. Call once, before any thread logs.
void UseBufferedStdoutLog();

}  // namespace taskledger::server
