// "My tasks": an agency's open occurrences, nearest deadline first, with what it can do about each:
// report progress, submit a deliverable, ask for more time, comment. And its calendar links.
import * as api from "./api.js";
import { h, clear, field, attempt, badge, toast } from "./dom.js";
import { t, fmtDate, fmtTime } from "./i18n.js";
import { session, agencyName } from "./session.js";

export function dueBadge(task) {
  if (task.days_left === undefined || task.days_left === null) return badge(t("no_date"), "muted");
  if (task.days_left < 0) return badge(t("days_overdue", -task.days_left), "overdue");
  if (task.days_left === 0) return badge(t("due_today"), "soon");
  return badge(t("days_left", task.days_left), task.days_left <= 7 ? "soon" : "ok");
}

export function categoryBadge(category) {
  return category ? badge(t("cat_" + category), "cat-" + category) : "";
}

export async function renderTasks(el) {
  const agency = session.me.agency;
  const planTitle = new Map(session.plans.map((p) => [p.id, p.title]));
  let openPanel = null;  // a form being filled in: live updates wait until it closes
  let pending = false;

  const list = h("div", { class: "tasks", id: "task-list" });
  const calendar = h("section", { class: "card calendar" });
  const subtitle = h("p", { class: "muted" });

  const load = async () => {
    const page = await api.get(`/v1/agencies/${encodeURIComponent(agency)}/tasks?limit=1000`);
    subtitle.textContent = t("tasks_sub", page.items.length);
    clear(list, page.items.map(card));
  };

  const panel = (task, kind, body) => {
    const box = h("div", { class: "panel", "data-panel": kind });
    const close = () => {
      box.remove();
      openPanel = null;
      if (pending) {
        pending = false;
        load();
      }
    };
    const done = async () => {
      close();
      await load();
    };
    clear(box, body(done), h("button", { type: "button", class: "link", onclick: close }, t("close")));
    return { box, close };
  };

  const forms = {
    progress: (task) => (done) => {
      const percent = h("input", { type: "number", min: 0, max: 100, step: 5, name: "percent", required: true });
      const narrative = h("textarea", { name: "narrative", rows: 3 });
      return h("form", { onsubmit: async (e) => {
        e.preventDefault();
        const ok = await attempt(() => api.post(`/v1/tasks/${encodeURIComponent(task.id)}/progress`,
          { occurrence: task.occurrence, percent: Number(percent.value), narrative: narrative.value }), t("done"));
        if (ok) done();
      } }, field(t("percent"), percent), field(t("narrative"), narrative), h("button", { type: "submit" }, t("send")));
    },
    deliver: (task) => (done) => {
      const file = h("input", { type: "file", name: "file", required: true });
      const note = h("input", { type: "text", name: "note" });
      const bar = h("progress", { max: 1, value: 0, class: "upload" });
      const label = h("span", { class: "muted upload-label" });
      return h("form", { onsubmit: async (e) => {
        e.preventDefault();
        if (!file.files[0]) return;
        label.textContent = t("uploading") + "…";
        const ok = await attempt(() => api.upload(`/v1/tasks/${encodeURIComponent(task.id)}/deliverables`,
          { occurrence: task.occurrence, note: note.value }, file.files[0], (f) => {
            bar.value = f;
            label.textContent = `${t("uploading")} ${Math.round(f * 100)}%`;
          }), t("uploaded"));
        label.textContent = ok ? t("uploaded") : "";
        if (ok) done();
      } }, field(t("file"), file), field(t("note"), note), h("div", { class: "row" }, bar, label),
         h("button", { type: "submit" }, t("send")));
    },
    extend: (task) => (done) => {
      const due = h("input", { type: "date", name: "due", required: true });
      const reason = h("textarea", { name: "reason", rows: 2, required: true });
      return h("form", { onsubmit: async (e) => {
        e.preventDefault();
        const ok = await attempt(() => api.post(`/v1/tasks/${encodeURIComponent(task.id)}/extension-requests`,
          { occurrence: task.occurrence, due: due.value, reason: reason.value }), t("done"));
        if (ok) done();
      } }, field(t("new_due"), due), field(t("reason"), reason), h("button", { type: "submit" }, t("send")));
    },
    comment: (task) => (done) => {
      const text = h("textarea", { name: "text", rows: 3, required: true });
      return h("form", { onsubmit: async (e) => {
        e.preventDefault();
        const ok = await attempt(() => api.post(`/v1/tasks/${encodeURIComponent(task.id)}/comments`,
          { occurrence: task.occurrence, text: text.value }), t("done"));
        if (ok) done();
      } }, field(t("comment_text"), text), h("button", { type: "submit" }, t("send")));
    },
  };

  function card(task) {
    const actions = h("div", { class: "actions" });
    const slot = h("div");
    const open = (kind) => {
      openPanel?.close();
      const p = panel(task, kind, forms[kind](task));
      openPanel = p;
      slot.replaceChildren(p.box);
      p.box.querySelector("input, textarea")?.focus();
    };
    for (const [kind, label] of [["progress", "act_progress"], ["deliver", "act_deliver"], ["extend", "act_extend"], ["comment", "act_comment"]]) {
      actions.append(h("button", { type: "button", class: "small", "data-action": kind, onclick: () => open(kind) }, t(label)));
    }
    actions.append(h("a", { class: "small button-like", href: "#/history/" + encodeURIComponent(task.id) }, t("act_history")));
    const due = task.next_due || "";
    return h("article", { class: "card task " + (task.category || ""), "data-task": task.id, "data-due": due },
      h("header", {},
        h("span", { class: "code" }, task.code),
        h("h3", {}, task.title),
        dueBadge(task)),
      h("p", { class: "muted plan" }, planTitle.get(task.plan) || task.plan),
      h("dl", {},
        h("dt", {}, t("due")), h("dd", {}, due ? fmtDate(due) : "—"),
        h("dt", {}, t("deadline_written")), h("dd", { class: "deadline-text" }, task.deadline?.text || ""),
        h("dt", {}, t("deliverable")), h("dd", {}, task.deliverable || "—"),
        h("dt", {}, t("status")), h("dd", { class: "status" }, task.status ? t("st_" + task.status) : "—", " ", categoryBadge(task.category)),
        h("dt", {}, t("lead")), h("dd", {}, (task.role === "lead" ? badge(t("my_role_lead"), "role") : badge(t("my_role_coordinating"), "role")),
                                    " ", task.lead.map(agencyName).join("; "),
                                    task.via ? ` (${t("via")} ${agencyName(task.via)})` : "")),
      actions, slot);
  }

  const loadCalendar = async () => {
    const base = `/v1/agencies/${encodeURIComponent(agency)}/calendar-keys`;
    const keys = await api.get(base);
    const fresh = h("div", { class: "fresh-link" });
    clear(calendar,
      h("h2", {}, t("calendar")),
      h("p", { class: "help" }, t("calendar_help")),
      h("ul", { class: "keys" }, keys.items.map((k) => h("li", {},
        k.name, " · ", fmtTime(k.created_at_ms), " ",
        k.revoked ? badge(t("calendar_revoked"), "muted")
                  : h("button", { class: "small", onclick: async () => {
                      if (await attempt(() => api.send("DELETE", `${base}/${k.id}`), t("done"))) loadCalendar();
                    } }, t("calendar_revoke"))))),
      fresh,
      h("button", { class: "small", id: "calendar-new", onclick: async () => {
        const made = await attempt(() => api.post(base, { name: navigator.userAgent.includes("Mobile") ? "phone" : "browser" }));
        if (!made) return;
        const url = made.url || location.origin + made.path;
        await loadCalendar();
        calendar.querySelector(".fresh-link").replaceChildren(
          h("input", { type: "text", readonly: true, value: url, class: "mono", onfocus: (e) => e.target.select() }),
          h("a", { href: url.replace(/^https?:/, "webcal:") }, "webcal://"));
        toast(t("done"));
      } }, t("calendar_new")));
  };

  clear(el, h("h1", {}, t("tasks_title")), subtitle, list, calendar);
  await Promise.all([load(), loadCalendar()]);
  return () => {
    if (openPanel) pending = true;
    else load();
  };
}
