#include "server/api/api_channels.h"

namespace taskledger::server {

using nlohmann::json;

Later::Later(const Call& c)
    : reply(c.reply),
      version(c.req.version()),
      lang(PreferredLanguage(c.req[http::field::accept_language])) {}

void Later::Json(http::status status, const json& body, const std::string& location) const {
  Response res{status, version};
  res.set(http::field::content_type, "application/json; charset=utf-8");
  res.set(http::field::cache_control, "no-store");
  if (!location.empty()) res.set(http::field::location, location);
  res.body() = body.dump(-1, ' ', false, json::error_handler_t::replace);
  reply(std::move(res));
}

void Later::Fail(const Problem& p) const {
  Problem worded = p;
  Localize(worded, lang);
  reply(worded.ToResponse(version));
}

void SubmitChange(App& app, const Post& post, const Call& c, Result<domain::Decision> d,
                  std::function<void(const Later&)> done,
                  std::function<void(const Later&, const Status&)> failed) {
  const Later later(c);
  const auto fail = [later, failed](const Status& s) {
    if (failed) return failed(later, s);
    later.Fail(FromStatus(s));
  };
  if (!d.ok()) return fail(d.status());
  app.Submit(std::move(*d),
             [post, later, done = std::move(done), fail](Result<CommandOutcome> r) mutable {
               // Called on the store's notifier thread: the answer is built on `post`'s.
               post([later, done = std::move(done), fail, r = std::move(r)] {
                 if (!r.ok()) return fail(r.status());
                 done(later);
               });
             });
}

}  // namespace taskledger::server
