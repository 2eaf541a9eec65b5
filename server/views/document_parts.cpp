#include "server/views/document_parts.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "domain/import.h"
#include "server/views/documents.h"
#include "server/views/views.h"

namespace taskledger::server::parts {

using namespace domain;

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

std::string Names(const Ledger& l, const std::vector<std::string>& ids, std::string_view sep) {
  std::vector<std::string> names;
  for (const std::string& id : ids) {
    const Agency* a = l.FindAgency(id);
    names.push_back(a ? a->name : id);
  }
  return Join(names, sep);
}

std::vector<std::string> MatrixHeader() {
  // The importer's columns, then where each task stands: the ones the importer reads back
  // (status, progress, completion date) named as it knows them.
  std::vector<std::string> header = MatrixColumnNames();
  const std::vector<std::string> state = StateColumnNames();
  for (const std::string& column : {std::string("Mốc hiện tại"), std::string("Hạn hiện hành"),
                                    state[0], std::string("Nhóm"), state[1], state[2]}) {
    header.push_back(column);
  }
  return header;
}

std::vector<MatrixRow> MatrixRows(const Ledger& l, const Plan& plan, Date today) {
  const size_t width = MatrixHeader().size();
  std::vector<MatrixRow> rows;
  std::map<std::string, const Section*> sections;
  for (const Section& s : plan.sections) sections[s.code] = &s;
  std::set<std::string> written;
  // A section row, after the rows of the sections that enclose it.
  const auto section_row = [&](const std::string& code, auto& self) -> void {
    auto it = sections.find(code);
    if (it == sections.end() || written.count(code)) return;
    if (!it->second->parent.empty()) self(it->second->parent, self);
    written.insert(code);
    MatrixRow row;
    row.section = true;
    row.cells.assign(width, "");
    row.cells[0] = code;
    row.cells[1] = it->second->title;
    rows.push_back(std::move(row));
  };
  for (const std::string& id : plan.task_ids) {
    const Task* t = l.FindTask(id);
    if (!t) continue;
    section_row(t->section, section_row);
    std::vector<std::string> occurrence_targets;
    bool any_target = false;
    for (const Occurrence& o : t->occurrences) {
      if (o.dropped) continue;
      occurrence_targets.push_back(o.target);
      any_target = any_target || !o.target.empty();
    }
    MatrixRow row;
    row.cells = {t->code,
                 t->title,
                 Names(l, t->lead),
                 Names(l, t->coordinating),
                 t->deliverable,
                 t->schedule.text,
                 t->section,
                 Join(t->targets, "\n"),
                 any_target ? Join(occurrence_targets, "\n") : ""};
    if (const Occurrence* cur = CurrentOccurrence(*t)) {
      row.due = cur->due;
      row.completed_on = cur->completed_on;
      row.category = Classify(*cur, today);
      row.percent = cur->percent;
      row.cells.push_back(cur->key);
      row.cells.push_back(cur->due ? ToIso(*cur->due) : "");
      row.cells.push_back(std::string(StatusLabelVi(cur->status)));
      row.cells.push_back(std::string(CategoryLabelVi(*row.category)));
      row.cells.push_back(std::to_string(cur->percent));
      row.cells.push_back(cur->completed_on ? ToIso(*cur->completed_on) : "");
    }
    row.cells.resize(width);
    rows.push_back(std::move(row));
  }
  for (const Section& s : plan.sections) section_row(s.code, section_row);
  return rows;
}

int CountsLine::total() const {
  int n = 0;
  for (Category k : kShown) n += counts[k];
  return n;
}

std::vector<CountsLine> SectionCounts(const PlanReport& r) {
  std::vector<CountsLine> out;
  for (const Section& s : r.plan->sections) {
    auto it = r.by_section.find(s.code);
    if (it != r.by_section.end()) {
      out.push_back({s.code + ". " + s.title, it->second.tasks, it->second.parts});
    }
  }
  if (auto it = r.by_section.find(""); it != r.by_section.end()) {
    out.push_back({"Khác", it->second.tasks, it->second.parts});
  }
  return out;
}

std::vector<CountsLine> LeadCounts(const Ledger& l, const PlanReport& r) {
  std::vector<CountsLine> out;
  for (const auto& [agency, counts] : r.by_lead) {
    const Agency* a = l.FindAgency(agency);
    out.push_back({a ? a->name : agency, counts.tasks, counts.parts});
  }
  return out;
}

int CountedTotal(const PlanReport& r) {
  return r.totals.tasks.total() - r.totals.tasks[Category::kCancelled];
}

int CountedParts(const CategoryCounts& parts) {
  return parts.total() - parts[Category::kCancelled];
}

std::string PartsPhrase(const CategoryCounts& parts) {
  const int counted = CountedParts(parts);
  if (counted == 0) return "";
  std::string s =
      std::to_string(parts.completed()) + "/" + std::to_string(counted) + " đơn vị hoàn thành";
  if (const int late = parts[Category::kOverdue]; late > 0) {
    s += ", " + std::to_string(late) + " quá hạn";
  }
  return s;
}

std::vector<TaskLine> TaskLines(const Ledger& l, const PlanReport& r) {
  std::vector<TaskLine> out;
  out.reserve(r.lines.size());
  for (const ReportLine& line : r.lines) {
    const Task& t = *line.task;
    const Occurrence& o = *line.occurrence;
    TaskLine tl;
    tl.code = t.code + (t.occurrences.size() > 1 ? " (" + o.key + ")" : "");
    tl.title = t.title;
    tl.lead = Names(l, t.lead);
    tl.due = o.due ? ToDmy(*o.due) : t.schedule.text;
    if (o.due && o.original_due && *o.original_due != *o.due) {
      tl.due += " (gia hạn từ " + ToDmy(*o.original_due) + ")";
    }
    tl.state = std::string(StatusLabelVi(o.status));
    if (o.completed_on) tl.state += " ngày " + ToDmy(*o.completed_on);
    if (o.parts.empty()) {
      tl.progress = std::to_string(o.percent) + "%";
      if (!o.last_progress.empty()) tl.progress += " — " + o.last_progress;
    } else {
      // A group's occurrence: its members' progress, not one member's words.
      const PartsSummary s = Summarize(o, r.as_of);
      tl.progress =
          std::to_string(s.percent) + "% (bình quân " + std::to_string(s.counted) + " đơn vị)";
      tl.parts = PartsPhrase(line.parts);
    }
    tl.category = line.category;
    tl.due_date = o.due;
    out.push_back(std::move(tl));
  }
  return out;
}

std::vector<TaskLine> Upcoming(const std::vector<TaskLine>& lines, Date as_of, int days) {
  const Date until = AddDays(as_of, days);
  std::vector<TaskLine> out;
  for (const TaskLine& line : lines) {
    const bool open = line.category == Category::kInProgressWithinDeadline ||
                      line.category == Category::kNotYetDue;
    if (open && line.due_date && as_of < *line.due_date && !(until < *line.due_date)) {
      out.push_back(line);
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const TaskLine& a, const TaskLine& b) { return *a.due_date < *b.due_date; });
  return out;
}

ReportFrame FrameOf(const Ledger& l, const Plan& plan, Date as_of, const ReportParticulars* p) {
  ReportFrame f;
  const std::string issuer_id = p && !p->issuer.empty() ? p->issuer : plan.authority;
  const Agency* issuer = l.FindAgency(issuer_id);
  const Agency* parent = issuer ? l.FindAgency(issuer->parent) : nullptr;
  f.issuer = issuer ? issuer->name : issuer_id;
  f.over = parent ? Abbreviated(parent->name) : "";
  // The office code comes from the plan's number when the plan's own authority reports.
  const std::string code = issuer_id == plan.authority ? IssuerCode(plan.number) : "";
  f.number = p && !p->number.empty() ? "Số: " + p->number
                                     : "Số:        /BC" + (code.empty() ? "" : "-" + code);
  std::string place = p && !p->place.empty() ? p->place : PlaceOf(l, issuer_id);
  f.place_date =
      (place.empty() ? "……" : place) + ", " + DateLineVi(p && p->dated ? *p->dated : as_of);
  f.signer_title = p && !p->signer_title.empty() ? p->signer_title : "THỦ TRƯỞNG CƠ QUAN";
  if (p) f.signer_name = p->signer_name;
  const std::string recipients =
      p && !p->recipients.empty()
          ? p->recipients
          : "- Cơ quan cấp trên (để báo cáo);\n- Các cơ quan chủ trì, phối hợp;\n- Lưu: VT.";
  for (size_t at = 0; at <= recipients.size();) {
    const size_t end = std::min(recipients.find('\n', at), recipients.size());
    if (end > at) f.recipients.push_back(recipients.substr(at, end - at));
    at = end + 1;
  }
  if (p) {
    const std::pair<const char*, const std::string*> written[] = {
        {"ĐÁNH GIÁ CHUNG", &p->assessment},
        {"TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", &p->shortcomings},
        {"KIẾN NGHỊ", &p->recommendations},
        {"ĐỀ XUẤT", &p->proposals}};
    for (const auto& [title, text] : written) {
      if (!text->empty()) f.sections.emplace_back(title, *text);
    }
  }
  return f;
}

std::string IssuerCode(const std::string& plan_number) {
  const size_t slash = plan_number.find('/');
  if (slash == std::string::npos) return "";
  // The code ends where the number's remarks begin: ".../KH-UBND (dự thảo)" -> "UBND".
  const size_t end = plan_number.find_first_of(" (", slash);
  const std::string kind =
      plan_number.substr(slash + 1, end == std::string::npos ? end : end - slash - 1);
  const size_t dash = kind.find('-');
  return dash == std::string::npos ? "" : kind.substr(dash + 1);
}

std::string PlaceOf(const Ledger& l, const std::string& agency_id) {
  // The province or city is in the name of the agency or of the authority above it:
  // "Ủy ban nhân dân thành phố Hải Phòng" -> "Hải Phòng".
  const Agency* a = l.FindAgency(agency_id);
  for (int depth = 0; a && depth < 8; ++depth, a = l.FindAgency(a->parent)) {
    for (std::string_view marker : {"thành phố ", "Thành phố ", "tỉnh ", "Tỉnh "}) {
      const size_t at = a->name.rfind(marker);
      if (at != std::string::npos) return a->name.substr(at + marker.size());
    }
  }
  return "";
}

std::string Abbreviated(const std::string& authority_name) {
  constexpr std::string_view kCommittee = "Ủy ban nhân dân ";
  if (authority_name.starts_with(kCommittee)) {
    return "UBND " + authority_name.substr(kCommittee.size());
  }
  return authority_name;
}

std::string PercentVi(int n, int total) {
  const long tenths = total ? std::lround(1000.0 * n / total) : 0;
  std::string s = std::to_string(tenths / 10);
  if (tenths % 10) {
    s += ',';
    s += static_cast<char>('0' + tenths % 10);
  }
  return s + "%";
}

std::string DateLineVi(Date d) {
  char buf[64];
  std::snprintf(buf, sizeof buf,
                d.month < 3 ? "ngày %02d tháng %02d năm %d" : "ngày %02d tháng %d năm %d", d.day,
                d.month, d.year);
  return buf;
}

}  // namespace taskledger::server::parts
