// The outbox's messages as stored, and reading them back.
#include <nlohmann/json.hpp>

#include "webhooks/outbox_impl.h"

namespace taskledger::webhooks {

using nlohmann::json;

std::string Encode(const Message& m) {
  return json{{"id", m.id},
              {"endpoint", m.endpoint},
              {"agency", m.agency},
              {"type", m.type},
              {"task", m.task},
              {"occurrence", m.occurrence},
              {"key", m.key},
              {"created", m.created_ms},
              {"due", m.due_ms},
              {"state", ToString(m.state)},
              {"attempts", m.attempts},
              {"round", m.round_base},
              {"next", m.next_ms},
              {"status", m.last_status},
              {"error", m.last_error},
              {"done", m.done_ms},
              {"to", m.to},
              {"about", m.about}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<Message> Decode(std::string_view text) {
  const json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return Status::Corruption("outbox: unreadable message");
  Message m;
  m.id = j.value("id", "");
  m.endpoint = j.value("endpoint", "");
  m.to = j.value("to", "");
  m.about = j.value("about", std::vector<std::string>{});
  m.agency = j.value("agency", "");
  m.type = j.value("type", "");
  m.task = j.value("task", "");
  m.occurrence = j.value("occurrence", "");
  m.key = j.value("key", "");
  m.created_ms = j.value("created", int64_t{0});
  m.due_ms = j.value("due", int64_t{0});
  const std::string state = j.value("state", "pending");
  m.state = state == "delivered" ? MessageState::kDelivered
            : state == "failed"  ? MessageState::kFailed
                                 : MessageState::kPending;
  m.attempts = j.value("attempts", 0);
  m.next_ms = j.value("next", int64_t{0});
  m.last_status = j.value("status", 0);
  m.last_error = j.value("error", "");
  m.done_ms = j.value("done", int64_t{0});
  m.round_base = j.value("round", 0);
  return m;
}

Result<Message> Outbox::Impl::Load(const std::string& id, bool body) const {
  auto value = kv->Get(MessageKey(id));
  if (!value.ok()) return value.status();
  if (!*value) return Status::NotFound("no delivery '" + id + "'");
  auto m = Decode(**value);
  if (!m.ok() || !body) return m;
  auto b = kv->Get(BodyKey(id));
  if (!b.ok()) return b.status();
  if (*b) m->body = std::move(**b);
  return m;
}

Result<std::vector<Message>> Outbox::Impl::LoadAll(const std::string& prefix, size_t id_at,
                                                   bool bodies) const {
  std::vector<std::string> ids;
  Status s = kv->Scan(prefix, "", [&](std::string_view k, std::string_view) {
    ids.emplace_back(k.substr(id_at));
    return true;
  });
  if (!s.ok()) return s;
  std::vector<Message> out;
  for (const std::string& id : ids) {
    auto m = Load(id, bodies);
    if (!m.ok()) return m.status();
    out.push_back(std::move(*m));
  }
  return out;
}

Status Outbox::Impl::IndexDone() {
  auto marker = kv->Get(kDoneIndexKey);
  if (!marker.ok()) return marker.status();
  if (*marker) return Status::Ok();
  KvBatch batch;
  Status s = kv->Scan("m", "", [&](std::string_view, std::string_view v) {
    auto m = Decode(v);
    if (m.ok() && m->state != MessageState::kPending) batch.Put(DoneKey(m->done_ms, m->id), "");
    return true;
  });
  if (!s.ok()) return s;
  batch.Put(kDoneIndexKey, "1");
  return kv->Write(batch, true, "indexing finished messages");
}

}  // namespace taskledger::webhooks
