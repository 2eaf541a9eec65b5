// Helpers shared by the API's handlers: request bodies, dates, visibility.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "domain/commands.h"
#include "domain/date.h"
#include "domain/ledger.h"
#include "server/api/api.h"
#include "webhooks/notifications.h"

namespace taskledger::server {

// Runs `fn`, which answers `c`, and sends that answer only once `fn` has returned: a handler that
// writes its answer while reading under the App's lock sends it after the lock is let go, so a
// slow client or a big body never holds back a fold.
void AnswerAfter(Call& c, const std::function<void()>& fn);

// The media type of a Content-Type value, lower-cased, without parameters.
std::string MediaType(std::string_view content_type);
// application/json or application/*+json, in UTF-8 if a charset is given.
bool IsJsonContentType(std::string_view content_type);
// The body as a JSON object with only `allowed` members, parsed strictly (strict_json.h);
// otherwise a problem naming what is wrong: 415 for a body that is not JSON, 400 for malformed
// JSON with its byte offset, a duplicate or unknown member, a number out of range, a control
// character.
std::optional<nlohmann::json> JsonBody(const Call& c, const std::vector<std::string>& allowed);
// A whole number in [min, max] at `key` (named `field` in the problem, default `key`); sends 400
// when it is missing, not a whole number or out of range.
std::optional<int64_t> Integer(const Call& c, const nlohmann::json& j, const char* key, int64_t min,
                               int64_t max, std::string_view field = {});
// `v` as a whole number in [min, max], if it is one.
std::optional<int64_t> IntegerValue(const nlohmann::json& v, int64_t min, int64_t max);
// Typed members: a problem is sent and nullopt returned when the member has the wrong type.
std::optional<std::string> Text(const Call& c, const nlohmann::json& j, const char* key,
                                bool required);
std::optional<std::vector<std::string>> TextList(const Call& c, const nlohmann::json& j,
                                                 const char* key, bool required);
// A subscription's own reminder days at `key`: an object {days_before, overdue_every_days, hour}
// sets `own`, null sets `server` (back to the server's policy), absent leaves both. Sends 400
// naming the field and returns false when malformed.
bool ReminderPolicyMember(const Call& c, const nlohmann::json& j, const char* key,
                          std::optional<webhooks::ReminderPolicy>& own, bool& server);
// An instant in ms for a view, or null when it has not happened (0).
inline nlohmann::json OrNull(int64_t ms) { return ms > 0 ? nlohmann::json(ms) : nlohmann::json(); }
// A "YYYY-MM-DD" member; an absent optional one is Date{}. Sends 400 naming it when malformed.
std::optional<domain::Date> DateMember(const Call& c, const nlohmann::json& j, const char* key,
                                       bool required);
// Runs `command` as the caller and answers 201 with the outcome (and the task `task_id`, when
// given) once its events are durable; If-Match and Idempotency-Key apply. The answer is written
// on `post`'s thread, not on the store's notifier thread that reports the outcome.
void RunCommand(App& app, const std::function<void(std::function<void()>)>& post, Call& c,
                domain::Command command, std::string task_id = {});
// A "YYYY-MM-DD" query parameter or member; sends 400 naming it when malformed.
bool DateParam(const Call& c, const char* name, std::optional<domain::Date>* out);
// ?limit= (1-kMaxPageLimit, default 100) and ?cursor= (an offset, from next_cursor); answers 400
// and returns false when malformed.
inline constexpr size_t kMaxPageLimit = 1000;
bool LimitParam(const Call& c, size_t* limit, size_t* offset);
// Today in Vietnam.
domain::Date Today(const App& app);
// Whether the caller may read `task`: coordinators and auditors all, agencies their own.
bool CanSee(const Call& c, const domain::Ledger& l, const domain::Task& t);
// The caller's agency number when it sees `t` only through a group (a member, who reads its own
// part and never another's); none for everyone else.
std::optional<uint32_t> MemberViewer(const TokenRecord& who, const domain::Ledger& l,
                                     const domain::Task& t);
// Whether the caller may read every part of `t`: coordinators, auditors, and an agency that
// leads it itself (the department whose schools carry it out).
bool ReadsParts(const Call& c, const domain::Task& t);
// Whether an event of `t`'s stream is for `agency`'s eyes, when it sees `t` only through a
// group: what concerns the task as a whole, and its own part; never another member's part,
// comment, reminder or notification.
bool EventVisibleToMember(std::string_view agency, std::string_view type, std::string_view data);
// How much of a plan the caller may read. Coordinators and auditors: all of it. An agency with
// a task in the plan: the plan and the report of its own tasks, or the whole report when the
// plan is open to its participants. An agency with no task in it: nothing.
enum class PlanReach { kNone, kOwnTasks, kAll };
PlanReach PlanAccess(const Call& c, const domain::Ledger& l, const domain::Plan& p);
// 403 for an agency reading a plan it has no task in.
Problem NotParticipant(const std::string& plan);
// An ETag for a stream version: "7" (quoted, as RFC 9110 wants).
std::string VersionTag(uint64_t version);
bool RequireRole(const Call& c, std::initializer_list<domain::ActorRole> roles);

}  // namespace taskledger::server
