// Task lists: an agency's tasks by next due date, or a plan's in plan order; filtered, paged,
// written straight to text, reused while the ledger has not moved (ETag, 304) and, item by item,
// while their tasks have not (PageCache).
#include <unordered_map>
#include <unordered_set>

#include "domain/text.h"
#include "server/api/api.h"
#include "server/api/api_util.h"
#include "server/views/views.h"

namespace taskledger::server {

using namespace domain;

namespace {

// The ETag of today's lists: the folded log position from which the page has read the same, and
// the day it reflects.
std::string ListTag(uint64_t position, Date today) {
  std::string tag = "\"p";
  tag += std::to_string(position);
  tag += '-';
  tag += ToIso(today);
  tag += '"';
  return tag;
}

// A list answer clients revalidate: 200 with `body`, or 304 when `body` is null.
Response ListResponse(const Call& c, const std::string* body, const std::string& tag) {
  Response res{body ? http::status::ok : http::status::not_modified, c.req.version()};
  if (body) {
    res.set(http::field::content_type, "application/json; charset=utf-8");
    res.body() = *body;
  }
  res.set(http::field::cache_control, "private, no-cache");
  res.set(http::field::vary, "Authorization");
  res.set(http::field::etag, tag);
  return res;
}

}  // namespace

void Api::AddTaskListRoutes() {
  const auto list_tasks = [this](Call& c, std::string agency) {
    std::optional<Date> due_before, due_after, as_of;
    size_t limit, offset;
    if (!DateParam(c, "due_before", &due_before) || !DateParam(c, "due_after", &due_after) ||
        !DateParam(c, "as_of", &as_of) || !LimitParam(c, &limit, &offset)) {
      return;
    }
    const std::string plan = c.query.count("plan") ? c.query.at("plan") : "";
    const std::string status = c.query.count("status") ? c.query.at("status") : "";
    const std::string role = c.query.count("role") ? c.query.at("role") : "";
    const bool overdue = c.query.count("overdue") && c.query.at("overdue") == "true";
    // Words people search by: a task's code, title or deliverable, ignoring case and diacritics.
    const std::string words = c.query.count("q") ? Fold(c.query.at("q")) : "";
    if (!role.empty() && role != "lead" && role != "coordinating") {
      return c.Fail(BadRequest("role must be lead or coordinating", "role"));
    }
    if (c.who.role == ActorRole::kAgency) {
      if (!agency.empty() && agency != c.who.agency) {
        return c.Fail(Forbidden("an agency token sees only its own agency's tasks"));
      }
      agency = c.who.agency;
    }
    const Date today = as_of.value_or(Today(app_));
    const bool current = !as_of || !(*as_of < Today(app_));
    // Today's lists change only when an event is folded: a page rendered at this position is
    // answered as it is (304 to a poll that has it); one rendered earlier lends the items whose
    // tasks have not changed since.
    std::string cache_key;
    std::shared_ptr<const ListPage> before;
    if (current) {
      cache_key = agency + '\n' + ToIso(today);
      for (const auto& [k, v] : c.query) cache_key += '\n' + k + '=' + v;
      before = pages_.Find(cache_key);
      if (before && before->position == app_.folded_position()) {
        pages_.CountHit();
        const std::string tag = ListTag(before->since, today);
        const bool unchanged = c.req[http::field::if_none_match] == tag;
        return c.reply(ListResponse(c, unchanged ? nullptr : &before->body, tag));
      }
    }
    auto page = std::make_shared<ListPage>();
    uint64_t reused = 0;
    const bool by_occurrence = !status.empty() || overdue || due_before || due_after;
    const auto list = [&](const Ledger& l) {
      // Filters look at the task's current occurrence, as its view shows it.
      const auto keep = [&](const Task& t) {
        if (!plan.empty() && t.plan != plan) return false;
        if (!words.empty() &&
            Fold(t.code + " " + t.title + " " + t.deliverable).find(words) == std::string::npos) {
          return false;
        }
        if (!by_occurrence) return true;
        const Occurrence* cur = CurrentOccurrence(t);
        if (!status.empty() && (!cur || ToString(cur->status) != status)) return false;
        if (overdue && (!cur || Classify(*cur, today) != Category::kOverdue)) return false;
        const std::optional<Date> next = cur && cur->open() ? cur->due : std::nullopt;
        if (due_before && (!next || !(*next < *due_before))) return false;
        if (due_after && (!next || !(*due_after < *next))) return false;
        return true;
      };
      // The page's tasks are picked first and written once, straight into the body.
      std::vector<std::pair<const Task*, const AgencyItem*>> picked;
      size_t matched = 0;
      const auto add = [&](const Task& t, const AgencyItem* item) {
        if (!keep(t)) return;
        if (matched++ < offset || picked.size() >= limit) return;
        picked.emplace_back(&t, item);
      };
      std::vector<AgencyItem> found;
      if (!agency.empty()) {
        if (!l.FindAgency(agency)) return false;
        AgencyQuery q;
        if (role == "lead") q.role = Role::kLead;
        if (role == "coordinating") q.role = Role::kCoordinating;
        // Ask for just enough items to fill the page and see whether another follows; a task
        // with several open occurrences and the filters use up items, so ask again for more
        // while the answer came back full and the page is not.
        const size_t want = offset + limit + 1;
        for (q.limit = 2 * want;; q.limit *= 4) {
          picked.clear();
          matched = 0;
          std::unordered_set<const Task*> seen;
          found = l.AgencyTasks(agency, today, q);
          for (const AgencyItem& item : found) {
            // One line per task, at its next due.
            if (seen.insert(item.task).second) add(*item.task, &item);
            if (matched >= want) break;
          }
          if (matched >= want || found.size() < q.limit) break;
        }
      } else {
        for (const Plan* p : l.Plans()) {
          for (const std::string& id : p->task_ids) add(*l.FindTask(id), nullptr);
        }
      }
      // An item of the page before is reused while it reads the same (ListPage): pages are
      // asked for again in the same order, so the items are met in turn, and looked up by task
      // only once the orders part.
      const bool reusable =
          before && before->ledger == l.instance() && before->context == l.context();
      size_t next_before = 0;
      std::unordered_map<const Task*, const ListPage::Item*> by_task;
      const auto item_before = [&](const Task* task) -> const ListPage::Item* {
        if (!reusable) return nullptr;
        const auto& items = before->items;
        if (next_before < items.size() && items[next_before].task == task) {
          return &items[next_before++];
        }
        if (by_task.empty()) {
          for (const ListPage::Item& i : items) by_task.emplace(i.task, &i);
        }
        auto it = by_task.find(task);
        return it == by_task.end() ? nullptr : it->second;
      };
      std::string& body = page->body;
      body.reserve(before ? before->body.size() + 1024 : 512 * (picked.size() + 1));
      page->items.reserve(picked.size());
      JsonWriter w(&body);
      w.BeginObject().Key("items").BeginArray();
      for (const auto& [task, item] : picked) {
        ListPage::Item now{task,
                           task->version,
                           item ? item->occurrence : nullptr,
                           item ? item->part : nullptr,
                           item ? item->role : Role::kLead,
                           item ? item->via : std::string(),
                           static_cast<uint32_t>(body.size()),
                           0};
        const ListPage::Item* was = item_before(task);
        if (was && was->version == now.version && was->occurrence == now.occurrence &&
            was->part == now.part && was->role == now.role && was->via == now.via) {
          w.Raw(std::string_view(before->body).substr(was->begin, was->end - was->begin));
          ++reused;
        } else {
          WriteTask(w, *task, today, false, item);
        }
        if (body[now.begin] == ',') ++now.begin;
        now.end = static_cast<uint32_t>(body.size());
        page->items.push_back(std::move(now));
      }
      w.EndArray().Key("next_cursor");
      if (matched > offset + limit) {
        w.String(std::to_string(offset + limit));
      } else {
        w.Null();
      }
      if (as_of) w.Field("as_of", ToIso(*as_of));
      w.EndObject();
      page->position = l.position();
      page->ledger = l.instance();
      page->context = l.context();
      return true;
    };
    bool ok = false;
    if (!current) {
      // Who owned what, due when, on that day: the nearest checkpoint (of that plan, when the
      // list is of one) and the log after it.
      // One agency's list across plans loads only the plans it took part in.
      auto past = plan.empty() && !agency.empty() ? app_.AgencyAsOf(*as_of, agency)
                                                  : app_.LedgerAsOf(*as_of, plan);
      if (!past.ok()) return c.Fail(FromStatus(past.status()));
      ok = list(**past);
    } else {
      ok = app_.Read([&](const Ledger& l) { return list(l); });
    }
    if (!ok) return c.Fail(NotFound("no agency '" + agency + "'"));
    if (!current) return c.JsonText(http::status::ok, std::move(page->body));
    pages_.CountRender(reused, page->items.size() - reused);
    page->since = before && before->body == page->body ? before->since : page->position;
    const std::string tag = ListTag(page->since, today);
    const bool unchanged = c.req[http::field::if_none_match] == tag;
    pages_.Put(cache_key, page);
    c.reply(ListResponse(c, unchanged ? nullptr : &page->body, tag));
  };
  const std::vector<QueryParam> filters = {
      {"plan", ParamKind::kText},
      {"q", ParamKind::kText},
      {"role", ParamKind::kEnum, {"lead", "coordinating"}},
      {"status",
       ParamKind::kEnum,
       {"not_started", "in_progress", "submitted", "completed", "cancelled"}},
      {"due_before", ParamKind::kDate},
      {"due_after", ParamKind::kDate},
      {"overdue", ParamKind::kBool},
      {"as_of", ParamKind::kDate},
      {"limit", ParamKind::kLimit},
      {"cursor", ParamKind::kCursor}};
  std::vector<QueryParam> with_agency = filters;
  with_agency.push_back({"agency", ParamKind::kText});
  // A past day's list folds that day's ledger (a checkpoint and the log after it): on a render
  // thread. Today's is a small read, answered here.
  const auto route = [this, list_tasks](Call& c, std::string agency) {
    const auto day = c.query.count("as_of") ? ParseIsoDate(c.query.at("as_of")) : std::nullopt;
    if (day && *day < Today(app_)) {
      return Render(c, [list_tasks, agency](Call& c) { list_tasks(c, agency); });
    }
    list_tasks(c, std::move(agency));
  };
  Add(
      http::verb::get, "/v1/tasks",
      [route](Call& c) { route(c, c.query.count("agency") ? c.query.at("agency") : ""); },
      with_agency);
  Add(
      http::verb::get, "/v1/agencies/{}/tasks", [route](Call& c) { route(c, c.params[0]); },
      filters);
}

}  // namespace taskledger::server
