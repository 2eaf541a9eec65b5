// Import: a plan's appendix (Word, Excel, CSV) read by the server and shown before anything is
// written — each row as understood, problems in place, unknown agencies mapped to existing ones
// (remembered as aliases) or created — then imported all at once.
import * as api from "./api.js";
import { h, clear, field, attempt, toast, badge } from "./dom.js";
import { t, fmtDate } from "./i18n.js";
import { session, pickPlanFresh } from "./session.js";
import { reloadPlans } from "./plans.js";

const ACCEPT = ".docx,.xlsx,.csv,.txt,.json,.doc,.xls";

// Where a problem or row is in the document, in its own terms.
function place(x) {
  return [x.sheet && t("import_sheet_name", x.sheet), x.table && t("import_table", x.table), x.row && `${t("col_row").toLowerCase()} ${x.row}`,
    x.column].filter(Boolean).join(", ");
}

export async function renderImport(el, [requested]) {
  if (!session.plans.length) await reloadPlans();
  const plan = await pickPlanFresh(requested);
  const planSelect = h("select", { id: "plan", onchange: () => { location.hash = "#/import/" + encodeURIComponent(planSelect.value); } },
    session.plans.map((p) => h("option", { value: p.id, selected: p.id === plan?.id }, p.title)));
  let file = null;
  const mapping = new Map();  // unknown name -> agency id, or "" to create it
  const fileInput = h("input", { type: "file", id: "import-file", accept: ACCEPT, class: "visually-hidden" });
  const fileName = h("span", { class: "muted" });
  const drop = h("label", { class: "dropzone", for: "import-file" }, h("span", {}, t("import_drop")), fileName, fileInput);
  const sheet = h("input", { name: "sheet", id: "import-sheet", class: "short" });
  const result = h("div", { id: "import-result" });
  const commit = h("button", { id: "import-commit", disabled: true }, t("import_commit"));
  const previewButton = h("button", { id: "import-preview", class: "secondary", disabled: true }, t("import_preview"));

  const choose = (f) => {
    file = f;
    mapping.clear();
    fileName.textContent = f ? ` ${f.name} (${Math.ceil(f.size / 1024)} KB)` : "";
    previewButton.disabled = !f;
    commit.disabled = true;
    clear(result);
    if (f) run(true);
  };
  fileInput.addEventListener("change", () => choose(fileInput.files[0] || null));
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    if (e.dataTransfer.files[0]) choose(e.dataTransfer.files[0]);
  });

  const mappingJson = () => {
    const aliases = {}, create = [];
    for (const [name, id] of mapping) {
      if (id === "") create.push(name);
      else if (id) aliases[name] = id;
    }
    return JSON.stringify({ aliases, create });
  };

  const unknownBox = (names) => {
    const agencies = [...session.agencies.values()].filter((a) => a.kind !== "group")
      .sort((a, b) => a.name.localeCompare(b.name, "vi"));
    return h("section", { class: "card unknown", id: "import-unknown" },
      h("h2", {}, t("import_unknown")), h("p", { class: "help" }, t("import_unknown_help")),
      names.map((name) => {
        const select = h("select", { "data-unknown": name, "aria-label": name, onchange: () => {
          if (select.value === "-") mapping.delete(name);
          else mapping.set(name, select.value);
        } },
          h("option", { value: "-" }, t("choose")),
          h("option", { value: "", selected: mapping.get(name) === "" }, t("import_map_create")),
          agencies.map((a) => h("option", { value: a.id, selected: mapping.get(name) === a.id }, a.name)));
        return h("div", { class: "fields" }, h("strong", { class: "unknown-name" }, name), select);
      }),
      h("button", { class: "secondary", id: "import-again", onclick: () => run(true) }, t("import_again")));
  };

  const names = (list) => (list || []).map((a) => a.name).join("; ");

  const previewTable = (rows, problems) => {
    const byRow = new Map();
    for (const p of problems) {
      const key = `${p.table || ""}|${p.sheet || ""}|${p.row}`;
      if (!byRow.has(key)) byRow.set(key, []);
      byRow.get(key).push(p);
    }
    const body = rows.map((r) => {
      const here = byRow.get(`${r.table || ""}|${r.sheet || ""}|${r.row}`) || [];
      const note = here.length ? h("div", { class: "problem-note" }, here.map((p) => h("div", {}, (p.column ? p.column + ": " : "") + p.message))) : "";
      if (r.kind === "section") {
        return h("tr", { class: "section" + (here.length ? " has-problem" : ""), "data-row": r.row },
          h("td", { class: "n" }, r.row), h("td", {}, r.code), h("td", { colspan: 6 }, t("section_row"), ": ", r.title, note), h("td", {}));
      }
      const unknown = new Set(r.unknown_agencies || []);
      return h("tr", { class: here.length ? "has-problem" : "", "data-row": r.row, "data-code": r.code },
        h("td", { class: "n" }, r.row),
        h("td", {}, r.code),
        h("td", {}, r.title, note),
        h("td", {}, names(r.lead), [...unknown].map((n) => h("div", {}, badge(n, "overdue")))),
        h("td", {}, names(r.coordinating)),
        h("td", {}, r.deadline),
        h("td", { class: "small" }, (r.occurrences || []).map(fmtDate).join(", ")),
        h("td", { class: "small" }, [...(r.targets || []), ...(r.occurrence_targets || []).filter(Boolean)].join("; ")),
        h("td", {}, r.change ? badge(t("import_change")[r.change] || r.change, r.change === "unchanged" ? "" : "soon") : ""));
    });
    return h("div", { class: "scroll" }, h("table", { class: "preview", id: "import-preview-table" },
      h("thead", {}, h("tr", {}, ["col_row", "col_code", "col_title", "col_lead", "col_coordinating", "col_deadline", "col_occurrences", "col_targets", "col_change"]
        .map((k) => h("th", {}, t(k))))),
      h("tbody", {}, body)));
  };

  const show = (answer, problems) => {
    const doc = answer.document || {};
    const where = [doc.sheet && t("import_sheet_name", doc.sheet), doc.table && t("import_table", doc.table),
      doc.header_row && t("import_header_row", doc.header_row), doc.encoding].filter(Boolean).join(", ");
    const unknown = answer.unknown_agencies || [];
    clear(result,
      h("p", { class: "muted", id: "import-document" }, t("import_read", (doc.kind || "").toUpperCase(), where),
        doc.tables_seen?.length ? " " + doc.tables_seen.join(" · ") : ""),
      problems.length
        ? h("div", { class: "card problems", role: "alert", id: "import-problems" }, h("strong", {}, t("import_problems", problems.length)),
            h("ul", {}, problems.map((p) => h("li", {}, place(p) ? place(p) + ": " : "", p.message))))
        : h("p", { class: "card ok", id: "import-ready" }, t("import_no_problems")),
      (answer.warnings || []).length ? h("div", { class: "card" }, h("strong", {}, t("import_warnings")),
        h("ul", {}, answer.warnings.map((w) => h("li", {}, w)))) : "",
      unknown.length ? unknownBox(unknown) : "",
      answer.preview ? h("section", {}, h("p", { class: "muted" }, t("import_rows", answer.preview.length)),
        previewTable(answer.preview, problems)) : "");
  };

  const run = async (dryRun) => {
    if (!file || !plan) return;
    previewButton.disabled = commit.disabled = true;
    const path = `/v1/plans/${encodeURIComponent(plan.id)}/import` + (dryRun ? "?dry_run=true" : "");
    try {
      const answer = await api.upload(path, { mapping: mappingJson(), sheet: sheet.value.trim() }, file, () => {});
      if (dryRun) {
        show(answer, []);
        commit.disabled = false;
      } else {
        toast(t("import_done", answer.tasks_created, answer.tasks_changed, answer.tasks_unchanged));
        session.agencies = new Map((await api.get("/v1/agencies")).items.map((a) => [a.id, a]));
        await reloadPlans();
        clear(result, h("p", { class: "card ok", id: "import-done" }, t("import_done", answer.tasks_created, answer.tasks_changed, answer.tasks_unchanged), " ",
          h("a", { href: "#/board/" + encodeURIComponent(plan.id) }, t("nav_board"))));
      }
    } catch (e) {
      const p = e.problem || {};
      if (p.preview || p.errors) show(p, (p.errors || []).filter((x) => x.message));
      else toast(e.message, "error");
    } finally {
      previewButton.disabled = !file;
    }
  };
  previewButton.addEventListener("click", () => run(true));
  commit.addEventListener("click", () => run(false));

  clear(el, h("h1", {}, t("import_title")), h("p", { class: "help" }, t("import_help")),
    plan ? h("div", { class: "card" },
      h("div", { class: "fields" }, field(t("plan"), planSelect), field(t("import_sheet"), sheet)),
      field(t("import_file"), drop),
      h("div", { class: "actions" }, previewButton, commit)) : h("p", { class: "card muted" }, t("plans_none")),
    result);
}
