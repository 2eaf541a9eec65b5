// Status and Result<T>: expected failures as values (leveldb's Status, absl's StatusOr).
// Exceptions are for what should stop the process; everything a caller can act on is a Status.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace taskledger {

class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk,
    kNotFound,
    kInvalidArgument,
    kWrongExpectedVersion,  // optimistic concurrency: the stream is not at the expected version
    kIdempotencyConflict,   // an event id already stored with different content
    kCorruption,            // stored bytes or the hash chain are not what was written
    kIOError,               // the storage layer failed
    kReadOnly,              // writes refused after a failed sync, until the store is reopened
    kBusy,
    kPermissionDenied,    // the actor's role may not do this
    kFailedPrecondition,  // not allowed in the current state (e.g. completing a cancelled task)
    kAlreadyExists,
    kNoSpace,      // the disk is (nearly) full: writes are refused until space is freed
    kUnsupported,  // a kind of input (a file format, a media type) this program does not take
    kUnavailable,  // the storage server cannot be reached: writes resume by themselves once it is
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status NotFound(std::string m) { return Status(Code::kNotFound, std::move(m)); }
  static Status InvalidArgument(std::string m) {
    return Status(Code::kInvalidArgument, std::move(m));
  }
  static Status WrongExpectedVersion(std::string m) {
    return Status(Code::kWrongExpectedVersion, std::move(m));
  }
  static Status IdempotencyConflict(std::string m) {
    return Status(Code::kIdempotencyConflict, std::move(m));
  }
  static Status Corruption(std::string m) { return Status(Code::kCorruption, std::move(m)); }
  static Status IOError(std::string m) { return Status(Code::kIOError, std::move(m)); }
  static Status ReadOnly(std::string m) { return Status(Code::kReadOnly, std::move(m)); }
  static Status Busy(std::string m) { return Status(Code::kBusy, std::move(m)); }
  static Status PermissionDenied(std::string m) {
    return Status(Code::kPermissionDenied, std::move(m));
  }
  static Status FailedPrecondition(std::string m) {
    return Status(Code::kFailedPrecondition, std::move(m));
  }
  static Status AlreadyExists(std::string m) { return Status(Code::kAlreadyExists, std::move(m)); }
  static Status NoSpace(std::string m) { return Status(Code::kNoSpace, std::move(m)); }
  static Status Unsupported(std::string m) { return Status(Code::kUnsupported, std::move(m)); }
  static Status Unavailable(std::string m) { return Status(Code::kUnavailable, std::move(m)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;

  // A stable name for what went wrong ("unknown-agency") and its parameters ({"agency", "x"}),
  // for whoever words it for people in their language; the message stays the English wording.
  using Args = std::vector<std::pair<std::string, std::string>>;
  Status With(std::string reason, Args args = {}) && {
    reason_ = std::move(reason);
    args_ = std::move(args);
    return std::move(*this);
  }
  // The same status with `context` before its message ("parts[3]: …"), for a failure within one
  // item of many.
  Status In(std::string_view context) && {
    message_ = std::string(context) + ": " + message_;
    return std::move(*this);
  }
  const std::string& reason() const { return reason_; }
  const Args& args() const { return args_; }

 private:
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  Code code_ = Code::kOk;
  std::string message_;
  std::string reason_;
  Args args_;
};

const char* CodeName(Status::Code code);

inline std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(CodeName(code_)) + ": " + message_;
}

inline const char* CodeName(Status::Code code) {
  switch (code) {
    case Status::Code::kOk:
      return "OK";
    case Status::Code::kNotFound:
      return "NotFound";
    case Status::Code::kInvalidArgument:
      return "InvalidArgument";
    case Status::Code::kWrongExpectedVersion:
      return "WrongExpectedVersion";
    case Status::Code::kIdempotencyConflict:
      return "IdempotencyConflict";
    case Status::Code::kCorruption:
      return "Corruption";
    case Status::Code::kIOError:
      return "IOError";
    case Status::Code::kReadOnly:
      return "ReadOnly";
    case Status::Code::kBusy:
      return "Busy";
    case Status::Code::kPermissionDenied:
      return "PermissionDenied";
    case Status::Code::kFailedPrecondition:
      return "FailedPrecondition";
    case Status::Code::kAlreadyExists:
      return "AlreadyExists";
    case Status::Code::kNoSpace:
      return "NoSpace";
    case Status::Code::kUnsupported:
      return "Unsupported";
    case Status::Code::kUnavailable:
      return "Unavailable";
  }
  return "Unknown";
}

// A Result's value read when it holds an error, or a Result made from an ok Status: a bug in
// the caller, caught in every build (not only with assertions on) so it is never undefined
// behaviour in production or in tests built with NDEBUG.
[[noreturn]] inline void ResultMisused(const char* what, const Status& status) {
  std::fprintf(stderr, "taskledger: bug: %s (%s)\n", what, status.ToString().c_str());
  std::abort();
}

// Either a value or a non-ok Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    if (status_.ok()) ResultMisused("a Result made from an ok Status and no value", status_);
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & {
    Check();
    return *value_;
  }
  const T& value() const& {
    Check();
    return *value_;
  }
  T&& value() && {
    Check();
    return std::move(*value_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  void Check() const {
    if (!ok()) ResultMisused("the value of a Result that holds an error was read", status_);
  }

  std::optional<T> value_;
  Status status_;
};

}  // namespace taskledger
