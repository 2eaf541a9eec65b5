// The plan board (coordinators): the task matrix by section as in the plan document, with status
// and group per task, filters, what waits on review, and assignment and deadline edits.
import * as api from "./api.js";
import { h, clear, field, attempt, attemptForm } from "./dom.js";
import { t, fmtDate } from "./i18n.js";
import { session, agencyName, agencyLabel, pickPlanFresh } from "./session.js";
import "./labels_parts.js";
import { dueBadge, categoryBadge } from "./tasks.js";
import { renderQueue } from "./inbox.js";
import { agencyPicker } from "./picker.js";
import { reachCard } from "./notifications.js";

const STATUSES = ["not_started", "in_progress", "submitted", "completed", "cancelled"];

export async function renderBoard(el, [requested]) {
  const plan = await pickPlanFresh(requested);
  if (!plan) return clear(el, h("p", { class: "card" }, t("none")));
  const filters = { agency: "", status: "", overdue: false, within: "" };
  let tasks = [];
  let sections = [];
  let editing = null;  // an edit form open: live updates wait
  const folded = new Set();  // sections the user folded

  const planSelect = h("select", { id: "plan", onchange: (e) => { location.hash = "#/board/" + encodeURIComponent(e.target.value); } },
    session.plans.map((p) => h("option", { value: p.id, selected: p.id === plan.id }, p.number ? `${p.number} — ${p.title}` : p.title)));
  const agencySelect = h("select", { id: "filter-agency", onchange: (e) => { filters.agency = e.target.value; draw(); } });
  const statusSelect = h("select", { id: "filter-status", onchange: (e) => { filters.status = e.target.value; draw(); } },
    h("option", { value: "" }, t("all")), STATUSES.map((s) => h("option", { value: s }, t("st_" + s))));
  const overdueBox = h("input", { type: "checkbox", id: "filter-overdue", onchange: (e) => { filters.overdue = e.target.checked; draw(); } });
  const withinInput = h("input", { type: "number", min: 0, id: "filter-within", class: "narrow", oninput: (e) => { filters.within = e.target.value; draw(); } });
  const count = h("p", { class: "muted", id: "shown" });
  const matrix = h("div", { id: "matrix" });
  const queue = h("section", { class: "card", id: "queue" });
  const reach = h("div", { id: "reach-box" });

  // An agency the task names, or a member of a group it names.
  const involves = (task, agency) => [...task.lead, ...task.coordinating].some((id) =>
    id === agency || (session.agencies.get(id)?.members || []).includes(agency));
  const keep = (task) => {
    if (filters.agency && !involves(task, filters.agency)) return false;
    if (filters.status && task.status !== filters.status) return false;
    if (filters.overdue && task.category !== "overdue") return false;
    if (filters.within !== "") {
      const n = Number(filters.within);
      if (task.days_left === undefined || task.days_left < 0 || task.days_left > n) return false;
    }
    return true;
  };

  const editForm = (task, kind, row) => {
    editing?.remove();
    const editRow = h("tr", { class: "edit-row" }, h("td", { colspan: 7 }));
    const close = () => { editRow.remove(); editing = null; };
    let form;
    if (kind === "assignment") {
      const lead = agencyPicker("lead", task.lead, { label: t("lead_ids") });
      const coordinating = agencyPicker("coordinating", task.coordinating, { label: t("coordinating_ids") });
      const reason = h("input", { type: "text", name: "reason", required: true });
      form = h("form", { class: "panel", onsubmit: async (e) => {
        e.preventDefault();
        if (await attemptForm(form, () => api.post(`/v1/tasks/${encodeURIComponent(task.id)}/assignment`,
          { lead: lead.ids(), coordinating: coordinating.ids(), reason: reason.value }), t("done"))) {
          close();
          load();
        }
      } }, field(t("lead_ids"), lead), field(t("coordinating_ids"), coordinating), field(t("reason"), reason),
         h("button", { type: "submit" }, t("save")), h("button", { type: "button", class: "link", onclick: close }, t("cancel")));
    } else if (kind === "completion") {
      // Completed on a past day, its work done before the plan was tracked here.
      const day = h("input", { type: "date", name: "completed_on", max: session.me.today, required: true });
      const reason = h("input", { type: "text", name: "reason", required: true });
      form = h("form", { class: "panel", onsubmit: async (e) => {
        e.preventDefault();
        if (await attemptForm(form, () => api.post(`/v1/tasks/${encodeURIComponent(task.id)}/completion`,
          { occurrence: task.occurrence, completed_on: day.value, reason: reason.value }), t("done"))) {
          close();
          load();
        }
      } }, h("p", { class: "help" }, t("record_completion_help")), field(t("completed_on"), day), field(t("reason"), reason),
         h("button", { type: "submit" }, t("save")), h("button", { type: "button", class: "link", onclick: close }, t("cancel")));
    } else {
      const deadline = h("input", { type: "text", name: "deadline", value: task.deadline?.text || "", required: true });
      const reason = h("input", { type: "text", name: "reason", required: true });
      form = h("form", { class: "panel", onsubmit: async (e) => {
        e.preventDefault();
        if (await attemptForm(form, () => api.post(`/v1/tasks/${encodeURIComponent(task.id)}/deadline`,
          { deadline: deadline.value, reason: reason.value }), t("done"))) {
          close();
          load();
        }
      } }, field(t("new_deadline"), deadline), field(t("reason"), reason),
         h("button", { type: "submit" }, t("save")), h("button", { type: "button", class: "link", onclick: close }, t("cancel")));
    }
    editRow.firstChild.append(form);
    row.after(editRow);
    editing = editRow;
    form.querySelector("input").focus();
  };

  const taskRow = (task) => {
    const row = h("tr", { "data-task": task.id, class: task.category || "" },
      h("td", { class: "code" }, task.code),
      h("td", {}, h("a", { href: "#/task/" + encodeURIComponent(task.id) }, task.title),
        task.parts?.counted ? h("div", { class: "small parts-line" }, t("parts_done", task.parts.done, task.parts.counted)) : ""),
      h("td", {}, task.lead.map(agencyName).join("; "),
        task.coordinating.length ? h("div", { class: "muted small" }, t("coordinating") + ": " + task.coordinating.map(agencyName).join("; ")) : ""),
      h("td", {}, task.next_due ? fmtDate(task.next_due) : "", h("div", { class: "muted small" }, task.deadline?.text || ""), dueBadge(task)),
      h("td", { class: "status" }, task.status ? t("st_" + task.status) : "—"),
      h("td", {}, categoryBadge(task.category)),
      h("td", { class: "row-actions" },
        h("button", { class: "small", "data-action": "assignment", onclick: () => editForm(task, "assignment", row) }, t("edit_assignment")),
        h("button", { class: "small", "data-action": "deadline", onclick: () => editForm(task, "deadline", row) }, t("edit_deadline")),
        task.occurrence && !["completed", "cancelled"].includes(task.status)
          ? h("button", { class: "small secondary", "data-action": "completion", onclick: () => editForm(task, "completion", row) }, t("record_completion")) : ""));
    return row;
  };

  const draw = () => {
    const shown = tasks.filter(keep);
    count.textContent = t("shown_tasks", shown.length, tasks.length);
    const bySection = new Map();
    for (const task of shown) {
      if (!bySection.has(task.section)) bySection.set(task.section, []);
      bySection.get(task.section).push(task);
    }
    const blocks = [];
    const order = [...sections.map((s) => s.code), ...[...bySection.keys()].filter((k) => !sections.some((s) => s.code === k))];
    for (const code of order) {
      const section = sections.find((s) => s.code === code);
      const rows = bySection.get(code) || [];
      const depth = section?.parent ? 3 : 2;
      if (!rows.length) {
        // Headings of enclosing sections stay, as in the document, when their children have rows.
        if (!section || ![...bySection.keys()].some((k) => k && k.startsWith(code + "."))) continue;
        blocks.push(h("h" + depth, { class: "section" }, `${code}. ${section.title}`));
        continue;
      }
      // Each section folds; the choice holds while the board refreshes.
      const block = h("details", { class: "section-block", "data-section": code, open: !folded.has(code),
        ontoggle: () => { if (block.open) folded.delete(code); else folded.add(code); } },
        h("summary", {}, h("h" + depth, { class: "section" }, section ? `${code}. ${section.title}` : code || "—", " ",
          h("span", { class: "count" }, rows.length))),
        h("div", { class: "scroll" }, h("table", { class: "matrix" },
          h("thead", {}, h("tr", {}, [t("code"), t("task"), t("lead"), t("due"), t("status"), t("group")].map((x) => h("th", {}, x)),
            h("th", {}, h("span", { class: "visually-hidden" }, t("actions"))))),
          h("tbody", {}, rows.map(taskRow)))));
      blocks.push(block);
    }
    clear(matrix, blocks.length ? blocks : h("p", { class: "muted" }, t("none")));
  };

  const loadQueue = () => renderQueue(queue, plan.id, load);
  // Who cannot be told; folded or not as the coordinator left it.
  const loadReach = async () => {
    const card = await reachCard(plan);
    const before = reach.querySelector("details");
    if (before) card.open = before.open;
    reach.replaceChildren(card);
  };

  const load = async () => {
    const [detail, page] = await Promise.all([
      api.get(`/v1/plans/${encodeURIComponent(plan.id)}`),
      api.get(`/v1/tasks?plan=${encodeURIComponent(plan.id)}&limit=1000`),
    ]);
    sections = detail.sections || [];
    tasks = page.items;
    // The agencies the plan names, and the members of its groups: a coordinator looks for a
    // school, not only for "the schools".
    const involved = new Set();
    for (const id of tasks.flatMap((x) => [...x.lead, ...x.coordinating])) {
      involved.add(id);
      for (const m of session.agencies.get(id)?.members || []) involved.add(m);
    }
    clear(agencySelect, h("option", { value: "" }, t("all")),
      [...involved].sort((a, b) => agencyLabel(a).localeCompare(agencyLabel(b), "vi"))
        .map((id) => h("option", { value: id, selected: id === filters.agency }, agencyLabel(id))));
    draw();
    await Promise.all([loadQueue(), loadReach()]);
  };

  clear(el,
    h("h1", {}, t("board_title")),
    h("div", { class: "toolbar" }, field(t("plan"), planSelect)),
    h("div", { class: "toolbar filters" },
      field(t("filter_agency"), agencySelect), field(t("filter_status"), statusSelect),
      h("label", { class: "check" }, overdueBox, t("filter_overdue")), field(t("filter_within"), withinInput),
      h("button", { class: "small secondary", onclick: () => attempt(() => api.download(`/v1/plans/${encodeURIComponent(plan.id)}/export?format=xlsx`, plan.id + ".xlsx")) }, t("export_matrix")),
      h("button", { class: "small secondary", onclick: () => attempt(() => api.download(`/v1/plans/${encodeURIComponent(plan.id)}/export?format=csv`, plan.id + ".csv")) }, t("export_matrix_csv"))),
    reach, queue, count, matrix);
  await load();
  return () => {
    if (!editing && !queue.querySelector(".panel")) load();
  };
}
