#include "server/app/state.h"

#include "events/util/binary.h"
#include "events/util/progress.h"

namespace taskledger::server {

namespace {

// The agency a channel's event is about, and how many of its channels reach it now.
std::optional<std::pair<std::string, int>> ChannelsOf(const State& s, const EventView& e) {
  std::string agency;
  if (e.stream.starts_with("webhook-")) {
    if (const auto* sub = s.webhooks.Find(e.stream.substr(8))) agency = sub->agency;
  } else if (e.stream.starts_with("email-")) {
    if (const auto* box = s.mailboxes.Find(e.stream.substr(6))) agency = box->agency;
  }
  if (agency.empty()) return std::nullopt;
  int live = static_cast<int>(s.webhooks.Live(agency).size());
  for (const webhooks::mail::Mailbox* m : s.mailboxes.Of(agency)) live += m->Reaches();
  return std::pair{agency, live};
}

}  // namespace

Status State::Apply(const EventView& e) {
  if (Status s = ledger.Apply(e); !s.ok()) return s;
  tokens.Apply(e);
  webhooks.Apply(e);
  mailboxes.Apply(e);
  if (auto now = ChannelsOf(*this, e)) {
    std::vector<ChannelChange>& line = channels[now->first];
    if (line.empty() || line.back().live != now->second) {
      line.push_back({e.recorded_at_ms, now->second});
    }
  }
  if (e.correlation_id.starts_with(kIdemPrefix)) {
    const std::string_view rest = e.correlation_id.substr(kIdemPrefix.size());
    const size_t last_colon = rest.rfind(':');
    if (last_colon != std::string_view::npos) {
      IdemRecord& r = idem[std::string(rest.substr(0, last_colon))];
      if (r.first_position == 0) r.first_position = e.position;
      r.last_position = e.position;
      r.stream = std::string(e.stream);
      r.version = e.version;
      r.fingerprint = std::string(rest.substr(last_colon + 1));
    }
  }
  return Status::Ok();
}

Status State::FoldLog(const EventStore& store, uint64_t to, Progress* progress,
                      const std::function<bool(const EventView&)>& each) {
  if (position() >= to) return Status::Ok();
  Status failed = Status::Ok();
  uint64_t at = 0;
  Status s = store.Scan(position() + 1, to, [&](const EventView& e) {
    at = e.position;
    if (progress) progress->Update(e.position);
    failed = Apply(e);
    return failed.ok() && (!each || each(e));
  });
  if (!failed.ok()) {
    return Status::Corruption("the event at position " + std::to_string(at) +
                              " cannot be folded: " + failed.message());
  }
  if (!s.ok()) {
    return s.code() == Status::Code::kCorruption || s.code() == Status::Code::kUnavailable
               ? s
               : Status::IOError("reading the log to fold it: " + s.message());
  }
  return Status::Ok();
}

void State::EncodeIdem(std::string& out) const {
  BinaryWriter w(out);
  w.U64(idem.size());
  for (const auto& [slot, r] : idem) {
    w.Str(slot);
    w.Str(r.stream);
    w.U64(r.first_position);
    w.U64(r.last_position);
    w.U64(r.version);
    w.Str(r.fingerprint);
  }
}

Status State::DecodeIdem(std::string_view in) {
  BinaryReader r(in);
  for (size_t n = r.Count(6); n > 0 && r.ok(); --n) {
    std::string slot = r.Str();
    IdemRecord& rec = idem[std::move(slot)];
    rec.stream = r.Str();
    rec.first_position = r.U64();
    rec.last_position = r.U64();
    rec.version = r.U64();
    rec.fingerprint = r.Str();
  }
  if (!r.ok() || !r.done())
    return Status::Corruption("the checkpoint's idempotency keys are damaged");
  return Status::Ok();
}

void State::EncodeChannels(std::string& out) const {
  BinaryWriter w(out);
  std::string part;
  webhooks.Encode(part);
  w.Str(part);
  part.clear();
  mailboxes.Encode(part);
  w.Str(part);
  w.U64(channels.size());
  for (const auto& [agency, line] : channels) {
    w.Str(agency);
    w.U64(line.size());
    for (const ChannelChange& c : line) {
      w.I64(c.at_ms);
      w.I64(c.live);
    }
  }
}

Status State::DecodeChannels(std::string_view in) {
  BinaryReader r(in);
  const std::string hooks = r.Str(), boxes = r.Str();
  for (size_t n = r.Count(2); n > 0 && r.ok(); --n) {
    std::vector<ChannelChange>& line = channels[r.Str()];
    line.resize(r.Count(2));
    for (ChannelChange& c : line) {
      c.at_ms = r.I64();
      c.live = static_cast<int>(r.I64());
    }
  }
  if (!r.ok() || !r.done()) return Status::Corruption("the webhooks section is damaged");
  if (Status s = webhooks.Decode(hooks); !s.ok()) return s;
  return mailboxes.Decode(boxes);
}

}  // namespace taskledger::server
