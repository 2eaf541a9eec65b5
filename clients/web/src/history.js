// A task's history (auditors, coordinators; an agency its own tasks): every event with its time,
// actor and what changed, notifications delivered or failed among them; the task as it stood on
// any date. For coordinators and auditors also each event's place in the log, whether the log's
// hash chain is intact with its head, and the whole log to download and check offline. An
// agency's clerk sees people and agencies by name, never log positions, token ids or hashes.
import * as api from "./api.js";
import { h, clear, field, attempt, badge } from "./dom.js";
import { t, fmtDate, fmtTime } from "./i18n.js";
import "./labels_notify.js";
import { session, agencyName } from "./session.js";

const names = (ids) => (ids || []).map(agencyName).join("; ");

// A plan as people name it: its number and title, never its id.
function planLabel(id) {
  const p = session.plans.find((x) => x.id === id);
  if (!p) return "";
  return p.number ? `${p.number} — ${p.title}` : p.title;
}

// Who did it, for people: the agency and the person named on the token, in the page's own font
// (a monospace font breaks Vietnamese marks). The full label, with the token's id, is for
// auditors: in the tooltip and data-actor.
function byline(e) {
  const by = e.by;
  if (!by) return e.actor;
  const who = by.agency_name || (by.role === "coordinator" ? t("role_coordinator") : by.role === "system" ? "TaskLedger" : t("role_" + by.role));
  return [who, by.person].filter(Boolean).join(" · ");
}

// The token an event was recorded under ("… (token 6a8e9f0e34bb)"), for auditors.
const tokenOf = (label) => /\(token ([0-9a-f]+)\)\s*$/.exec(label || "")?.[1] || "";

// What an event changed, in a line or two.
function describe(e) {
  const d = e.data || {};
  switch (e.type) {
    case "task.created":
      return [d.title, `${t("lead")}: ${names(d.lead)}`, `${t("deadline_written")}: ${d.deadline?.text || ""}`];
    case "task.reassigned":
      return [`${t("lead")}: ${names(d.lead)}`, d.coordinating?.length ? `${t("coordinating")}: ${names(d.coordinating)}` : "", d.reason];
    case "task.deadline_changed":
      return [`${t("deadline_written")}: ${d.deadline?.text || d.text || ""}`, d.reason];
    case "task.progress_reported":
      return [`${d.percent}%`, d.narrative];
    case "task.deliverable_submitted": {
      const del = d.deliverable || d;
      const file = del.sha256 && del.id
        ? h("button", { type: "button", class: "link small file-link", "data-deliverable": del.id, onclick: () =>
            attempt(() => api.download(`/v1/tasks/${encodeURIComponent(e.task)}/deliverables/${encodeURIComponent(del.id)}/file`, del.name)) }, del.name)
        : del.name;
      return [file, del.note];
    }
    case "task.deliverable_reviewed":
      return [d.accepted === true || d.decision === "accepted" ? t("accept") : d.accepted === false || d.decision === "returned" ? t("return_") : "", d.comment, d.reason];
    case "task.completion_recorded":
      return [`${t("completed_on")}: ${fmtDate(d.completed_on)}${d.late ? ` (${t("cat_completed_late").toLowerCase()})` : ""}`, d.reason];
    case "task.extension_requested":
      return [`${t("new_due")}: ${fmtDate(d.due || d.requested_due)}`, d.reason];
    case "task.extension_decided":
      return [d.granted === true || d.decision === "granted" ? t("grant") : t("refuse"), d.due ? fmtDate(d.due) : "", d.comment];
    case "task.commented":
      return [d.text];
    case "task.notification_delivered":
    case "task.notification_failed":
      return [`${t("mailtype_" + String(d.type).replaceAll(".", "_"))} → ${agencyName(d.agency)}`,
        d.channel === "email" ? `${t("by_email")}: ${d.address}` : t("by_webhook"),
        `${t("attempts")}: ${d.attempts}`, d.status ? `${d.channel === "email" ? "SMTP" : "HTTP"} ${d.status}` : "", d.error];
    default:
      return Object.entries(d).filter(([, v]) => typeof v !== "object").map(([k, v]) => `${k}: ${v}`);
  }
}

function taskSummary(task) {
  const rows = [
    [t("task"), `${task.code} ${task.title}`],
    [t("lead"), names(task.lead)],
    [t("deadline_written"), task.deadline?.text || ""],
    [t("status"), task.status ? t("st_" + task.status) : "—"],
    [t("group"), task.category ? t("cat_" + task.category) : "—"],
  ];
  const occ = (task.occurrences || []).map((o) => h("li", {},
    `${o.key}: ${o.due ? fmtDate(o.due) : "—"} · ${t("st_" + o.status)}${o.percent ? ` · ${o.percent}%` : ""}`));
  return [h("dl", {}, rows.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])), occ.length ? h("ul", {}, occ) : ""];
}

// Why there is no task to show on that day, in the page's language and without ids: the task was
// entered later (`entered`, its first event's day, when known), or the log itself began later.
function notThenMessage(problem, entered) {
  const p = problem?.params || {};
  if (problem?.code === "before-log" && p.first) return t("hist_before_log", fmtDate(p.date), fmtDate(p.first));
  if (problem?.code === "not-existed-on") return t("hist_not_existed", fmtDate(p.date), entered ? fmtDate(entered) : "");
  return null;
}

// The whole log as JSON Lines (coordinators, auditors), to keep and check offline.
function exportPanel() {
  const button = h("button", { type: "button", class: "secondary", id: "log-export" }, t("hist_export"));
  button.addEventListener("click", async () => {
    button.disabled = true;
    button.textContent = t("hist_exporting");
    try {
      await attempt(() => api.download("/v1/audit/export", "taskledger-log.jsonl"), t("hist_exported"));
    } finally {
      button.disabled = false;
      button.textContent = t("hist_export");
    }
  });
  return h("div", { id: "log-export-panel" },
    h("h3", {}, t("hist_export_title")),
    h("p", { class: "help" }, t("hist_export_help")),
    // The file's name in the page's font: a monospace font breaks Vietnamese marks.
    h("p", {}, h("code", { style: "word-break: normal" }, "taskledger verify --file"), " ", h("i", {}, t("hist_export_file"))),
    button);
}

export async function renderHistory(el, [requested]) {
  const auditing = session.me.role !== "agency";  // coordinators and auditors: the log itself too

  // Find a task by words of its title or its number, across the plans the caller may read.
  const input = h("input", { type: "search", id: "task-id", value: "", placeholder: t("find_task"), class: "wide", autocomplete: "off" });
  const found = h("ul", { class: "found", id: "task-found" });
  let searchTimer = null;
  input.addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(async () => {
      const q = input.value.trim();
      if (q.length < 2) return clear(found);
      const path = session.me.role === "agency" ? `/v1/agencies/${encodeURIComponent(session.me.agency)}/tasks` : "/v1/tasks";
      const page = await attempt(() => api.get(`${path}?q=${encodeURIComponent(q)}&limit=20`));
      if (!page) return;
      // A plan made since this tab loaded its plans: read them again, so every line names its plan.
      if (page.items.some((x) => !session.plans.some((p) => p.id === x.plan))) {
        session.plans = (await api.get("/v1/plans")).items;
      }
      clear(found, page.items.length ? page.items.map((x) => h("li", {}, h("a", { href: "#/history/" + encodeURIComponent(x.id) },
        h("b", {}, x.code), " ", x.title), h("div", { class: "small muted" }, planLabel(x.plan)))) : h("li", { class: "muted" }, t("none")));
    }, 250);
  });
  const timeline = h("section", { class: "card", id: "timeline" });
  const past = h("section", { class: "card", id: "as-stood" });
  const integrity = h("section", { class: "card", id: "integrity" });
  const dateInput = h("input", { type: "date", id: "stood-date", max: session.me.today });
  let entered = "";  // the day the task's first event was recorded: no earlier "as of" exists

  // The head follows the log; the verification (a read of the whole log) is done once per visit,
  // not on every live event, and says how many events it checked.
  const headLine = h("p", { class: "small", id: "log-head" });
  const loadHead = async () => {
    if (!auditing) return;
    const headInfo = await api.get("/v1/audit/head");
    clear(headLine, `${t("head")}: `, h("code", {}, headInfo.hash), h("br"), `${t("position")}: ${headInfo.position}`);
  };
  const loadIntegrity = async () => {
    if (!auditing) return;
    const v = await api.get("/v1/audit/verify");
    clear(integrity, h("h2", {}, t("verify")), headLine,
      h("p", { class: v.ok ? "ok" : "error", id: "verify-result" }, v.ok ? t("verify_ok", v.checked) : t("verify_bad", v.first_bad_position)),
      exportPanel());
  };

  const loadTimeline = async () => {
    if (!requested) return clear(timeline);
    const history = await api.get(`/v1/tasks/${encodeURIComponent(requested)}/history`);
    for (const e of history.events) e.task = requested;
    entered = history.events[0]?.recorded_on || "";
    if (entered) dateInput.min = entered;
    clear(timeline, h("h2", {}, t("timeline"), " ", badge(String(history.events.length))),
      h("ol", { class: "timeline" }, history.events.map((e) => {
        const notice = e.type.startsWith("task.notification_");
        const token = auditing && tokenOf(e.actor);
        return h("li", { class: "event " + e.type.replaceAll(".", "-") + (notice ? " notice" : ""), "data-type": e.type,
          "data-actor": auditing ? e.actor : undefined },
          h("div", { class: "when" }, fmtTime(e.recorded_at_ms),
            // Its place in the log, for those who check the log.
            auditing ? h("span", { class: "muted small", "data-position": e.position }, ` #${e.position}`) : "",
            // A fact of an earlier day, recorded later: both dates.
            e.effective_on && e.effective_on !== e.recorded_on
              ? h("div", { class: "small effective" }, t("effective_on"), " ", fmtDate(e.effective_on)) : ""),
          h("div", { class: "what" },
            h("b", {}, t("ev_" + e.type.replaceAll(".", "_"))),
            e.type === "task.notification_failed" ? badge(t("state_failed"), "overdue") : "",
            h("div", { class: "small muted by", title: auditing ? e.actor : undefined }, byline(e),
              token ? [" · ", t("hist_token"), " ", h("code", {}, token)] : ""),
            describe(e).filter(Boolean).map((line) => h("div", { class: "small" }, line))));
      })));
  };

  // The task as it stood at the end of the chosen day. A day before the task (or the log) began
  // gets one message in place, worded here: never a pile of pop-ups, never an id.
  let asked = 0;  // answers to earlier choices that arrive late are dropped
  const loadPast = async () => {
    const head = [h("h2", {}, t("as_stood")), h("div", { class: "toolbar" }, field(t("as_of"), dateInput))];
    if (!requested || !dateInput.value) return clear(past, head);
    const mine = ++asked;
    let task = null;
    let message = null;
    try {
      task = await api.get(`/v1/tasks/${encodeURIComponent(requested)}?as_of=${dateInput.value}`);
    } catch (e) {
      message = notThenMessage(e.problem, entered) || e.message;
    }
    if (mine !== asked) return;
    clear(past, head, task ? h("div", { id: "stood" }, taskSummary(task))
      : h("p", { class: "card warning", id: "stood-none", role: "status" }, message));
  };
  dateInput.addEventListener("change", loadPast);

  clear(el,
    h("h1", {}, t("history_title")),
    h("form", { role: "search", onsubmit: (e) => {
      e.preventDefault();
      const first = found.querySelector("a");
      if (first) location.hash = first.getAttribute("href");
    } }, field(t("task_id"), input)),
    found,
    requested ? [timeline, past] : "", auditing ? integrity : "");
  await Promise.all([loadTimeline().then(loadPast), loadHead(), loadIntegrity()]);
  return () => Promise.all([loadTimeline(), loadHead()]);
}
