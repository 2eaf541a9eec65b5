// The server's log: one line per request to stdout, written in blocks rather than line by line.
//
// spdlog's stdout sinks flush after every message: one write(2) per request, a tenth of the
// server's system calls under load. This sink leaves stdout's buffer to fill (64 KiB) and is
// flushed once a second and at once for warnings and errors, so a refusal or a failure is on
// the terminal or in the journal immediately; at worst the last second of plain request lines
// is lost if the process is killed. The log is for operators; the audit record is the event log.
#pragma once

#include <spdlog/spdlog.h>

#include <string>
#include <string_view>

namespace taskledger::server {

// Makes a buffered stdout logger the default one. Call once, before any thread logs.
void UseBufferedStdoutLog();

// A request target as the log may show it: path segments and query values that are, or look
// like, a secret become "[redacted]". A secret is a token or key of ours ("tl_…", "whsec_…"), the
// value of a parameter named key, token, secret or password, or any run of 20 or more base64url
// characters mixing upper case, lower case and digits (random bytes look like that; ids, slugs
// and UUIDs do not). Applied to what a client sent, so a key pasted in the wrong place (a path)
// does not reach the log either.
std::string RedactTarget(std::string_view target);

}  // namespace taskledger::server
