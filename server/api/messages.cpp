#include "server/api/messages.h"

#include <map>
#include <string>

#include "domain/date.h"

namespace taskledger::server {

namespace {

using Params = nlohmann::json;

struct Words {
  const char* vi;
  const char* en;
};

// What the domain names in English, as a Vietnamese official writes it.
const std::map<std::string, Words, std::less<>>& Vocabulary() {
  static const std::map<std::string, Words, std::less<>> words = {
      // fields
      {"title", {"tên", "title"}},
      {"reason", {"lý do", "reason"}},
      {"comment", {"ý kiến", "comment"}},
      {"due", {"hạn mới", "new due date"}},
      {"lead", {"cơ quan chủ trì", "lead agency"}},
      {"coordinating", {"cơ quan, đơn vị phối hợp", "coordinating agencies"}},
      {"text", {"nội dung", "text"}},
      {"name", {"tên", "name"}},
      {"deliverable.name", {"tên sản phẩm", "deliverable name"}},
      {"percent", {"tiến độ (%)", "progress (%)"}},
      {"deadline", {"thời hạn", "deadline"}},
      {"period", {"thời gian thực hiện", "period"}},
      {"members", {"thành viên", "members"}},
      {"parent", {"cơ quan cấp trên", "parent agency"}},
      {"id", {"mã", "id"}},
      {"narrative", {"nội dung báo cáo", "narrative"}},
      {"note", {"ghi chú", "note"}},
      // actions
      {"register agencies", {"đăng ký cơ quan, đơn vị", "register agencies"}},
      {"create plans", {"tạo kế hoạch", "create plans"}},
      {"edit plans", {"sửa kế hoạch", "edit plans"}},
      {"decide who reads a plan's report",
       {"quyết định phạm vi xem báo cáo", "decide who reads a plan's report"}},
      {"create tasks", {"tạo nhiệm vụ", "create tasks"}},
      {"edit tasks", {"sửa nhiệm vụ", "edit tasks"}},
      {"reassign tasks", {"phân công lại nhiệm vụ", "reassign tasks"}},
      {"change deadlines", {"thay đổi thời hạn", "change deadlines"}},
      {"start work", {"bắt đầu thực hiện", "start work"}},
      {"report progress", {"báo cáo tiến độ", "report progress"}},
      {"submit deliverables", {"nộp sản phẩm", "submit deliverables"}},
      {"submit a deliverable", {"nộp sản phẩm", "submit a deliverable"}},
      {"review deliverables", {"duyệt sản phẩm", "review deliverables"}},
      {"review a deliverable", {"duyệt sản phẩm", "review a deliverable"}},
      {"cancel", {"hủy", "cancel"}},
      {"request an extension", {"xin gia hạn", "request an extension"}},
      {"decide extensions", {"quyết định gia hạn", "decide extensions"}},
      {"extend", {"gia hạn", "extend"}},
      {"comment", {"góp ý", "comment"}},
      // states and decisions
      {"completed", {"hoàn thành", "completed"}},
      {"cancelled", {"bị hủy", "cancelled"}},
      {"granted", {"chấp thuận", "granted"}},
      {"refused", {"từ chối", "refused"}},
  };
  return words;
}

std::string Word(const Params& params, const char* key, Language lang) {
  const auto it = params.find(key);
  if (it == params.end() || !it->is_string()) return "";
  const std::string value = it->get<std::string>();
  const auto& v = Vocabulary();
  const auto w = v.find(value);
  if (w == v.end()) return value;
  return lang == Language::kVietnamese ? w->second.vi : w->second.en;
}

std::string Text(const Params& params, const char* key) {
  const auto it = params.find(key);
  return it != params.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string Dmy(const Params& params, const char* key) {
  const std::string iso = Text(params, key);
  const auto d = domain::ParseIsoDate(iso);
  return d ? domain::ToDmy(*d) : iso;
}

// A part-required's "part" names whose the action is; Vocabulary() has "lead" as a field too.
std::string Part(const Params& params, Language lang) {
  const std::string part = Text(params, "part");
  const bool vi = lang == Language::kVietnamese;
  if (part == "lead") return vi ? "cơ quan chủ trì" : "the lead agency";
  if (part == "participant")
    return vi ? "cơ quan chủ trì hoặc phối hợp" : "a lead or coordinating agency";
  return vi ? "đơn vị điều phối kế hoạch" : "a coordinator";
}

// The detail for `code` in `lang`; empty when the code is not one people are shown.
std::string Detail(const std::string& code, const Params& p, Language lang) {
  const bool vi = lang == Language::kVietnamese;
  const std::string field = Word(p, "field", lang);
  if (code == "required") return vi ? "Chưa nhập " + field + "." : "The " + field + " is required.";
  if (code == "too-long") {
    return vi ? "Phần " + field + " dài quá " + Text(p, "max") + " byte."
              : "The " + field + " is longer than " + Text(p, "max") + " bytes.";
  }
  if (code == "unknown-agency") {
    return vi ? "Không có cơ quan “" + Text(p, "agency") + "” trong danh mục (" + field + ")."
              : "There is no agency '" + Text(p, "agency") + "' (" + field + ").";
  }
  if (code == "coordinator-only") {
    return vi ? "Chỉ đơn vị điều phối kế hoạch mới được " + Word(p, "action", lang) + "."
              : "Only a coordinator may " + Word(p, "action", lang) + ".";
  }
  if (code == "part-required") {
    return vi ? "Chỉ " + Part(p, lang) + " của nhiệm vụ " + Text(p, "task") + " mới được " +
                    Word(p, "action", lang) + "."
              : "Only " + Part(p, lang) + " of task " + Text(p, "task") + " may " +
                    Word(p, "action", lang) + ".";
  }
  if (code == "occurrence-closed") {
    return vi ? "Mốc " + Text(p, "occurrence") + " của nhiệm vụ " + Text(p, "task") + " đã " +
                    Word(p, "status", lang) + ", không thể " + Word(p, "action", lang) + "."
              : "Occurrence " + Text(p, "occurrence") + " of task " + Text(p, "task") + " is " +
                    Word(p, "status", lang) + "; it cannot " + Word(p, "action", lang) + ".";
  }
  if (code == "due-not-after") {
    return vi ? "Hạn mới phải sau hạn hiện hành (" + Dmy(p, "current") + ")."
              : "The new due date must be after the current one (" + Dmy(p, "current") + ").";
  }
  if (code == "reason-required-effective") {
    return vi ? "Ghi nhận một việc đã diễn ra từ ngày trước cần ghi rõ lý do."
              : "A fact recorded after the day it took effect needs a reason.";
  }
  if (code == "effective-in-future") {
    return vi ? "Ngày có hiệu lực không được sau ngày hôm nay (" + Text(p, "today") + ")."
              : "The day it took effect cannot be after today (" + Text(p, "today") + ").";
  }
  if (code == "reason-required-return") {
    return vi ? "Trả lại sản phẩm cần ghi rõ lý do." : "Returning a deliverable needs a reason.";
  }
  if (code == "reason-required-refuse") {
    return vi ? "Từ chối gia hạn cần ghi rõ lý do." : "Refusing an extension needs a reason.";
  }
  if (code == "request-pending") {
    return vi ? "Đề nghị gia hạn trước vẫn đang chờ quyết định."
              : "An earlier extension request is still awaiting a decision.";
  }
  if (code == "already-decided") {
    return vi ? "Đề nghị gia hạn này đã được " + Word(p, "decision", lang) + "."
              : "This extension request was already " + Word(p, "decision", lang) + ".";
  }
  if (code == "no-task") {
    return vi ? "Không có nhiệm vụ “" + Text(p, "task") + "”."
              : "There is no task '" + Text(p, "task") + "'.";
  }
  if (code == "not-existed-on") {
    return vi ? "Nhiệm vụ " + Text(p, "task") + " chưa có trong sổ theo dõi vào ngày " +
                    Dmy(p, "date") + "."
              : "Task " + Text(p, "task") + " was not in the ledger on " + Dmy(p, "date") + ".";
  }
  if (code == "before-log") {
    return vi ? "Ngày " + Dmy(p, "date") + " ở trước khi sổ theo dõi bắt đầu (" + Dmy(p, "first") +
                    "): chưa có số liệu."
              : Dmy(p, "date") + " is before the ledger began (" + Dmy(p, "first") +
                    "): there is nothing to show.";
  }
  if (code == "read-only") {
    return vi ? "Thanh tra, kiểm tra chỉ được xem, không được thay đổi."
              : "Auditors have read-only access.";
  }
  if (code == "import-unknown-agency") {
    return vi ? "Chưa có cơ quan “" + Text(p, "agency") +
                    "” trong danh mục: chọn cơ quan đã có hoặc tạo mới."
              : "There is no agency '" + Text(p, "agency") +
                    "' yet: choose an existing one or create it.";
  }
  if (code == "agency-ambiguous") {
    return vi ? "Tên “" + Text(p, "agency") + "” trùng với nhiều cơ quan: hãy chọn một."
              : "'" + Text(p, "agency") + "' matches several agencies: choose one.";
  }
  if (code == "task-twice") {
    return vi ? "Nhiệm vụ số " + Text(p, "code") + " xuất hiện hai lần."
              : "Task " + Text(p, "code") + " appears twice.";
  }
  if (code == "cell-empty") return vi ? "Ô này đang để trống." : "This cell is empty.";
  if (code == "date-unreadable") {
    return vi ? "“" + Text(p, "text") + "” không phải là một ngày: hãy viết như “31/12/2025”."
              : "'" + Text(p, "text") + "' is not a date: write it as 31/12/2025 or 2025-12-31.";
  }
  if (code == "deadline-unreadable") {
    return vi ? "Không hiểu thời hạn “" + Text(p, "text") +
                    "”: hãy viết như “Năm 2026”, “Quý II/2026”, “31/12/2026”, “Hàng năm”."
              : "The deadline '" + Text(p, "text") +
                    "' is not understood: write it as “Năm 2026”, “Quý II/2026”, “31/12/2026”, "
                    "“Hàng năm”.";
  }
  if (code == "invalid" && vi) return "Phần " + field + " chưa hợp lệ: " + Text(p, "what") + ".";
  return "";
}

// Titles by problem type, in Vietnamese (the English ones are the defaults).
const char* TitleVi(const std::string& type) {
  static const std::map<std::string, const char*, std::less<>> titles = {
      {"invalid-request", "Yêu cầu không hợp lệ"},
      {"validation", "Dữ liệu chưa hợp lệ"},
      {"unauthorized", "Chưa đăng nhập hoặc mã truy cập không hợp lệ"},
      {"forbidden", "Không có quyền thực hiện"},
      {"not-found", "Không tìm thấy"},
      {"state-conflict", "Không thực hiện được ở trạng thái hiện tại"},
      {"already-exists", "Đã có"},
      {"version-conflict", "Dữ liệu vừa được người khác thay đổi; hãy tải lại"},
      {"too-large", "Tệp hoặc nội dung quá lớn"},
      {"unsupported-media-type", "Loại tệp không được hỗ trợ"},
      {"import-invalid", "Tệp nhập có vấn đề cần xử lý"},
      {"rate-limited", "Quá nhiều yêu cầu; hãy thử lại sau ít phút"},
      {"storage-full", "Ổ đĩa của máy chủ đã đầy"},
      {"unavailable", "Máy chủ tạm thời không phục vụ được"},
      {"busy", "Máy chủ đang bận; hãy thử lại"},
      {"internal", "Lỗi máy chủ"},
  };
  const auto it = titles.find(type);
  return it == titles.end() ? nullptr : it->second;
}

}  // namespace

Language PreferredLanguage(std::string_view header) {
  double best_q = -1;
  Language best = Language::kEnglish;
  while (!header.empty()) {
    const size_t comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    double q = 1;
    if (const size_t semi = item.find(';'); semi != std::string_view::npos) {
      const std::string_view rest = item.substr(semi + 1);
      if (const size_t at = rest.find("q="); at != std::string_view::npos) {
        try {
          q = std::stod(std::string(rest.substr(at + 2)));
        } catch (const std::exception&) {
          q = 0;
        }
      }
      item = item.substr(0, semi);
    }
    const bool vi = item.starts_with("vi"), en = item.starts_with("en");
    if ((vi || en) && q > 0 && q > best_q) {  // q=0: "not acceptable"
      best_q = q;
      best = vi ? Language::kVietnamese : Language::kEnglish;
    }
  }
  return best;
}

void Localize(Problem& p, Language lang) {
  if (lang == Language::kVietnamese) {
    if (const char* title = TitleVi(p.type)) p.title = title;
  }
  // Items with codes of their own (an import's rows) are worded one by one.
  for (ProblemItem& e : p.errors) {
    if (e.code.empty()) continue;
    if (std::string text = Detail(e.code, e.params, lang); !text.empty()) e.message = text;
  }
  if (p.code.empty()) return;
  if (p.code == "import-problems") {
    // English keeps the importer's own summary; Vietnamese says the same from the worded items.
    if (lang != Language::kVietnamese || p.errors.empty()) return;
    const ProblemItem& first = p.errors.front();
    std::string where;
    const auto add = [&](const std::string& part) { where += (where.empty() ? "" : ", ") + part; };
    if (!first.sheet.empty()) add("trang “" + first.sheet + "”");
    if (first.table) add("bảng " + std::to_string(first.table));
    if (first.row) add("dòng " + std::to_string(first.row));
    if (!first.column.empty()) add("cột " + first.column);
    p.detail = "Tệp có " + Text(p.params, "count") +
               " vấn đề cần xử lý trước khi nhập; vấn đề đầu tiên" +
               (where.empty() ? "" : " (" + where + ")") + ": " + first.message;
    return;
  }
  const std::string detail = Detail(p.code, p.params, lang);
  if (detail.empty()) return;
  p.detail = detail;
  // The field's own message says the same, beside the field.
  const std::string field = p.params.value("field", std::string());
  for (ProblemItem& e : p.errors) {
    if (!e.code.empty()) continue;  // worded above, by its own code
    if ((!field.empty() && e.field == field) || (p.errors.size() == 1 && e.row == 0)) {
      e.message = detail;
    }
  }
  if (!field.empty() && p.errors.empty()) p.errors.push_back({field, 0, {}, detail});
}

}  // namespace taskledger::server
