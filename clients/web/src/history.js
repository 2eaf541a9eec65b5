// A task's history (auditors, coordinators; an agency its own tasks): every event with its time,
// actor and what changed, notifications delivered or failed among them; the task as it stood on
// any date; and whether the log's hash chain is intact, with its head.
import * as api from "./api.js";
import { h, clear, field, attempt, badge } from "./dom.js";
import { t, fmtDate, fmtTime } from "./i18n.js";
import "./labels_notify.js";
import { session, agencyName } from "./session.js";

const names = (ids) => (ids || []).map(agencyName).join("; ");

// Who did it, for people: the agency and the person named on the token (the full label, with the
// token's id, stays in the tooltip and data-actor for auditors).
function byline(e) {
  const by = e.by;
  if (!by) return e.actor;
  const who = by.agency_name || (by.role === "coordinator" ? t("role_coordinator") : by.role === "system" ? "TaskLedger" : t("role_" + by.role));
  return [who, by.person].filter(Boolean).join(" · ");
}

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

export async function renderHistory(el, [requested]) {
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
      const plans = new Map(session.plans.map((p) => [p.id, p.title]));
      clear(found, page.items.length ? page.items.map((x) => h("li", {}, h("a", { href: "#/history/" + encodeURIComponent(x.id) },
        h("b", {}, x.code), " ", x.title), h("div", { class: "small muted" }, plans.get(x.plan) || x.plan))) : h("li", { class: "muted" }, t("none")));
    }, 250);
  });
  const timeline = h("section", { class: "card", id: "timeline" });
  const past = h("section", { class: "card", id: "as-stood" });
  const integrity = h("section", { class: "card", id: "integrity" });
  const dateInput = h("input", { type: "date", id: "stood-date", max: session.me.today });

  // The head follows the log; the verification (a read of the whole log) is done once per visit,
  // not on every live event, and says how many events it checked.
  const headLine = h("p", { class: "mono small" });
  const loadHead = async () => {
    const headInfo = await api.get("/v1/audit/head");
    clear(headLine, `${t("head")}: ${headInfo.hash}`, h("br"), `${t("position")}: ${headInfo.position}`);
  };
  const loadIntegrity = async () => {
    const parts = [h("h2", {}, t("verify")), headLine];
    if (session.me.role !== "agency") {
      const v = await api.get("/v1/audit/verify");
      parts.push(h("p", { class: v.ok ? "ok" : "error", id: "verify-result" }, v.ok ? t("verify_ok", v.checked) : t("verify_bad", v.first_bad_position)));
    }
    clear(integrity, parts);
  };

  const loadTimeline = async () => {
    if (!requested) return clear(timeline);
    const history = await api.get(`/v1/tasks/${encodeURIComponent(requested)}/history`);
    for (const e of history.events) e.task = requested;
    clear(timeline, h("h2", {}, t("timeline"), " ", badge(String(history.events.length))),
      h("ol", { class: "timeline" }, history.events.map((e) => {
        const notice = e.type.startsWith("task.notification_");
        return h("li", { class: "event " + e.type.replaceAll(".", "-") + (notice ? " notice" : ""), "data-type": e.type, "data-actor": e.actor },
          h("div", { class: "when" }, fmtTime(e.recorded_at_ms), h("span", { class: "muted small" }, ` #${e.position}`),
            // A fact of an earlier day, recorded later: both dates.
            e.effective_on && e.effective_on !== e.recorded_on
              ? h("div", { class: "small effective" }, t("effective_on"), " ", fmtDate(e.effective_on)) : ""),
          h("div", { class: "what" },
            h("b", {}, t("ev_" + e.type.replaceAll(".", "_"))),
            e.type === "task.notification_failed" ? badge(t("state_failed"), "overdue") : "",
            h("span", { class: "actor", title: e.actor }, byline(e)),
            describe(e).filter(Boolean).map((line) => h("div", { class: "small" }, line))));
      })));
  };

  const loadPast = async () => {
    if (!requested || !dateInput.value) return clear(past, h("h2", {}, t("as_stood")), field(t("as_of"), dateInput));
    const task = await attempt(() => api.get(`/v1/tasks/${encodeURIComponent(requested)}?as_of=${dateInput.value}`));
    clear(past, h("h2", {}, t("as_stood")), field(t("as_of"), dateInput), task ? h("div", { id: "stood" }, taskSummary(task)) : "");
  };
  dateInput.addEventListener("change", loadPast);

  clear(el,
    h("h1", {}, t("history_title")),
    h("form", { class: "toolbar", role: "search", onsubmit: (e) => {
      e.preventDefault();
      const first = found.querySelector("a");
      if (first) location.hash = first.getAttribute("href");
    } }, field(t("task_id"), input)),
    found,
    requested ? [timeline, past] : "", integrity);
  await Promise.all([loadTimeline(), loadPast(), loadHead(), loadIntegrity()]);
  return () => Promise.all([loadTimeline(), loadHead()]);
}
