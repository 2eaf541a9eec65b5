#include "server/http/problem.h"

#include <spdlog/spdlog.h>

namespace taskledger::server {

using nlohmann::json;

Response Problem::ToResponse(unsigned version) const {
  json body = {{"type", "https://taskledger.dev/problems/" + type},
               {"title", title},
               {"status", static_cast<int>(status)},
               {"detail", detail}};
  if (!errors.empty()) {
    json list = json::array();
    for (const ProblemItem& e : errors) {
      json x = {{"message", e.message}};
      if (!e.field.empty()) x["field"] = e.field;
      if (e.row) x["row"] = e.row;
      if (!e.column.empty()) x["column"] = e.column;
      if (e.table) x["table"] = e.table;
      if (!e.sheet.empty()) x["sheet"] = e.sheet;
      if (!e.cell.empty()) x["cell"] = e.cell;
      if (!e.code.empty()) {
        x["code"] = e.code;
        x["params"] = e.params;
      }
      list.push_back(std::move(x));
    }
    body["errors"] = std::move(list);
  }
  if (!code.empty()) {
    body["code"] = code;
    body["params"] = params;
  }
  for (const auto& [k, v] : extra.items()) body[k] = v;
  Response res{status, version};
  res.set(http::field::content_type, "application/problem+json");
  if (retry_after_s > 0) res.set(http::field::retry_after, std::to_string(retry_after_s));
  res.set(http::field::cache_control, "no-store");
  res.body() = body.dump(-1, ' ', false, json::error_handler_t::replace);
  if (status == http::status::unauthorized) {
    res.set(http::field::www_authenticate, "Bearer realm=\"taskledger\"");
  }
  return res;
}

Problem MakeProblem(http::status status, std::string type, std::string title, std::string detail) {
  Problem p;
  p.status = status;
  p.type = std::move(type);
  p.title = std::move(title);
  p.detail = std::move(detail);
  return p;
}

Problem BadRequest(std::string detail, std::string field) {
  Problem p =
      MakeProblem(http::status::bad_request, "invalid-request", "The request is not valid", detail);
  if (!field.empty()) p.errors.push_back({field, 0, {}, std::move(detail)});
  return p;
}

Problem NotFound(std::string detail) {
  return MakeProblem(http::status::not_found, "not-found", "Not found", std::move(detail));
}

Problem Unauthorized(std::string detail) {
  return MakeProblem(http::status::unauthorized, "unauthorized", "Authentication required",
                     std::move(detail));
}

Problem Forbidden(std::string detail) {
  return MakeProblem(http::status::forbidden, "forbidden", "Not allowed", std::move(detail));
}

Problem UnsupportedMediaType(std::string_view got, std::string_view accepted) {
  Problem p = MakeProblem(http::status::unsupported_media_type, "unsupported-media-type",
                          "Unsupported media type",
                          (got.empty() ? std::string("the body has no Content-Type")
                                       : "the body is " + std::string(got)) +
                              "; send " + std::string(accepted));
  p.errors.push_back({"Content-Type", 0, {}, "send " + std::string(accepted)});
  return p;
}

Problem MethodNotAllowed(std::string detail) {
  return MakeProblem(http::status::method_not_allowed, "method-not-allowed", "Method not allowed",
                     std::move(detail));
}

Problem Conflict(std::string title, std::string detail) {
  return MakeProblem(http::status::conflict, "state-conflict", std::move(title), std::move(detail));
}

Problem TooManyRequests(std::string detail, int retry_after_s) {
  Problem p = MakeProblem(http::status::too_many_requests, "rate-limited", "Too many requests",
                          std::move(detail));
  p.retry_after_s = retry_after_s;
  return p;
}

Problem Unavailable(std::string title, std::string detail, int retry_after_s) {
  Problem p = MakeProblem(http::status::service_unavailable, "unavailable", std::move(title),
                          std::move(detail));
  p.retry_after_s = retry_after_s;
  return p;
}

Problem Internal() {
  return MakeProblem(http::status::internal_server_error, "internal", "Internal error",
                     "the server failed to answer; the log is unchanged unless a 2xx was returned");
}

Problem InvalidMatrix(std::string detail) {
  return MakeProblem(http::status::unprocessable_entity, "import-invalid",
                     "The matrix has problems; nothing was imported", std::move(detail));
}

Problem Refusal(http::status status, std::string detail) {
  const char* type = status == http::status::payload_too_large     ? "too-large"
                     : status == http::status::service_unavailable ? "unavailable"
                     : status == http::status::not_implemented     ? "not-implemented"
                     : status == http::status::request_header_fields_too_large
                         ? "request-header-fields-too-large"
                         : "invalid-request";
  return MakeProblem(status, type, std::string(http::obsolete_reason(status)), std::move(detail));
}

namespace {

Problem FromStatusCode(const Status& s) {
  using C = Status::Code;
  switch (s.code()) {
    case C::kOk:
      break;
    case C::kNotFound:
      return NotFound(s.message());
    case C::kInvalidArgument: {
      // The domain writes "field: what is wrong".
      const std::string& m = s.message();
      const size_t colon = m.find(": ");
      const bool named = colon != std::string::npos && colon < 60 &&
                         m.substr(0, colon).find(' ') == std::string::npos;
      Problem p = MakeProblem(http::status::unprocessable_entity, "validation",
                              "The request is not valid", m);
      if (named) p.errors.push_back({m.substr(0, colon), 0, {}, m.substr(colon + 2)});
      return p;
    }
    case C::kWrongExpectedVersion:
      return MakeProblem(http::status::precondition_failed, "version-conflict",
                         "The resource changed", s.message());
    case C::kIdempotencyConflict:
      return MakeProblem(http::status::unprocessable_entity, "idempotency-conflict",
                         "The Idempotency-Key was used for a different request", s.message());
    case C::kPermissionDenied:
      return Forbidden(s.message());
    case C::kFailedPrecondition:
      return MakeProblem(http::status::conflict, "state-conflict",
                         "Not possible in the current state", s.message());
    case C::kAlreadyExists:
      return MakeProblem(http::status::conflict, "already-exists", "It exists already",
                         s.message());
    case C::kUnsupported:
      return MakeProblem(http::status::unsupported_media_type, "unsupported-media-type",
                         "Unsupported media type", s.message());
    case C::kBusy: {
      Problem p = MakeProblem(http::status::service_unavailable, "busy", "Busy", s.message());
      p.retry_after_s = 1;
      return p;
    }
    case C::kNoSpace: {
      // The detail says what people need (writes paused, reads go on), not where the disk is.
      Problem p = MakeProblem(http::status::service_unavailable, "storage-full",
                              "The server's disk is full",
                              "the server's disk is full: nothing was written; reading goes on, "
                              "and writing resumes by itself once space is freed");
      p.retry_after_s = 30;
      return p;
    }
    case C::kUnavailable: {
      // The database is being failed over or restarted: the client retries, with the same
      // Idempotency-Key, and it is applied once.
      spdlog::warn("storage: {}", s.ToString());
      Problem p = MakeProblem(http::status::service_unavailable, "storage-unavailable",
                              "The log's database cannot be reached",
                              "the event log's database cannot be reached: this request may not "
                              "have been recorded. Reading goes on; retry it (with the same "
                              "Idempotency-Key) and it is applied once");
      p.retry_after_s = 2;
      return p;
    }
    case C::kReadOnly:
    case C::kIOError:
    case C::kCorruption: {
      // Storage messages name files and devices; those are for the operator's log.
      spdlog::error("storage: {}", s.ToString());
      Problem p =
          MakeProblem(http::status::service_unavailable, "storage", "The log cannot accept writes",
                      "the server's storage failed; nothing was written. The operator's "
                      "log says why");
      p.retry_after_s = 60;
      return p;
    }
  }
  return MakeProblem(http::status::internal_server_error, "internal", "Internal error",
                     s.message());
}

}  // namespace

Problem FromStatus(const Status& s) {
  Problem p = FromStatusCode(s);
  if (!s.reason().empty()) {
    p.code = s.reason();
    for (const auto& [k, v] : s.args()) p.params[k] = v;
  }
  return p;
}

}  // namespace taskledger::server
