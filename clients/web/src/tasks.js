// "My tasks": an agency's open occurrences grouped by urgency (overdue, due within 30 days, later,
// ongoing), filtered by plan and part, searchable; compact rows that open on demand, each with
// what the agency's part allows (the lead submits and asks for time; both report and comment),
// drafts kept while typing. The calendar subscription sits at the top, folded.
import * as api from "./api.js";
import { h, clear, field, attemptForm, badge, toast, attempt } from "./dom.js";
import { t, lang, fmtDate, fmtTime } from "./i18n.js";
import { session, agencyName } from "./session.js";
import "./labels_work.js";

export function dueBadge(task) {
  if (task.days_left === undefined || task.days_left === null) return badge(t("no_date"), "muted");
  if (task.days_left < 0) return badge(t("days_overdue", -task.days_left), "overdue");
  if (task.days_left === 0) return badge(t("due_today"), "soon");
  return badge(t("days_left", task.days_left), task.days_left <= 7 ? "soon" : "ok");
}

export function categoryBadge(category) {
  return category ? badge(t("cat_" + category), "cat-" + category) : "";
}

// A card's deadline: the days left and the date itself ("Còn 24 ngày · 31/12/2026").
function cardDue(task) {
  const due = dueBadge(task);
  if (task.next_due) due.append(" · ", h("time", { datetime: task.next_due }, fmtDate(task.next_due)));
  due.classList.add("card-due");
  return due;
}

// Where the occurrence (or the agency's own part) stands, in a few words joined by " · ".
function standing(task) {
  const awaiting = task.deliverables_awaiting_review;
  const parts = [
    // "Submitted, awaiting review" is said once, by the count awaiting review.
    task.status && !(task.status === "submitted" && awaiting) && h("span", { class: "state" }, t("st_" + task.status)),
    task.percent && h("span", { class: "muted" }, t("reported", task.percent)),
    task.extension_requested_due && h("span", { class: "pending" }, t("ext_pending", fmtDate(task.extension_requested_due))),
    awaiting && h("span", { class: "pending" }, t("awaiting_review", awaiting)),
  ].filter(Boolean);
  return h("span", { class: "small standing" }, parts.flatMap((x, i) => (i ? [" · ", x] : [x])));
}

// Plans' titles shortened to what tells them apart, for a card's label in a list that mixes plans:
// the words every title starts with ("Kế hoạch thực hiện Đề án") dropped, an opening quote
// trimmed. The full title is in the opened card.
function shortPlanTitles(titles) {
  const words = titles.map((x) => x.split(/\s+/));
  let common = 0;
  while (words.every((w) => w.length > common + 1 && w[common] === words[0][common])) ++common;
  return words.map((w) => w.slice(common).join(" ").replace(/^["“”'‘’]+/, ""));
}

// Size of a file, as people say it.
function fmtSize(bytes) {
  const [n, unit] = bytes < 1024 ? [bytes, "B"] : bytes < 1024 * 1024 ? [bytes / 1024, "KB"] : [bytes / 1024 / 1024, "MB"];
  return n.toLocaleString(lang() === "en" ? "en-GB" : "vi-VN", { maximumFractionDigits: unit === "MB" ? 1 : 0 }) + " " + unit;
}

const GROUPS = ["overdue", "soon", "later", "ongoing"];

function groupOf(task) {
  if (task.days_left === undefined || task.days_left === null) return "ongoing";
  if (task.days_left < 0) return "overdue";
  return task.days_left <= 30 ? "soon" : "later";
}

// Drafts of the forms on this page, per task and form, kept in this tab until sent or discarded.
const drafts = {
  key: (task, kind) => `taskledger.draft.${task.id}.${task.occurrence}.${kind}`,
  load: (task, kind) => JSON.parse(sessionStorage.getItem(drafts.key(task, kind)) || "null"),
  save: (task, kind, values) => sessionStorage.setItem(drafts.key(task, kind), JSON.stringify(values)),
  drop: (task, kind) => sessionStorage.removeItem(drafts.key(task, kind)),
};

// Keeps `form`'s text fields in a draft as they are typed, and fills them from it.
function keepDraft(form, task, kind) {
  const fields = [...form.querySelectorAll("input:not([type=file]), textarea")];
  const saved = drafts.load(task, kind);
  if (saved) for (const f of fields) if (saved[f.name] !== undefined) f.value = saved[f.name];
  form.addEventListener("input", () => {
    const values = {};
    for (const f of fields) values[f.name] = f.value;
    if (Object.values(values).some((v) => v)) drafts.save(task, kind, values);
    else drafts.drop(task, kind);
  });
  return form;
}

// `focus`: a task to open and show (a mail's link to it), whatever the filters were.
export async function renderTasks(el, [focus] = []) {
  const agency = session.me.agency;
  const planTitle = new Map(session.plans.map((p) => [p.id, p.title]));
  let openPanel = null;  // a form being filled in: live updates wait until it closes
  let pending = false;
  let items = [];
  const opened = new Set();  // rows the user opened, kept open across refreshes
  const fetched = new Map();  // task id → the task as last read, shown while it is read again

  const list = h("div", { class: "tasks", id: "task-list" });
  const calendar = h("details", { class: "card calendar", id: "calendar" });
  const subtitle = h("p", { class: "muted", id: "tasks-count" });
  const onePlan = h("p", { class: "one-plan small", id: "tasks-plan", hidden: true });
  const planFilter = h("select", { id: "filter-plan" }, h("option", { value: "" }, t("flt_all_plans")),
    session.plans.map((p) => h("option", { value: p.id }, p.title)));
  const roleFilter = h("select", { id: "filter-role" }, ["", "lead", "coordinating"].map((r) =>
    h("option", { value: r }, t(r ? "flt_role_" + r : "flt_role_all"))));
  const search = h("input", { type: "search", id: "filter-search", placeholder: t("search_tasks") });
  const saved = JSON.parse(sessionStorage.getItem("taskledger.tasks.filters") || "{}");
  planFilter.value = saved.plan || "";
  roleFilter.value = saved.role || "";
  search.value = saved.q || "";

  const panel = (task, kind, body) => {
    const box = h("div", { class: "panel", "data-panel": kind });
    const close = (force) => {
      if (!force && drafts.load(task, kind) && !window.confirm(t("draft_discard"))) return false;
      if (!force) drafts.drop(task, kind);
      box.remove();
      openPanel = null;
      if (pending) {
        pending = false;
        load();
      }
      return true;
    };
    const done = async () => {
      drafts.drop(task, kind);
      close(true);
      await load();
    };
    clear(box, body(done), h("button", { type: "button", class: "link", onclick: () => close(false) }, t("close")));
    return { box, close, task, kind };
  };

  const forms = {
    progress: (task) => (done) => {
      const percent = h("input", { type: "number", min: 0, max: 100, step: 5, name: "percent", required: true, value: task.percent ?? "" });
      const narrative = h("textarea", { name: "narrative", rows: 3 });
      const form = h("form", { onsubmit: async (e) => {
        e.preventDefault();
        const ok = await attemptForm(form, () => api.post(`/v1/tasks/${encodeURIComponent(task.id)}/progress`,
          { occurrence: task.occurrence, percent: Number(percent.value), narrative: narrative.value }), t("done"));
        if (ok) done();
      } }, field(t("percent"), percent), field(t("narrative"), narrative), h("button", { type: "submit" }, t("send")));
      return keepDraft(form, task, "progress");
    },
    deliver: (task) => (done) => {
      const file = h("input", { type: "file", name: "file", required: true });
      const note = h("input", { type: "text", name: "note" });
      const bar = h("progress", { max: 1, value: 0, class: "upload" });
      const label = h("span", { class: "muted upload-label" });
      const form = h("form", { onsubmit: async (e) => {
        e.preventDefault();
        if (!file.files[0]) return;
        label.textContent = t("uploading") + "…";
        const ok = await attemptForm(form, () => api.upload(`/v1/tasks/${encodeURIComponent(task.id)}/deliverables`,
          { occurrence: task.occurrence, note: note.value }, file.files[0], (f) => {
            bar.value = f;
            label.textContent = `${t("uploading")} ${Math.round(f * 100)}%`;
          }), t("uploaded"));
        label.textContent = ok ? t("uploaded") : "";
        if (ok) done();
      } }, field(t("file"), file), field(t("note"), note), h("div", { class: "row" }, bar, label),
         h("button", { type: "submit" }, t("send")));
      return keepDraft(form, task, "deliver");
    },
    extend: (task) => (done) => {
      const due = h("input", { type: "date", name: "due", required: true, min: task.next_due || undefined });
      const reason = h("textarea", { name: "reason", rows: 2, required: true });
      const form = h("form", { onsubmit: async (e) => {
        e.preventDefault();
        const ok = await attemptForm(form, () => api.post(`/v1/tasks/${encodeURIComponent(task.id)}/extension-requests`,
          { occurrence: task.occurrence, due: due.value, reason: reason.value }), t("done"));
        if (ok) done();
      } }, field(t("new_due"), due), field(t("reason"), reason), h("button", { type: "submit" }, t("send")));
      return keepDraft(form, task, "extend");
    },
    comment: (task) => (done) => {
      const text = h("textarea", { name: "text", rows: 3, required: true });
      const form = h("form", { onsubmit: async (e) => {
        e.preventDefault();
        const ok = await attemptForm(form, () => api.post(`/v1/tasks/${encodeURIComponent(task.id)}/comments`,
          { occurrence: task.occurrence, text: text.value }), t("done"));
        if (ok) done();
      } }, field(t("comment_text"), text), h("button", { type: "submit" }, t("send")));
      return keepDraft(form, task, "comment");
    },
  };

  function detail(task) {
    const lead = task.role === "lead";
    const actions = h("div", { class: "actions" });
    const slot = h("div");
    const open = (kind) => {
      if (openPanel && !openPanel.close(false)) return;  // the user kept the other draft
      const p = panel(task, kind, forms[kind](task));
      openPanel = p;
      slot.replaceChildren(p.box);
      p.box.querySelector("input, textarea")?.focus();
    };
    const kinds = lead ? [["progress", "act_progress"], ["deliver", "act_deliver"], ["extend", "act_extend"], ["comment", "act_comment"]]
                       : [["progress", "act_progress"], ["comment", "act_comment"]];
    for (const [kind, label] of kinds) {
      const hasDraft = !!drafts.load(task, kind);
      actions.append(h("button", { type: "button", class: "small" + (hasDraft ? " has-draft" : ""), "data-action": kind,
        title: hasDraft ? t("draft_kept") : undefined, onclick: () => open(kind) }, t(label)));
    }
    actions.append(h("a", { class: "small button-like", href: "#/history/" + encodeURIComponent(task.id) }, t("act_history")));
    const due = task.next_due || "";
    // The narrative last reported: the list's, or the own part's once the task is read.
    const progressRow = [h("dt", { hidden: !task.last_progress }, t("narrative")),
                         h("dd", { class: "last-progress", hidden: !task.last_progress }, task.last_progress || "")];
    // What was submitted, read with the task each time the card is drawn (so an upload shows once
    // it is recorded); the last reading is shown meanwhile, and said again only when it changed.
    const submitted = h("section", { class: "delivered", "data-delivered": task.id, "aria-live": "polite" });
    const ownOf = (full) => {
      const occurrence = full.occurrences?.find((o) => o.key === task.occurrence);
      return occurrence?.part || occurrence;  // a member's own part, else the occurrence itself
    };
    const showSubmitted = (own) => {
      clear(submitted, h("h3", {}, t("dlv_title")), deliverablesList(task, own.deliverables || []));
      if (own.last_progress) {
        progressRow[1].textContent = own.last_progress;
        progressRow[0].hidden = progressRow[1].hidden = false;
      }
    };
    const before = fetched.has(task.id) && ownOf(fetched.get(task.id));
    if (before) showSubmitted(before);
    else clear(submitted, h("h3", {}, t("dlv_title")), h("p", { class: "muted small" }, t("loading")));
    api.get(`/v1/tasks/${encodeURIComponent(task.id)}`).then((full) => {
      fetched.set(task.id, full);
      const own = ownOf(full);
      if (!own) clear(submitted);
      else if (JSON.stringify(own) !== JSON.stringify(before)) showSubmitted(own);
    }, (e) => clear(submitted, h("h3", {}, t("dlv_title")), h("p", { class: "error small" }, t("dlv_failed"), " ", e.message || "")));
    return h("div", { class: "task-detail" },
      h("dl", {},
        h("dt", {}, t("due")), h("dd", {}, due ? fmtDate(due) : "—"),
        h("dt", {}, t("deadline_written")), h("dd", { class: "deadline-text" }, task.deadline?.text || ""),
        h("dt", {}, t("deliverable")), h("dd", {}, task.deliverable || "—"),
        // The status in words, and apart from it the report's group it counts in, so "not
        // started" never reads as if it were a second, contrary status.
        h("dt", {}, t("status")), h("dd", { class: "status" }, task.status ? t("st_" + task.status) : "—"),
        task.category ? [h("dt", {}, t("card_report_group")), h("dd", { class: "report-group" }, categoryBadge(task.category))] : "",
        h("dt", {}, t("lead")), h("dd", {}, task.lead.map(agencyName).join("; ")),
        task.coordinating?.length ? [h("dt", {}, t("coordinating")), h("dd", {}, task.coordinating.map(agencyName).join("; "))] : "",
        h("dt", {}, t("plan")), h("dd", { class: "plan-title" }, planTitle.get(task.plan) || task.plan),
        progressRow),
      submitted,
      lead ? "" : h("p", { class: "help lead-only" }, t("lead_only")),
      actions, slot);
  }

  // What this agency (or its own part) has submitted for the occurrence: each file, when, and how
  // its review stands; a file opens with the tab's token.
  function deliverablesList(task, deliverables) {
    if (!deliverables.length) return h("p", { class: "muted small dlv-none" }, t("dlv_none"));
    const review = (d) => d.review === "accepted" ? badge(t("dlv_accepted"), "ok")
      : d.review === "returned" ? badge(t("dlv_returned"), "overdue") : badge(t("dlv_pending"), "soon");
    return h("ul", { class: "delivered-list" }, [...deliverables].sort((a, b) => b.submitted_at_ms - a.submitted_at_ms).map((d) =>
      h("li", { "data-deliverable": d.id, "data-review": d.review || "pending" },
        h("div", { class: "dlv-head" },
          d.sha256
            ? h("button", { type: "button", class: "link dlv-name", onclick: () => attempt(() => api.download(
                `/v1/tasks/${encodeURIComponent(task.id)}/deliverables/${encodeURIComponent(d.id)}/file`, d.name)) }, d.name)
            : h("span", { class: "dlv-name" }, d.name),
          " ", review(d)),
        h("div", { class: "small muted" }, t("dlv_when", fmtTime(d.submitted_at_ms)), d.size ? " · " + fmtSize(d.size) : ""),
        d.note ? h("div", { class: "small" }, t("note"), ": ", d.note) : "",
        d.review_comment ? h("div", { class: "small dlv-comment" }, t("dlv_comment"), ": ", d.review_comment) : "")));
  }

  // `planLabels`: a short name per plan when the list mixes plans (else none: the page names it).
  function row(task, planLabels) {
    const body = h("div");
    const item = h("details", { class: "task " + (task.category || ""), "data-task": task.id, "data-due": task.next_due || "",
      open: opened.has(task.id), ontoggle: () => {
        if (item.open) {
          opened.add(task.id);
          if (!body.firstChild) body.append(detail(task));
        } else {
          opened.delete(task.id);
        }
      } },
      h("summary", {},
        h("span", { class: "code" }, task.code),
        h("span", { class: "title" }, task.title),
        h("span", { class: "meta" },
          cardDue(task), " ",
          badge(task.role === "lead" ? t("my_role_lead") : t("my_role_coordinating"), "role"), " ",
          standing(task)),
        task.as_part && task.via ? h("span", { class: "part-of-group small" }, t("card_part_of_group", agencyName(task.via))) : "",
        planLabels ? h("span", { class: "plan small muted" }, t("plan"), ": ", planLabels.get(task.plan)) : "",
        h("span", { class: "chevron", "aria-hidden": "true" })),
      body);
    if (item.open) body.append(detail(task));
    return item;
  }

  const draw = () => {
    const q = search.value.trim().toLowerCase().normalize("NFC");
    sessionStorage.setItem("taskledger.tasks.filters", JSON.stringify({ plan: planFilter.value, role: roleFilter.value, q: search.value }));
    const shown = items.filter((x) => (!planFilter.value || x.plan === planFilter.value) &&
      (!roleFilter.value || x.role === roleFilter.value) &&
      (!q || `${x.code} ${x.title} ${x.deliverable || ""}`.toLowerCase().normalize("NFC").includes(q)));
    subtitle.textContent = t("shown_of", shown.length, items.length);
    // One plan shown: named once above the list. Several: each card says which, shortly.
    const plans = [...new Set(shown.map((x) => x.plan))];
    const titles = plans.map((id) => planTitle.get(id) || id);
    const short = plans.length > 1 ? shortPlanTitles(titles) : null;
    const planLabels = short && new Map(plans.map((id, i) => [id, short[i]]));
    clear(onePlan, plans.length === 1 ? [t("plan"), ": ", h("strong", {}, titles[0])] : "");
    onePlan.hidden = plans.length !== 1;
    clear(list, GROUPS.map((g) => {
      const members = shown.filter((x) => groupOf(x) === g);
      if (!members.length) return "";
      return h("section", { class: "group", "data-group": g },
        h("h2", { class: "group-title " + g }, t("grp_" + g), " ", h("span", { class: "count" }, members.length)),
        members.map((x) => row(x, planLabels)));
    }), shown.length ? "" : h("p", { class: "card muted" }, t("none")));
  };
  for (const f of [planFilter, roleFilter]) f.addEventListener("change", draw);
  search.addEventListener("input", draw);

  const load = async () => {
    const page = await api.get(`/v1/agencies/${encodeURIComponent(agency)}/tasks?limit=1000`);
    items = page.items;
    draw();
  };
  const show = () => {
    if (!focus || !items.some((x) => x.id === focus)) return;
    planFilter.value = roleFilter.value = search.value = "";
    opened.add(focus);
    draw();
    const item = list.querySelector(`details[data-task="${CSS.escape(focus)}"]`);
    item?.classList.add("focused");
    item?.scrollIntoView({ block: "center" });
  };

  const loadCalendar = async () => {
    const base = `/v1/agencies/${encodeURIComponent(agency)}/calendar-keys`;
    const keys = await api.get(base);
    const wasOpen = calendar.open;
    clear(calendar,
      h("summary", {}, t("calendar")),
      h("p", { class: "help" }, t("calendar_help")),
      h("ul", { class: "keys" }, keys.items.map((k) => h("li", {},
        k.name, " · ", fmtTime(k.created_at_ms), " ",
        k.revoked ? badge(t("calendar_revoked"), "muted")
                  : h("button", { class: "small", onclick: async () => {
                      if (await attempt(() => api.send("DELETE", `${base}/${k.id}`), t("done"))) loadCalendar();
                    } }, t("calendar_revoke"))))),
      h("div", { class: "fresh-link" }),
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
    calendar.open = wasOpen;
  };

  clear(el, h("h1", {}, t("tasks_title")), calendar,
    h("div", { class: "toolbar filters" }, field(t("plan"), planFilter), field(t("flt_role"), roleFilter), field(t("search"), search)),
    subtitle, onePlan, list);
  await Promise.all([load(), loadCalendar()]);
  show();
  return () => {
    if (openPanel) pending = true;
    else load();
  };
}

// Closing the tab loses this tab's drafts: say so first.
window.addEventListener("beforeunload", (e) => {
  const unsent = Object.keys(sessionStorage).some((k) => k.startsWith("taskledger.draft."));
  if (unsent && document.querySelector(".panel form")) {
    e.preventDefault();
    e.returnValue = "";
  }
});
