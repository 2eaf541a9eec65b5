// The outbox's store in PostgreSQL: one table, taskledger_kv (box, key, value), shared by every
// node on the log's database; each outbox is a box ("webhooks", "mail").
#include <spdlog/spdlog.h>

#include <map>
#include <mutex>

#include "events/pg_conn.h"
#include "events/util/coding.h"
#include "webhooks/kv.h"

namespace taskledger::webhooks {
namespace {

// The event store creates the table with the rest of the schema (events/pg_event_store.cpp);
// this only checks it is there.
constexpr const char* kTable = "SELECT 'taskledger_kv'::regclass";

constexpr int kPage = 1000;

// The first key after every key starting with `prefix` (empty: no bound).
std::string After(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xff) end.pop_back();
  if (!end.empty()) end.back() = static_cast<char>(end.back() + 1);
  return end;
}

std::string Bytea(std::string_view b) { return "\\x" + Hex(b); }

class PgKv final : public KvStore {
 public:
  PgKv(std::string uri, std::string box)
      : box_(std::move(box)), pool_(std::move(uri), "taskledger outbox", 4) {}

  Status Init() {
    auto c = pool_.Acquire();
    if (!c.ok()) return c.status();
    return (*c)->Exec(kTable).status();
  }

  Result<std::optional<std::string>> Get(std::string_view key) const override {
    auto c = pool_.Acquire();
    if (!c.ok()) return c.status();
    auto r = (*c)->Query("SELECT value FROM taskledger_kv WHERE box = $1 AND key = $2",
                         {box_, Bytea(key)}, /*binary=*/true);
    if (!r.ok()) return r.status();
    if (PQntuples(r->get()) == 0) return std::optional<std::string>();
    return std::optional<std::string>(
        std::string(PQgetvalue(r->get(), 0, 0), PQgetlength(r->get(), 0, 0)));
  }

  Status Scan(std::string_view prefix, std::string_view start, const KvVisit& fn) const override {
    return Walk(prefix, start.empty() ? std::string(prefix) : std::string(start), false, fn);
  }

  Status ScanBack(std::string_view prefix, std::string_view before,
                  const KvVisit& fn) const override {
    return Walk(prefix, before.empty() ? After(prefix) : std::string(before), true, fn);
  }

  Status Write(const KvBatch& batch, bool, std::string_view what) override {
    // The batch's effect, key by key (later writes win), after its range deletions.
    std::map<std::string, std::optional<std::string>> last;
    std::vector<std::pair<std::string, std::string>> ranges;
    for (const KvBatch::Op& op : batch.ops()) {
      if (op.kind == KvBatch::Op::Kind::kDeleteRange) {
        ranges.emplace_back(op.key, op.value);
        std::erase_if(last, [&](const auto& e) { return e.first >= op.key && e.first < op.value; });
      } else {
        last[op.key] = op.kind == KvBatch::Op::Kind::kPut ? std::optional(op.value) : std::nullopt;
      }
    }
    std::vector<std::string> put_keys, put_values, deleted;
    for (auto& [k, v] : last) {
      if (v) {
        put_keys.push_back(Bytea(k));
        put_values.push_back(Bytea(*v));
      } else {
        deleted.push_back(Bytea(k));
      }
    }
    const auto array = [](const std::vector<std::string>& items) {
      std::vector<std::string_view> views(items.begin(), items.end());
      return pg::TextArray(views);
    };
    Status s = [&]() -> Status {
      auto c = pool_.Acquire();
      if (!c.ok()) return c.status();
      pg::PgConn& db = **c;
      if (auto r = db.Exec("BEGIN"); !r.ok()) return r.status();
      const auto fail = [&](Status st) {
        (void)db.Exec("ROLLBACK");
        return st;
      };
      for (const auto& [from, to] : ranges) {
        auto r = db.Query("DELETE FROM taskledger_kv WHERE box = $1 AND key >= $2 AND key < $3",
                          {box_, Bytea(from), Bytea(to)});
        if (!r.ok()) return fail(r.status());
      }
      if (!deleted.empty()) {
        auto r = db.Query("DELETE FROM taskledger_kv WHERE box = $1 AND key = ANY($2::bytea[])",
                          {box_, array(deleted)});
        if (!r.ok()) return fail(r.status());
      }
      if (!put_keys.empty()) {
        auto r = db.Query(
            "INSERT INTO taskledger_kv (box, key, value) "
            "SELECT $1, k, v FROM unnest($2::bytea[], $3::bytea[]) AS t(k, v) "
            "ON CONFLICT (box, key) DO UPDATE SET value = EXCLUDED.value",
            {box_, array(put_keys), array(put_values)});
        if (!r.ok()) return fail(r.status());
      }
      return db.Exec("COMMIT").status();
    }();
    std::lock_guard lock(mu_);
    if (!s.ok()) {
      spdlog::warn("outbox {}: {}: {}", box_, what, s.ToString());
      error_ = s;
      return s;
    }
    error_ = Status::Ok();
    return s;
  }

  Status write_status() const override {
    std::lock_guard lock(mu_);
    return error_;
  }

  bool TryRecover() override {
    auto c = pool_.Acquire();
    if (!c.ok() || !(*c)->Exec("SELECT 1").ok()) return false;
    std::lock_guard lock(mu_);
    error_ = Status::Ok();
    return true;
  }

  Status Checkpoint(const std::string& dir) const override {
    auto copy = OpenRocksKv(dir, {});
    if (!copy.ok()) return copy.status();
    KvBatch batch;
    Status s = Scan("", "", [&](std::string_view k, std::string_view v) {
      batch.Put(k, v);
      return true;
    });
    if (!s.ok()) return s;
    return batch.Count() == 0 ? Status::Ok() : (*copy)->Write(batch, true, "copying the outbox");
  }

 private:
  // Pages through the box's keys starting with `prefix`, from `from` (inclusive ascending, or
  // exclusive descending).
  Status Walk(std::string_view prefix, std::string from, bool back, const KvVisit& fn) const {
    auto c = pool_.Acquire();
    if (!c.ok()) return c.status();
    const std::string bound = back ? std::string(prefix) : After(prefix);
    bool first = true;
    for (;;) {
      std::string sql = "SELECT key, value FROM taskledger_kv WHERE box = $1 AND key ";
      sql += back ? "< $2" : (first ? ">= $2" : "> $2");
      if (back) {
        sql += " AND key >= $3 ORDER BY key DESC";
      } else if (!bound.empty()) {
        sql += " AND key < $3 ORDER BY key";
      } else {
        sql += " AND $3 = $3 ORDER BY key";
      }
      sql += " LIMIT " + std::to_string(kPage);
      auto r = (*c)->Query(sql, {box_, Bytea(from), Bytea(bound)}, /*binary=*/true);
      if (!r.ok()) return r.status();
      const int rows = PQntuples(r->get());
      for (int i = 0; i < rows; ++i) {
        const std::string_view k(PQgetvalue(r->get(), i, 0), PQgetlength(r->get(), i, 0));
        if (!fn(k, std::string_view(PQgetvalue(r->get(), i, 1), PQgetlength(r->get(), i, 1)))) {
          return Status::Ok();
        }
        if (i == rows - 1) from.assign(k);
      }
      if (rows < kPage) return Status::Ok();
      first = false;
    }
  }

  const std::string box_;
  mutable pg::PgPool pool_;
  mutable std::mutex mu_;
  Status error_;  // by mu_: the last write's failure, until one succeeds or TryRecover
};

}  // namespace

Result<std::unique_ptr<KvStore>> OpenPgKv(const std::string& uri, const std::string& box) {
  auto kv = std::make_unique<PgKv>(uri, box);
  if (Status s = kv->Init(); !s.ok()) return std::move(s).In("the " + box + " outbox");
  return std::unique_ptr<KvStore>(std::move(kv));
}

}  // namespace taskledger::webhooks
