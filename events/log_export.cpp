#include "events/log_export.h"

#include <nlohmann/json.hpp>

#include "events/chain.h"

namespace taskledger {

using nlohmann::json;

namespace {

json HeadJson(const Head& h) { return {{"position", h.position}, {"hash", ToHex(h.hash)}}; }

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::strict); }

}  // namespace

std::string ExportHeader(uint64_t after, const Hash& previous, const Head& head, int64_t now_ms) {
  return Dump({{"taskledger_export", 1},
               {"after", after},
               {"previous_hash", ToHex(previous)},
               {"head", HeadJson(head)},
               {"exported_at_ms", now_ms}}) +
         "\n";
}

json EventMeta(const RecordedEvent& e) {
  return {{"position", e.position}, {"stream", e.stream},   {"version", e.version},
          {"id", e.id.ToString()},  {"type", e.type},       {"recorded_at_ms", e.recorded_at_ms},
          {"actor", e.actor},       {"hash", ToHex(e.hash)}};
}

std::string ExportLine(const RecordedEvent& e) {
  json j = EventMeta(e);
  j["correlation_id"] = e.correlation_id;
  j["causation_id"] = e.causation_id;
  std::string line = Dump(j);
  line.pop_back();  // '}': data goes last, verbatim
  line += ",\"data\":";
  line += e.data;
  line += "}\n";
  return line;
}

std::string ExportTrailer(uint64_t count, const Head& head) {
  return Dump({{"end", true}, {"count", count}, {"head", HeadJson(head)}}) + "\n";
}

bool ExportLog(const EventStore& store, uint64_t after, int64_t now_ms,
               const std::function<bool(std::string)>& write) {
  const Head head = store.head();
  Hash previous{};
  if (after > 0) {
    auto e = store.Get(after);
    if (!e.ok()) return false;
    previous = e->hash;
  }
  if (!write(ExportHeader(after, previous, head, now_ms))) return false;
  uint64_t next = after + 1, count = 0;
  while (next <= head.position) {
    auto batch = store.ReadAll(next, 1000);
    if (!batch.ok() || batch->empty()) return false;
    std::string chunk;
    for (const RecordedEvent& e : *batch) {
      if (e.position > head.position) break;
      chunk += ExportLine(e);
      next = e.position + 1;
      ++count;
    }
    if (!write(std::move(chunk))) return false;
  }
  return write(ExportTrailer(count, head));
}

namespace {

// A member's value when it is there with the expected type; the fallback when it is absent.
// nullopt when it is there with another type: an export is untrusted input.
template <typename T>
std::optional<T> Member(const json& object, const char* name, T fallback) {
  const auto it = object.find(name);
  if (it == object.end()) return fallback;
  if constexpr (std::is_same_v<T, std::string>) {
    if (!it->is_string()) return std::nullopt;
  } else {
    if (!it->is_number_unsigned()) return std::nullopt;
  }
  return it->template get<T>();
}

}  // namespace

ExportCheck VerifyExport(std::istream& in) {
  ExportCheck r;
  std::string line;
  const auto fail = [&](std::string problem) {
    r.ok = false;
    r.problem = std::move(problem);
    return r;
  };
  if (!std::getline(in, line)) return fail("the file is empty");
  r.line = 1;
  json header = json::parse(line, nullptr, false);
  if (header.is_discarded() || !header.contains("taskledger_export")) {
    return fail("line 1 is not a TaskLedger export header");
  }
  Hash previous{};
  const auto previous_hex = Member(header, "previous_hash", std::string());
  if (!previous_hex || !FromHex(*previous_hex, &previous)) {
    return fail("line 1: previous_hash is not a SHA-256 in hex");
  }
  const auto after = Member(header, "after", uint64_t{0});
  if (!after) return fail("line 1: after is not a log position");
  Hash claimed_head{};
  const auto head_it = header.find("head");
  if (head_it == header.end() || !head_it->is_object()) return fail("line 1: head is missing");
  const json& h = *head_it;
  const auto head_hex = Member(h, "hash", std::string());
  const auto head_position = Member(h, "position", uint64_t{0});
  if (!head_hex || !FromHex(*head_hex, &claimed_head) || !head_position) {
    return fail("line 1: head is not a log position and a SHA-256 in hex");
  }
  ChainChecker chain(*after, previous);
  r.head = {chain.position(), chain.hash(), 0};
  bool ended = false;
  while (std::getline(in, line)) {
    ++r.line;
    if (ended) return fail("line " + std::to_string(r.line) + ": text after the trailer");
    if (line.empty()) continue;
    const size_t at = line.find(",\"data\":");
    json j = json::parse(at == std::string::npos ? line : line.substr(0, at) + "}", nullptr, false);
    if (j.is_discarded()) return fail("line " + std::to_string(r.line) + ": not JSON");
    if (j.contains("end")) {
      ended = true;
      const auto count = Member(j, "count", uint64_t{0});
      if (!count) return fail("line " + std::to_string(r.line) + ": count is not a number");
      if (*count != r.checked) {
        return fail("the trailer counts " + std::to_string(*count) + " events; the file has " +
                    std::to_string(r.checked));
      }
      continue;
    }
    if (at == std::string::npos || line.back() != '}') {
      return fail("line " + std::to_string(r.line) + ": no data member at the end");
    }
    RecordedEvent e;
    try {
      e.position = j.at("position").get<uint64_t>();
      e.stream = j.at("stream").get<std::string>();
      e.version = j.at("version").get<uint64_t>();
      auto id = Uuid::Parse(j.at("id").get<std::string>());
      if (!id) throw std::invalid_argument("id");
      e.id = *id;
      e.type = j.at("type").get<std::string>();
      e.recorded_at_ms = j.at("recorded_at_ms").get<int64_t>();
      e.actor = j.at("actor").get<std::string>();
      e.correlation_id = j.at("correlation_id").get<std::string>();
      e.causation_id = j.at("causation_id").get<std::string>();
      if (!FromHex(j.at("hash").get<std::string>(), &e.hash)) throw std::invalid_argument("hash");
    } catch (const std::exception&) {
      return fail("line " + std::to_string(r.line) + ": a member is missing or of the wrong type");
    }
    e.data = line.substr(at + 8, line.size() - at - 9);
    if (!chain.Check(ViewOf(e)))
      return fail("line " + std::to_string(r.line) + ": " + chain.problem());
    ++r.checked;
    r.head = {e.position, e.hash, e.recorded_at_ms};
  }
  if (!ended) return fail("the file ends without its trailer (cut short?)");
  if (r.head.position != *head_position || r.head.hash != claimed_head) {
    return fail("the chain ends at " + std::to_string(r.head.position) + " " + ToHex(r.head.hash) +
                ", not at the head the header promises");
  }
  r.ok = true;
  return r;
}

}  // namespace taskledger
