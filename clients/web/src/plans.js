// Plans: the list, creating one (title, number, issuing authority, date, period) and correcting
// its particulars; each leads to the Import page for its matrix.
import * as api from "./api.js";
import { h, clear, field, attempt } from "./dom.js";
import { t, fmtDate } from "./i18n.js";
import { session, agencyName } from "./session.js";
import { slugify } from "./labels_setup.js";

export async function reloadPlans() {
  session.plans = (await api.get("/v1/plans")).items;
}

function authoritySelect(selected) {
  const agencies = [...session.agencies.values()].filter((a) => a.kind !== "group")
    .sort((a, b) => a.name.localeCompare(b.name, "vi"));
  // A plan recorded before authorities had to be agencies may name one in words: kept as it is
  // (and not sent) unless an agency is chosen instead.
  const legacy = selected && !agencies.some((a) => a.id === selected)
    ? h("option", { value: selected, selected: true }, selected) : null;
  return h("select", { name: "authority" }, h("option", { value: "" }, t("choose")), legacy,
    agencies.map((a) => h("option", { value: a.id, selected: a.id === selected }, a.name)));
}

// The form's fields for a plan, filled from `plan` when editing.
function planFields(plan) {
  const year = new Date().getFullYear();
  return {
    title: h("textarea", { name: "title", rows: 2, required: true, class: "wide", value: plan?.title || "" }),
    number: h("input", { name: "number", placeholder: "68/KH-SGDĐT", value: plan?.number || "" }),
    authority: authoritySelect(plan?.authority),
    issued: h("input", { type: "date", name: "issued", value: plan?.issued || "" }),
    start: h("input", { type: "date", name: "start", required: true, value: plan?.period?.start || `${year}-01-01` }),
    end: h("input", { type: "date", name: "end", required: true, value: plan?.period?.end || `${year + 4}-12-31` }),
  };
}

function editForm(plan, done) {
  const f = planFields(plan);
  const reason = h("input", { name: "reason", class: "wide" });
  return h("form", { class: "plan-edit", onsubmit: async (e) => {
    e.preventDefault();
    const body = { reason: reason.value };
    const set = (key, value, old) => { if (value !== (old || "")) body[key] = value; };
    set("title", f.title.value.trim(), plan.title);
    set("number", f.number.value.trim(), plan.number);
    set("authority", f.authority.value, plan.authority);
    if (f.issued.value && f.issued.value !== plan.issued) body.issued = f.issued.value;
    if (f.start.value !== plan.period.start || f.end.value !== plan.period.end) {
      body.period = { start: f.start.value, end: f.end.value };
    }
    if (await attempt(() => api.send("PATCH", `/v1/plans/${encodeURIComponent(plan.id)}`, body), t("plan_saved"))) done(true);
  } },
  field(t("plan_title"), f.title), h("div", { class: "fields" }, field(t("plan_number"), f.number), field(t("plan_authority"), f.authority),
    field(t("plan_issued"), f.issued)),
  h("div", { class: "fields" }, field(t("plan_start"), f.start), field(t("plan_end"), f.end)),
  field(t("edit_reason"), reason),
  h("div", { class: "actions" }, h("button", { type: "submit" }, t("plan_save")),
    h("button", { type: "button", class: "secondary", onclick: () => done(false) }, t("cancel"))));
}

export async function renderPlans(el) {
  const list = h("div", { id: "plan-list" });
  const editing = new Set();

  const card = (plan) => {
    const body = h("div");
    const show = () => {
      clear(body,
        h("p", { class: "muted" }, [plan.number, agencyName(plan.authority), plan.issued && fmtDate(plan.issued),
          `${fmtDate(plan.period.start)} – ${fmtDate(plan.period.end)}`, t("plan_tasks", plan.task_count ?? 0)].filter(Boolean).join(" · ")),
        h("div", { class: "actions" },
          h("a", { class: "button-like small", href: "#/import/" + encodeURIComponent(plan.id) }, t("import_matrix")),
          h("a", { class: "button-like small", href: "#/board/" + encodeURIComponent(plan.id) }, t("nav_board")),
          h("button", { class: "small secondary", "data-edit": plan.id, onclick: () => { editing.add(plan.id); show(); } }, t("plan_edit"))),
        editing.has(plan.id) && editForm(plan, async (saved) => {
          editing.delete(plan.id);
          if (saved) return load();
          show();
        }));
    };
    show();
    return h("article", { class: "card", "data-plan": plan.id }, h("h2", {}, plan.title), body);
  };

  const load = async () => {
    await reloadPlans();
    clear(list, session.plans.length ? session.plans.map(card) : h("p", { class: "card muted" }, t("plans_none")));
  };

  const f = planFields(null);
  const id = h("input", { name: "id", required: true, pattern: "[a-z0-9][a-z0-9._\\-]*", class: "mono" });
  let idTouched = false;
  id.addEventListener("input", () => { idTouched = true; });
  const suggest = () => {
    if (!idTouched) id.value = slugify((f.number.value || f.title.value).replace(/\//g, "-")) || "";
  };
  f.title.addEventListener("input", suggest);
  f.number.addEventListener("input", suggest);
  const create = h("form", { class: "card", id: "plan-create", onsubmit: async (e) => {
    e.preventDefault();
    const body = { id: id.value.trim(), title: f.title.value.trim(), number: f.number.value.trim(),
      authority: f.authority.value, period: { start: f.start.value, end: f.end.value } };
    if (f.issued.value) body.issued = f.issued.value;
    if (await attempt(() => api.post("/v1/plans", body), t("plan_created"))) {
      await reloadPlans();
      location.hash = "#/import/" + encodeURIComponent(body.id);
    }
  } },
  h("h2", {}, t("plan_create")),
  field(t("plan_title"), f.title),
  h("div", { class: "fields" }, field(t("plan_number"), f.number), field(t("plan_authority"), f.authority), field(t("plan_issued"), f.issued)),
  h("div", { class: "fields" }, field(t("plan_start"), f.start), field(t("plan_end"), f.end), field(t("plan_id"), id)),
  h("button", { type: "submit", id: "plan-create-submit" }, t("plan_create")));

  clear(el, h("h1", {}, t("plans_title")), h("p", { class: "help" }, t("plans_help")), list, create);
  await load();
  return () => load();
}
