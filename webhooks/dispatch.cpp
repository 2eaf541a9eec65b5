// Dispatch: the log's task events and the Ledger's due dates, turned into messages for the
// subscriptions of the agencies involved.
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "domain/event_types.h"
#include "webhooks/audience.h"
#include "webhooks/payload.h"
#include "webhooks/service_impl.h"

namespace taskledger::webhooks {

using Impl = Service::Impl;
using nlohmann::json;

namespace {

// The messages of one dispatch round, as they are made.
struct Batch {
  int64_t now;
  const std::string& base_url;
  std::vector<Message> messages;

  Message& Make(const Subscription& s, std::string type, const domain::Task& t,
                std::string occurrence, std::string key, int64_t due_ms) {
    Message& m = messages.emplace_back();
    m.id = MessageIdFor(s.id, key);
    m.endpoint = s.id;
    m.agency = s.agency;
    m.type = std::move(type);
    m.task = t.id;
    m.occurrence = std::move(occurrence);
    m.key = std::move(key);
    m.created_ms = m.next_ms = now;
    m.due_ms = due_ms;
    return m;
  }
};

// The notification one log event gives the subscriptions that hear about its task.
void AddChange(const EventView& e, const domain::Ledger& ledger, const Registry& registry,
               Batch& batch) {
  const std::string_view type = ChangeType(e.type);
  if (type.empty() || !e.stream.starts_with("task-")) return;
  const domain::Task* t = ledger.FindTask(e.stream.substr(5));
  if (!t) return;
  json data = json::parse(e.data, nullptr, false);
  if (!data.is_object()) data = json::object();
  std::vector<std::string> extra = data.value("previous_lead", std::vector<std::string>{});
  for (auto& a : data.value("previous_coordinating", std::vector<std::string>{})) {
    extra.push_back(std::move(a));
  }
  const std::string occurrence = data.value("occurrence", "");
  const std::set<std::string> audience = ChangeAudience(ledger, *t, e.type, data, extra);
  const std::string details = json{
      {"event", e.id.ToString()},
      {"position", e.position},
      {"by", e.actor},
      {"at_ms", e.recorded_at_ms},
      {"data", std::move(data)}}.dump(-1, ' ', false, json::error_handler_t::replace);
  std::set<std::string> told;
  for (const std::string& agency : audience) {
    for (const Subscription* s : registry.Live(agency)) {
      if (s->created_position >= e.position || !s->Wants(type) || !told.insert(s->id).second) {
        continue;
      }
      Message& m = batch.Make(*s, std::string(type), *t, occurrence,
                              "log:" + std::to_string(e.position), e.recorded_at_ms);
      m.body =
          ChangePayload(type, *t, details, PayloadContext{m.id, e.recorded_at_ms, batch.base_url});
    }
  }
}

// The reminders due in (after_ms, batch.now] to the subscriptions that want them, each under the
// reminder policy in force for it.
void AddReminders(const domain::Ledger& ledger, const Registry& registry,
                  const ReminderPolicy& server_policy, int64_t after_ms, Batch& batch) {
  std::vector<const Subscription*> enabled;
  for (const Subscription* s : registry.All()) {
    if (s->enabled) enabled.push_back(s);
  }
  ForEachReminder(
      ledger, enabled,
      [&](const Subscription& s) -> const ReminderPolicy& {
        return s.reminders ? *s.reminders : server_policy;
      },
      after_ms, batch.now,
      [&](const Reminder& r, const Subscription& s, const domain::Part* part) {
        if (!s.Wants(r.type())) return;
        Message& m =
            batch.Make(s, std::string(r.type()), *r.task, r.occurrence->key, r.key(), r.at_ms);
        m.body = ReminderPayload(r, PayloadContext{m.id, r.at_ms, batch.base_url}, part);
      });
}

}  // namespace

void Impl::Dispatch() {
  Batch batch{host.NowMs(), options.base_url, {}};
  uint64_t new_log = log_cursor;
  std::optional<int64_t> new_clock;
  bool more = false;
  Status failed = Status::Ok();
  host.Read([&](const domain::Ledger& ledger, const Registry& registry) {
    const bool anyone = registry.live_count() > 0;
    const uint64_t folded = ledger.position();
    if (folded > log_cursor) {
      new_log = std::min(folded, log_cursor + 2000);
      more = new_log < folded;
      if (anyone) {
        failed = host.store().Scan(log_cursor + 1, new_log, [&](const EventView& e) {
          AddChange(e, ledger, registry, batch);
          return true;
        });
      }
    }
    if (batch.now > clock_cursor) {
      new_clock = batch.now;
      if (anyone) AddReminders(ledger, registry, options.reminders, clock_cursor, batch);
    }
  });
  if (!failed.ok()) {
    spdlog::error("webhooks: reading the log: {}", failed.ToString());
    return;
  }
  if (new_log == log_cursor && !new_clock) return;
  dispatching = true;
  EnqueueFrom(std::make_shared<std::vector<Message>>(std::move(batch.messages)), 0,
              Outbox::Cursors{new_log, new_clock}, more);
}

void Impl::EnqueueFrom(std::shared_ptr<std::vector<Message>> fresh, size_t from,
                       Outbox::Cursors cursors, bool more) {
  // Stored and started a few hundred at a time, the loop running in between: the first
  // deliveries of a large batch (everyone's 08:00 reminders) go out while the rest is stored.
  // The cursors move with the last part only; a crash before then derives the batch again, and
  // the parts already stored are recognised by their keys and not enqueued twice.
  constexpr size_t kPart = 500;
  const size_t to = std::min(fresh->size(), from + kPart);
  const bool last = to == fresh->size();
  std::vector<Message> part(std::make_move_iterator(fresh->begin() + static_cast<ptrdiff_t>(from)),
                            std::make_move_iterator(fresh->begin() + static_cast<ptrdiff_t>(to)));
  auto added = outbox->Enqueue(std::move(part), last ? cursors : Outbox::Cursors{}, false);
  if (!added.ok()) {
    spdlog::error("webhooks: {}", added.status().ToString());  // cursors unmoved: next tick
    dispatching = false;
    return;
  }
  stats.enqueued.fetch_add(added->size(), std::memory_order_relaxed);
  for (Message& m : *added) Add(std::move(m));
  Pump();
  if (last) {
    if (cursors.log) log_cursor = *cursors.log;
    if (cursors.clock) clock_cursor = *cursors.clock;
    dispatching = false;
    if (more) boost::asio::post(io, [self = shared_from_this()] { self->Tick(); });
    return;
  }
  boost::asio::post(io, [self = shared_from_this(), fresh, to, cursors, more] {
    if (!self->stopping) self->EnqueueFrom(fresh, to, cursors, more);
  });
}

}  // namespace taskledger::webhooks
