// Agencies: the list with kind, parent and other names; adding and editing one; a group's members.
import * as api from "./api.js";
import { h, clear, field, attempt } from "./dom.js";
import { t } from "./i18n.js";
import { session, agencyName } from "./session.js";
import { slugify } from "./labels_setup.js";

const KINDS = ["department", "committee", "institution", "group"];

async function reloadAgencies() {
  session.agencies = new Map((await api.get("/v1/agencies")).items.map((a) => [a.id, a]));
}

function byName(list) {
  return list.sort((a, b) => a.name.localeCompare(b.name, "vi"));
}

// The form for a new agency (no `agency`) or an existing one.
function agencyForm(agency, done) {
  const others = byName([...session.agencies.values()].filter((a) => a.id !== agency?.id));
  const id = h("input", { name: "id", required: true, class: "mono", pattern: "[a-z0-9][a-z0-9._\\-]*", value: agency?.id || "", disabled: !!agency });
  const name = h("input", { name: "name", required: true, class: "wide", value: agency?.name || "" });
  const nameEn = h("input", { name: "name_en", class: "wide", value: agency?.name_en || "" });
  const kind = h("select", { name: "kind" }, KINDS.map((k) => h("option", { value: k, selected: (agency?.kind || "department") === k }, t("kind_" + k))));
  const parent = h("select", { name: "parent" }, h("option", { value: "" }, t("none_short")),
    others.filter((a) => a.kind !== "group").map((a) => h("option", { value: a.id, selected: agency?.parent === a.id }, a.name)));
  const aliases = h("textarea", { name: "aliases", rows: 2, class: "wide", value: (agency?.aliases || []).join("\n") });
  const members = h("select", { name: "members", multiple: true, size: 6, class: "wide" },
    others.filter((a) => a.kind !== "group").map((a) => h("option", { value: a.id, selected: (agency?.members || []).includes(a.id) }, a.name)));
  const membersField = field(t("agency_members"), members);
  const showMembers = () => { membersField.hidden = kind.value !== "group"; };
  kind.addEventListener("change", showMembers);
  showMembers();
  let idTouched = !!agency;
  id.addEventListener("input", () => { idTouched = true; });
  name.addEventListener("input", () => { if (!idTouched) id.value = slugify(name.value); });
  return h("form", { class: agency ? "agency-edit" : "card", id: agency ? null : "agency-add", onsubmit: async (e) => {
    e.preventDefault();
    const body = { name: name.value.trim(), name_en: nameEn.value.trim(), kind: kind.value, parent: parent.value,
      aliases: aliases.value.split("\n").map((x) => x.trim()).filter(Boolean),
      members: kind.value === "group" ? [...members.selectedOptions].map((o) => o.value) : [] };
    const ok = agency
      ? await attempt(() => api.send("PUT", `/v1/agencies/${encodeURIComponent(agency.id)}`, body), t("agency_saved"))
      : await attempt(() => api.post("/v1/agencies", { id: id.value.trim(), ...body }), t("agency_saved"));
    if (ok) done(true);
  } },
  agency ? "" : h("h2", {}, t("agency_add")),
  h("div", { class: "fields" }, field(t("agency_name"), name), field(t("agency_id"), id)),
  h("div", { class: "fields" }, field(t("agency_name_en"), nameEn), field(t("agency_kind"), kind), field(t("agency_parent"), parent)),
  field(t("agency_aliases"), aliases), membersField,
  h("div", { class: "actions" }, h("button", { type: "submit" }, agency ? t("agency_save") : t("agency_add")),
    agency && h("button", { type: "button", class: "secondary", onclick: () => done(false) }, t("cancel"))));
}

export async function renderAgencies(el) {
  const canEdit = session.me.role === "coordinator";
  const filter = h("input", { type: "search", id: "agency-filter", placeholder: t("agencies_filter") });
  const table = h("div", { id: "agency-list" });
  let editing = null;

  const draw = () => {
    const q = filter.value.trim().toLowerCase();
    const rows = byName([...session.agencies.values()]).filter((a) => !q ||
      [a.name, a.name_en, a.id, ...(a.aliases || [])].some((x) => (x || "").toLowerCase().includes(q)));
    clear(table, h("div", { class: "scroll" }, h("table", { class: "agencies" },
      h("thead", {}, h("tr", {}, [t("agency_name"), t("agency_kind"), t("agency_parent"), t("agency_aliases").replace(/ \(.*\)$/, "")].map((x) => h("th", {}, x)), h("th", {}, h("span", { class: "visually-hidden" }, t("actions"))))),
      h("tbody", {}, rows.map((a) => editing === a.id
        ? h("tr", { "data-agency": a.id }, h("td", { colspan: 5 }, agencyForm(a, async (saved) => {
            editing = null;
            if (saved) await reloadAgencies();
            draw();
          })))
        : h("tr", { "data-agency": a.id },
            h("td", {}, h("strong", {}, a.name), a.name_en ? h("div", { class: "muted small" }, a.name_en) : "",
              a.kind === "group" && a.members?.length ? h("div", { class: "small" }, a.members.map(agencyName).join("; ")) : ""),
            h("td", {}, t("kind_" + a.kind)),
            h("td", {}, a.parent ? agencyName(a.parent) : ""),
            h("td", { class: "small" }, (a.aliases || []).join("; ")),
            h("td", { class: "row-actions" }, canEdit && h("button", { class: "small secondary", "data-edit": a.id, onclick: () => { editing = a.id; draw(); } }, t("agency_edit")))))))));
  };
  filter.addEventListener("input", draw);

  const addBox = h("div");
  const drawAdd = () => clear(addBox, canEdit ? agencyForm(null, async () => { await reloadAgencies(); draw(); drawAdd(); }) : "");
  clear(el, h("h1", {}, t("agencies_title")), h("p", { class: "help" }, t("agencies_help")),
    h("div", { class: "toolbar" }, filter), table, addBox);
  await reloadAgencies();
  draw();
  drawAdd();
  return async () => { if (!editing) { await reloadAgencies(); draw(); } };
}
