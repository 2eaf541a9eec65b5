// A task's own page (coordinators, auditors): what it asks for and of whom, its milestones with
// where each stands, the task's own deliverables, and — for a task given to a group — each
// member's part: filtered (not started, late, awaiting review …), searched, reviewed, reminded in
// one action, exported as a workbook; how the task is judged done from its parts; its latest
// events, with the full history a click away.
import * as api from "./api.js";
import { h, clear, field, attempt, attemptForm, badge, toast } from "./dom.js";
import { t, fmtDate, fmtTime } from "./i18n.js";
import { session, agencyName, agencyLabel } from "./session.js";
import { dueBadge, categoryBadge } from "./tasks.js";
import "./labels_parts.js";
import "./labels_work.js";

const STATES = ["all", "open", "late", "not_started", "in_progress", "awaiting_review", "extension_pending", "done", "exempt"];
const PAGE = 100;

function ruleText(rule) {
  if (!rule) return "";
  if (rule.kind === "threshold") return t("rule_threshold", rule.percent);
  return t("rule_" + rule.kind);
}

// The members' parts of one occurrence: a filtered, searchable page of them with actions.
// `state` (occurrence, filter, words, how many shown) outlives the section: a refresh after a
// decision or a live event keeps what the coordinator chose.
function partsSection(task, reload, state) {
  const coordinator = session.me.role === "coordinator";
  const withParts = task.occurrences.filter((o) => o.parts && !o.dropped);
  const box = h("section", { class: "card", id: "parts" });
  if (!withParts.length) return null;
  if (!withParts.some((o) => o.key === state.occurrence)) {
    state.occurrence = (withParts.find((o) => o.key === task.occurrence) || withParts[0]).key;
  }
  const occSelect = h("select", { id: "parts-occurrence", onchange: (e) => { state.occurrence = e.target.value; state.shown = PAGE; load(); } },
    withParts.map((o) => h("option", { value: o.key, selected: o.key === state.occurrence }, `${o.key}${o.due ? " — " + fmtDate(o.due) : ""}`)));
  const filter = h("select", { id: "parts-state", onchange: (e) => { state.filter = e.target.value; state.shown = PAGE; load(); } },
    STATES.map((s) => h("option", { value: s, selected: s === state.filter }, t("pst_" + s))));
  const search = h("input", { type: "search", id: "parts-q", placeholder: t("parts_search"), "aria-label": t("parts_search"), value: state.q });
  let timer = null;
  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => { state.q = search.value.trim(); state.shown = PAGE; load(); }, 250);
  });
  const summary = h("p", { class: "parts-summary", id: "parts-summary" });
  const table = h("div", { class: "scroll" });
  const more = h("div");
  const slot = h("div");
  const base = `/v1/tasks/${encodeURIComponent(task.id)}`;
  const query = (extra = "") => `${base}/parts?occurrence=${encodeURIComponent(state.occurrence)}&state=${state.filter}` +
    (state.q ? `&q=${encodeURIComponent(state.q)}` : "") + extra;

  // A decision on one member's part, in a form under the table.
  const decide = (kind, part) => {
    const done = async () => { slot.replaceChildren(); await reload(); };
    let form;
    if (kind === "return") {
      const comment = h("textarea", { name: "comment", rows: 2, required: true });
      const d = part.deliverables.find((x) => !x.review);
      form = h("form", { class: "panel", onsubmit: async (e) => {
        e.preventDefault();
        if (await attemptForm(form, () => api.post(`${base}/deliverables/${encodeURIComponent(d.id)}/review`,
          { occurrence: state.occurrence, part: part.member, decision: "returned", comment: comment.value }), t("done"))) done();
      } }, h("p", {}, h("b", {}, part.name), " · ", d.name), field(t("return_reason"), comment), h("button", { type: "submit" }, t("return_")));
    } else if (kind === "complete") {
      const day = h("input", { type: "date", name: "completed_on", max: session.me.today, required: true });
      const reason = h("input", { type: "text", name: "reason", required: true });
      form = h("form", { class: "panel", onsubmit: async (e) => {
        e.preventDefault();
        if (await attemptForm(form, () => api.post(`${base}/completion`,
          { occurrence: state.occurrence, part: part.member, completed_on: day.value, reason: reason.value }), t("done"))) done();
      } }, h("p", {}, h("b", {}, part.name)), h("p", { class: "help" }, t("record_completion_help")),
        field(t("completed_on"), day), field(t("reason"), reason), h("button", { type: "submit" }, t("save")));
    } else {
      const reason = h("input", { type: "text", name: "reason", required: true });
      form = h("form", { class: "panel", onsubmit: async (e) => {
        e.preventDefault();
        if (await attemptForm(form, () => api.post(`${base}/status`,
          { occurrence: state.occurrence, part: part.member, status: "cancelled", reason: reason.value }), t("done"))) done();
      } }, h("p", {}, h("b", {}, part.name)), field(t("exempt_reason"), reason), h("button", { type: "submit" }, t("exempt")));
    }
    form.append(h("button", { type: "button", class: "link", onclick: () => slot.replaceChildren() }, t("cancel")));
    slot.replaceChildren(form);
    slot.scrollIntoView({ block: "nearest" });
    form.querySelector("input, textarea")?.focus();
  };
  const accept = async (part) => {
    const d = part.deliverables.find((x) => !x.review);
    if (!d || !window.confirm(t("confirm_accept"))) return;
    if (await attempt(() => api.post(`${base}/deliverables/${encodeURIComponent(d.id)}/review`,
      { occurrence: state.occurrence, part: part.member, decision: "accepted", comment: "" }), t("done"))) reload();
  };

  const row = (p) => {
    const open = !["completed", "cancelled"].includes(p.status);
    const waiting = p.deliverables.find((x) => !x.review);
    const last = p.deliverables[p.deliverables.length - 1];
    return h("tr", { "data-member": p.member, class: p.category },
      h("td", {}, h("span", { class: "member-name" }, p.name), p.parent ? h("div", { class: "small muted" }, agencyName(p.parent)) : "",
        p.left ? h("div", { class: "small muted" }, t("left_group"), " ", fmtDate(p.left)) : ""),
      h("td", {}, t("st_" + p.status), p.percent && open ? h("div", { class: "small muted" }, p.percent + "%") : ""),
      h("td", {}, categoryBadge(p.category)),
      h("td", {}, p.due ? fmtDate(p.due) : "—", p.own_due ? h("div", { class: "small pending" }, t("own_due")) : "",
        p.days_left !== undefined ? h("div", {}, dueBadge(p)) : ""),
      h("td", {}, p.completed_on ? fmtDate(p.completed_on) : ""),
      h("td", {}, last ? h("button", { type: "button", class: "link small", onclick: () =>
        attempt(() => api.download(`${base}/deliverables/${encodeURIComponent(last.id)}/file`, last.name)) }, last.name) : "",
        waiting ? h("div", {}, badge(t("awaiting_review", 1), "pending")) : "",
        p.last_progress ? h("div", { class: "small muted" }, p.last_progress) : ""),
      coordinator ? h("td", { class: "row-actions" },
        waiting ? [h("button", { class: "small", "data-action": "accept", onclick: () => accept(p) }, t("accept")),
          h("button", { class: "small secondary", "data-action": "return", onclick: () => decide("return", p) }, t("return_"))] : "",
        open ? [h("button", { class: "small secondary", "data-action": "complete", onclick: () => decide("complete", p) }, t("record_part_done")),
          h("button", { class: "small secondary", "data-action": "exempt", onclick: () => decide("exempt", p) }, t("exempt"))] : "") : "");
  };

  const remind = async () => {
    const page = await api.get(query(`&limit=1000`));
    const members = page.items.filter((p) => !["completed", "cancelled"].includes(p.status)).map((p) => p.member);
    if (!members.length) return toast(t("none"), "error");
    const message = window.prompt(t("remind_confirm", members.length) + "\n" + t("remind_message"), "");
    if (message === null) return;
    if (await attempt(() => api.post(`${base}/parts/remind`, { occurrence: state.occurrence, members, message }))) {
      toast(t("reminded", members.length));
      reload();
    }
  };

  let asked = 0;  // only the latest answer is drawn
  const load = async () => {
    const mine = ++asked;
    const page = await api.get(query(`&limit=${state.shown}`));
    if (mine !== asked) return;
    const s = page.summary;
    clear(summary, h("b", {}, t("parts_done", s.done, s.counted)),
      s.late ? [" · ", h("span", { class: "overdue" }, t("parts_late", s.late))] : "",
      s.awaiting_review ? " · " + t("parts_awaiting", s.awaiting_review) : "",
      " · ", t("parts_percent", s.percent));
    clear(table, page.items.length ? h("table", { class: "matrix parts-table" },
      h("thead", {}, h("tr", {}, [t("member"), t("status"), t("group"), t("due"), t("completed_on"), t("deliverable")].map((x) => h("th", {}, x)),
        coordinator ? h("th", {}, h("span", { class: "visually-hidden" }, t("actions"))) : "")),
      h("tbody", {}, page.items.map(row))) : h("p", { class: "muted" }, t("none")));
    clear(more, h("p", { class: "small muted", id: "parts-shown" }, t("parts_shown", page.items.length, page.total)),
      page.next_cursor ? h("button", { class: "small secondary", onclick: () => { state.shown += PAGE; load(); } }, t("parts_more")) : "");
  };

  clear(box, h("h2", {}, t("parts_title")), h("p", { class: "help" }, t("parts_help")),
    h("div", { class: "toolbar filters" },
      withParts.length > 1 ? field(t("occurrences"), occSelect) : "",
      field(t("parts_state"), filter), field(t("parts_search"), search),
      coordinator ? h("button", { class: "small", id: "parts-remind", onclick: () => attempt(remind) }, t("remind_late")) : "",
      h("button", { class: "small secondary", id: "parts-export", onclick: () =>
        attempt(() => api.download(query("&format=xlsx"), `don-vi-${task.code}.xlsx`)) }, t("parts_export"))),
    summary, table, more, slot);
  box.reload = load;
  return box;
}

// How the task is judged done from its parts, and (coordinators) the form to change it.
function ruleBlock(task, reload) {
  if (!task.rule) return "";
  const text = h("span", { id: "rule-text" }, ruleText(task.rule), task.rule.chosen ? "" : " " + t("rule_is_default"));
  if (session.me.role !== "coordinator") return h("p", {}, h("b", {}, t("rule"), ": "), text);
  const slot = h("div");
  const open = () => {
    const kind = h("select", { name: "rule" }, ["default", "all_parts", "threshold", "lead_acceptance"].map((k) =>
      h("option", { value: k, selected: (task.rule.chosen ? task.rule.kind : "default") === k },
        k === "threshold" ? t("rule_threshold_form") : k === "default" ? t("rule_default") : t("rule_" + k))));
    const percent = h("input", { type: "number", name: "percent", min: 1, max: 100, value: task.rule.percent || 80, class: "narrow" });
    const reason = h("input", { type: "text", name: "reason", required: true });
    const form = h("form", { class: "panel", onsubmit: async (e) => {
      e.preventDefault();
      if (await attemptForm(form, () => api.send("PUT", `/v1/tasks/${encodeURIComponent(task.id)}/rule`,
        { rule: kind.value, percent: Number(percent.value), reason: reason.value }), t("done"))) {
        slot.replaceChildren();
        reload();
      }
    } }, field(t("rule"), kind), field(t("rule_percent"), percent), field(t("reason"), reason),
      h("button", { type: "submit" }, t("save")), h("button", { type: "button", class: "link", onclick: () => slot.replaceChildren() }, t("cancel")));
    slot.replaceChildren(form);
  };
  return h("div", { id: "rule" }, h("p", {}, h("b", {}, t("rule"), ": "), text, " ",
    h("button", { class: "small secondary", id: "rule-change", onclick: open }, t("rule_change"))), slot);
}

export async function renderTaskPage(el, [id]) {
  if (!id) return clear(el, h("p", { class: "card" }, t("none")));
  const base = `/v1/tasks/${encodeURIComponent(id)}`;
  let parts = null;
  const partsState = { occurrence: "", filter: "all", q: "", shown: PAGE };
  // Drawn into a box of its own: a refresh that answers after the user went to another page
  // draws into a box no longer shown, not over that page.
  const root = h("div", { class: "task-page" });
  clear(el, root);
  let held = false;  // a live redraw waiting for the coordinator to finish writing
  const draw = async () => {
    held = false;
    const task = await api.get(base);
    const plan = session.plans.find((p) => p.id === task.plan);
    const names = (ids) => ids.map((x) => {
      const a = session.agencies.get(x);
      return a?.kind === "group" ? `${agencyLabel(x)} (${t("parts").toLowerCase()}: ${(a.members || []).length})` : agencyLabel(x);
    }).join("; ");
    const occurrences = h("section", { class: "card" }, h("h2", {}, t("occurrences")),
      h("div", { class: "scroll" }, h("table", { class: "matrix" },
        h("thead", {}, h("tr", {}, [t("code"), t("due"), t("status"), t("group"), t("progress"), t("parts")].map((x) => h("th", {}, x)))),
        h("tbody", {}, task.occurrences.filter((o) => !o.dropped).map((o) => h("tr", { "data-occurrence": o.key, class: o.category },
          h("td", {}, o.key, o.target ? h("div", { class: "small muted" }, o.target) : ""),
          h("td", {}, o.due ? fmtDate(o.due) : "—", o.original_due && o.due && o.original_due !== o.due ? h("div", { class: "small muted" }, fmtDate(o.original_due)) : ""),
          h("td", {}, t("st_" + o.status), o.completed_on ? h("div", { class: "small muted" }, fmtDate(o.completed_on)) : ""),
          h("td", {}, categoryBadge(o.category)),
          h("td", {}, o.parts ? t("parts_percent", o.parts.percent) : `${o.percent}%`, o.last_progress ? h("div", { class: "small muted" }, o.last_progress) : ""),
          h("td", {}, o.parts ? t("parts_done", o.parts.done, o.parts.counted) : "—")))))));
    const own = task.occurrences.flatMap((o) => o.deliverables.map((d) => ({ ...d, occurrence: o.key })));
    const deliverables = own.length ? h("section", { class: "card" }, h("h2", {}, t("own_deliverables")),
      h("ul", { class: "lines" }, own.map((d) => h("li", {},
        d.sha256 ? h("button", { type: "button", class: "link", onclick: () => attempt(() => api.download(`${base}/deliverables/${encodeURIComponent(d.id)}/file`, d.name)) }, d.name) : d.name,
        h("span", { class: "small muted" }, ` · ${d.occurrence} · ${fmtTime(d.submitted_at_ms)} · `, d.review ? t(d.review === "accepted" ? "accept" : "return_") : t("awaiting_review", 1)))))) : "";
    parts = partsSection(task, draw, partsState);
    // The events themselves are on the history page (a group's task has thousands).
    const recent = h("p", {}, h("a", { class: "button-like small", href: "#/history/" + encodeURIComponent(id) }, t("act_history")),
      task.notifications?.length ? h("span", { class: "small muted" }, " · ", t("told_count", task.notifications.filter((n) => n.delivered).length)) : "");
    clear(root,
      h("p", { class: "small" }, plan ? h("a", { href: "#/board/" + encodeURIComponent(plan.id) }, plan.number ? `${plan.number} — ${plan.title}` : plan.title) : task.plan),
      h("h1", {}, h("span", { class: "code" }, task.code), " ", task.title),
      h("section", { class: "card task-summary" },
        h("dl", {},
          h("dt", {}, t("lead")), h("dd", { id: "task-lead" }, names(task.lead)),
          task.coordinating.length ? [h("dt", {}, t("coordinating")), h("dd", {}, names(task.coordinating))] : "",
          h("dt", {}, t("deliverable")), h("dd", {}, task.deliverable || "—"),
          h("dt", {}, t("deadline_written")), h("dd", {}, task.deadline?.text || ""),
          h("dt", {}, t("status")), h("dd", {}, task.status ? t("st_" + task.status) : "—", " ", categoryBadge(task.category), " ", dueBadge(task)),
          task.targets?.length ? [h("dt", {}, t("targets")), h("dd", {}, task.targets.join("; "))] : ""),
        ruleBlock(task, draw)),
      occurrences, parts || "", deliverables, recent);
    if (parts) await parts.reload();
  };
  await draw();
  // A live event redraws the page, but not over a decision or a rule being written (a panel
  // open, an error beside a field) nor under the cursor in a field: it waits until the panel is
  // sent or put away, or focus leaves the field.
  const writing = () => root.querySelector("form, .field-error") ||
    (root.contains(document.activeElement) && document.activeElement.matches("input, textarea, select"));
  const settle = () => setTimeout(() => { if (held && !writing()) attempt(draw); });
  root.addEventListener("focusout", settle);
  root.addEventListener("click", settle);
  return () => {
    if (writing()) held = true;
    else return draw();
  };
}
