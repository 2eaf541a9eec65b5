// What waits on the coordinator — deliverables to review, extension requests to decide — across
// every plan (the Inbox page) or one plan (on its board). Decisions are confirmed; returning and
// refusing need a reason; an extension may be granted to another date than the one asked.
import * as api from "./api.js";
import { h, clear, field, attemptForm, badge } from "./dom.js";
import { t, fmtDate, fmtTime } from "./i18n.js";
import "./labels_work.js";

function who(by) {
  if (!by) return "";
  return [by.agency_name || (by.role === "coordinator" ? t("role_coordinator") : ""), by.person].filter(Boolean).join(" · ");
}

// Refreshes the count beside "Inbox" in the menu.
export async function refreshInboxCount() {
  const link = document.querySelector("[data-nav=inbox]");
  if (!link) return;
  try {
    const q = await api.get("/v1/queue");
    link.querySelector(".nav-count")?.remove();
    if (q.count) link.append(h("span", { class: "nav-count", "aria-label": String(q.count) }, String(q.count)));
  } catch {
    // the menu keeps its last count
  }
}

export async function renderQueue(box, plan, reload) {
  const q = await api.get(plan ? `/v1/plans/${encodeURIComponent(plan)}/queue` : "/v1/queue");
  // A decision being written is left alone: a refresh asked for before it opened (a live event)
  // may answer after, and must not wipe it.
  if (box.querySelector(".panel")) return q;
  // Done: the form closes, then the queue is read again.
  const after = async (slot) => {
    slot.replaceChildren();
    await reload();
    refreshInboxCount();
  };
  const taskLink = (item) => h("a", { href: "#/task/" + encodeURIComponent(item.task) }, h("b", {}, item.code), " ", item.title);
  // Whose part it is, for a task given to a group; the plan, in the inbox of every plan.
  const planLine = (item) => [
    item.part ? h("div", { class: "small part-of" }, t("part_of", item.part.name)) : "",
    plan ? "" : h("div", { class: "small muted" }, item.plan_title)];

  const deliverable = (item) => {
    const base = `/v1/tasks/${encodeURIComponent(item.task)}/deliverables/${encodeURIComponent(item.deliverable.id)}`;
    const slot = h("div");
    const accept = async () => {
      if (!window.confirm(t("confirm_accept"))) return;
      const form = h("form");
      if (await attemptForm(form, () => api.post(base + "/review", { occurrence: item.occurrence, part: item.part?.member, decision: "accepted", comment: "" }), t("done"))) after(slot);
      else slot.replaceChildren(form);
    };
    const giveBack = () => {
      const comment = h("textarea", { name: "comment", rows: 2, required: true });
      const form = h("form", { class: "panel", onsubmit: async (e) => {
        e.preventDefault();
        if (await attemptForm(form, () => api.post(base + "/review", { occurrence: item.occurrence, part: item.part?.member, decision: "returned", comment: comment.value }), t("done"))) after(slot);
      } }, field(t("return_reason"), comment), h("button", { type: "submit", "data-action": "return-confirm" }, t("return_")),
        h("button", { type: "button", class: "link", onclick: () => slot.replaceChildren() }, t("cancel")));
      slot.replaceChildren(form);
      comment.focus();
    };
    return h("li", { "data-task": item.task, "data-deliverable": item.deliverable.id },
      taskLink(item), planLine(item),
      h("div", { class: "muted small" }, `${item.deliverable.name} · ${who(item.deliverable.by)} · ${fmtTime(item.deliverable.submitted_at_ms)}`),
      item.deliverable.note ? h("div", { class: "small" }, item.deliverable.note) : "",
      h("div", { class: "actions" },
        item.deliverable.has_file && h("button", { class: "small secondary", onclick: () => api.download(base + "/file", item.deliverable.name) }, t("download")),
        h("button", { class: "small", "data-action": "accept", onclick: accept }, t("accept")),
        h("button", { class: "small secondary", "data-action": "return", onclick: giveBack }, t("return_"))),
      slot);
  };

  const extension = (item) => {
    const base = `/v1/tasks/${encodeURIComponent(item.task)}/extension-requests/${encodeURIComponent(item.request.id)}/decision`;
    const slot = h("div");
    const grant = () => {
      const due = h("input", { type: "date", name: "due", required: true, value: item.request.requested_due, min: item.due || undefined });
      const comment = h("input", { type: "text", name: "comment" });
      const form = h("form", { class: "panel", onsubmit: async (e) => {
        e.preventDefault();
        if (!window.confirm(t("confirm_grant", fmtDate(due.value)))) return;
        if (await attemptForm(form, () => api.post(base, { occurrence: item.occurrence, part: item.part?.member, decision: "granted", due: due.value, comment: comment.value }), t("done"))) after(slot);
      } }, field(t("grant_due"), due), field(t("comment_text"), comment), h("button", { type: "submit", "data-action": "grant-confirm" }, t("grant")),
        h("button", { type: "button", class: "link", onclick: () => slot.replaceChildren() }, t("cancel")));
      slot.replaceChildren(form);
      due.focus();
    };
    const refuse = () => {
      const comment = h("textarea", { name: "comment", rows: 2, required: true });
      const form = h("form", { class: "panel", onsubmit: async (e) => {
        e.preventDefault();
        if (await attemptForm(form, () => api.post(base, { occurrence: item.occurrence, part: item.part?.member, decision: "refused", comment: comment.value }), t("done"))) after(slot);
      } }, field(t("refuse_reason"), comment), h("button", { type: "submit", "data-action": "refuse-confirm" }, t("refuse")),
        h("button", { type: "button", class: "link", onclick: () => slot.replaceChildren() }, t("cancel")));
      slot.replaceChildren(form);
      comment.focus();
    };
    return h("li", { "data-task": item.task, "data-request": item.request.id },
      taskLink(item), planLine(item),
      h("div", { class: "muted small" }, `${t("current_due")}: ${fmtDate(item.due)} → ${t("requested_due")}: ${fmtDate(item.request.requested_due)} · ${who(item.request.by)}`),
      h("div", { class: "small" }, item.request.reason),
      h("div", { class: "actions" },
        h("button", { class: "small", "data-action": "grant", onclick: grant }, t("grant")),
        h("button", { class: "small secondary", "data-action": "refuse", onclick: refuse }, t("refuse"))),
      slot);
  };

  const sub = plan ? "h3" : "h2";  // under the board's h2, or straight under the inbox's h1
  clear(box,
    plan ? h("h2", {}, t("queue")) : "",
    h(sub, {}, t("queue_deliverables"), " ", badge(String(q.deliverables.length))),
    q.deliverables.length ? h("ul", { class: "queue", id: "queue-deliverables" }, q.deliverables.map(deliverable)) : h("p", { class: "muted" }, t("none")),
    h(sub, {}, t("queue_extensions"), " ", badge(String(q.extension_requests.length))),
    q.extension_requests.length ? h("ul", { class: "queue", id: "queue-extensions" }, q.extension_requests.map(extension)) : h("p", { class: "muted" }, t("none")));
  return q;
}

export async function renderInbox(el) {
  const box = h("section", { class: "card", id: "queue" });
  clear(el, h("h1", {}, t("inbox_title")), h("p", { class: "help" }, t("inbox_help")), box);
  const load = () => renderQueue(box, null, load);
  await load();
  return () => { if (!box.querySelector(".panel")) load(); };
}
