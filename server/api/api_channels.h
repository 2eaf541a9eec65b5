// What the webhook and email routes share (webhooks/channels.h is their common registry):
// finding the channel a path names, reading a request's members into a spec, answering a
// channel change (a subscription created, changed, confirmed, removed) without holding an I/O
// thread while its events are synced.
#pragma once

#include <functional>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>

#include "server/api/api.h"
#include "server/api/api_util.h"
#include "server/api/messages.h"
#include "webhooks/notifications.h"

namespace taskledger::server {

// Where an answer goes once it is known: the request's reply, its HTTP version and the language
// its problems are worded in. Copyable and small, so it outlives the Call that made it.
struct Later {
  explicit Later(const Call& c);

  // `body` as JSON with `status` (and a Location when given), not cached.
  void Json(http::status status, const nlohmann::json& body,
            const std::string& location = {}) const;
  // `p` worded in the request's language, as Call::Fail.
  void Fail(const Problem& p) const;
  void Send(Response res) const { reply(std::move(res)); }

  Reply reply;
  unsigned version;
  Language lang;
};

// The callback an asynchronous use case (a token created or revoked) answers `c` through: `fn`
// runs on `post`'s thread with the outcome, not on the store's notifier thread that reports it.
using Post = std::function<void(std::function<void()>)>;
template <class R>
std::function<void(R)> AnswerLater(const Post& post, const Call& c,
                                   std::function<void(const Later&, R)> fn) {
  return [post, later = Later(c), fn = std::move(fn)](R r) {
    post([later, fn, r = std::move(r)] { fn(later, r); });
  };
}

// Appends a channel's decision through App::Submit: no I/O thread waits for the sync. When the
// events are durable and folded, `done` runs on `post`'s thread, so what it reads holds the
// change. A refused decision (`d` not ok) or a failed append runs `failed` instead (on the
// caller's thread, or on `post`'s), or answers the problem when `failed` is empty. Exactly one of
// them runs, once.
void SubmitChange(App& app, const Post& post, const Call& c, Result<domain::Decision> d,
                  std::function<void(const Later&)> done,
                  std::function<void(const Later&, const Status&)> failed = {});

// The channel the path names (its first parameter) in `r`, when the caller may read it (or
// manage it); otherwise the problem is answered and none returned. Call it under the read lock.
template <class Kind>
std::optional<typename Kind::Item> FindChannel(const Call& c, const webhooks::Channels<Kind>& r,
                                               bool manage) {
  auto x = webhooks::Existing(r, c.params[0]);
  const Status st = !x.ok()  ? x.status()
                    : manage ? webhooks::CanManage(**x, c.actor)
                             : webhooks::CanRead(**x, c.actor);
  if (!st.ok()) {
    c.Fail(FromStatus(st));
    return std::nullopt;
  }
  return **x;
}

// What every channel's view says, whatever its kind; each kind's view adds its own members.
// `path`: where its kind is listed ("/v1/webhooks"), for the link to its deliveries.
template <class Item>
nlohmann::json ChannelView(const Item& x, const std::string& path) {
  return {{"id", x.id},
          {"agency", x.agency},
          {"enabled", x.enabled},
          {"created_at_ms", x.created_at_ms},
          {"created_by", x.created_by},
          {"updated_at_ms", x.updated_at_ms},
          {"version", x.version},
          {"links", {{"deliveries", path + "/" + x.id + "/deliveries"}}}};
}

// A channel request's plain members into `spec`: each of `texts` present into its string, each
// of `flags` present into its bool. Returns false after answering 400 for one of the wrong type.
template <class Spec>
bool ReadMembers(
    const Call& c, const nlohmann::json& j,
    std::initializer_list<std::pair<const char*, std::optional<std::string> Spec::*>> texts,
    std::initializer_list<std::pair<const char*, std::optional<bool> Spec::*>> flags, Spec& spec) {
  for (const auto& [key, member] : texts) {
    if (!j.contains(key)) continue;
    auto v = Text(c, j, key, true);
    if (!v) return false;
    spec.*member = *v;
  }
  for (const auto& [key, member] : flags) {
    if (!j.contains(key)) continue;
    if (!j[key].is_boolean()) {
      c.Fail(BadRequest(std::string(key) + " must be true or false", key));
      return false;
    }
    spec.*member = j[key].template get<bool>();
  }
  return true;
}

}  // namespace taskledger::server
