// Notifications: an agency's email addresses (its own; a coordinator any agency's, and may vouch
// for an official address; auditors read), whether each is confirmed, failing or off, what it
// receives (reminders, changes, a digest) and in which language, a test mail, the mails sent.
// Also, for a coordinator, the agencies of a plan that nothing reaches (reachCard, on the board).
import * as api from "./api.js";
import { h, clear, field, attempt, attemptForm, badge, toast } from "./dom.js";
import { t, fmtTime, fmtDate } from "./i18n.js";
import { session, agencyName } from "./session.js";
import "./labels_notify.js";

const DIGESTS = ["none", "daily", "weekly"];

// Where an address stands, as one badge.
function stateBadge(m) {
  if (m.failing) return badge(t("mail_failing"), "overdue");
  if (!m.enabled) return badge(m.unsubscribed_at_ms ? t("mail_unsubscribed") : t("mail_off"), "muted");
  if (!m.confirmed) return badge(t("mail_unconfirmed"), "soon");
  return badge(t("mail_confirmed"), "ok");
}

function confirmedBy(m) {
  if (!m.confirmed) return "";
  const by = m.confirmed_by === "link" ? t("mail_by_link") : t("mail_by_coordinator", m.confirmed_by);
  return h("p", { class: "muted small" }, by, m.confirmed_at_ms ? " · " + fmtTime(m.confirmed_at_ms) : "");
}

export async function renderNotifications(el, [requested]) {
  const me = session.me;
  const canManage = me.role !== "auditor";
  const choosable = [...session.agencies.values()].filter((a) => a.kind !== "group");
  const agency = me.role === "agency" ? me.agency : requested || choosable[0]?.id;
  const list = h("div", { id: "mail-list" });
  const notice = h("div");
  const open = new Set();  // addresses whose mails are shown
  const base = (m) => `/v1/email-subscriptions/${encodeURIComponent(m.id)}`;

  const change = async (m, body) => {
    if (await attempt(() => api.send("PATCH", base(m), body), t("saved"))) load();
  };
  const act = async (m, path, okText) => {
    if (await attempt(() => api.post(base(m) + path), okText)) load();
  };

  const sent = async (m, box) => {
    const page = await api.get(base(m) + "/deliveries");
    clear(box, page.items.length ? h("div", { class: "scroll" }, h("table", { class: "deliveries" },
      h("thead", {}, h("tr", {}, [t("time"), t("mail_kind"), t("task"), t("status"), t("attempts")].map((x) => h("th", {}, x)))),
      h("tbody", {}, page.items.map((d) => h("tr", { "data-state": d.state },
        h("td", {}, fmtTime(d.created_at_ms)),
        h("td", {}, t("mailtype_" + d.type.replaceAll(".", "_"))),
        h("td", {}, d.task ? h("a", { href: "#/history/" + encodeURIComponent(d.task) }, d.task) : "—"),
        h("td", {}, badge(t("state_" + d.state), d.state === "failed" ? "overdue" : d.state === "delivered" ? "ok" : "soon"),
          d.last_error ? h("div", { class: "muted small" }, d.last_error) : ""),
        h("td", { class: "n" }, d.attempts)))))) : h("p", { class: "muted" }, t("none")));
  };

  // The days before a deadline this address is reminded: its own, or back to the server's.
  const daysForm = (m, days) => {
    const input = h("input", { type: "text", name: "reminder_schedule.days_before", id: `days-${m.id}`, value: days.join(", "), class: "narrow-text", inputmode: "numeric" });
    const form = h("form", { class: "days-form", onsubmit: async (e) => {
      e.preventDefault();
      const list = input.value.split(/[,;\s]+/).filter(Boolean).map(Number);
      const { overdue_every_days = 7, hour = 8 } = m.reminder_schedule || {};
      const body = { reminder_schedule: { days_before: list, overdue_every_days, hour } };
      if (await attemptForm(form, () => api.send("PATCH", base(m), body), t("saved"))) load();
    } }, field(t("mail_days"), input), h("button", { type: "submit", class: "small" }, t("save")),
      m.reminder_schedule_own
        ? h("button", { type: "button", class: "small secondary", onclick: () => change(m, { reminder_schedule: null }) }, t("mail_days_server"))
        : h("span", { class: "muted small" }, t("mail_server_days")));
    return form;
  };

  const card = (m) => {
    const box = h("div", { class: "delivery-box" });
    if (open.has(m.id)) attempt(() => sent(m, box));
    const toggle = () => {
      if (open.delete(m.id)) return box.replaceChildren();
      open.add(m.id);
      attempt(() => sent(m, box));
    };
    const id = (name) => `${name}-${m.id}`;
    const select = (name, values, current, label) => h("select", { id: id(name), disabled: !canManage, onchange: (e) => change(m, { [name]: e.target.value }) },
      values.map((v) => h("option", { value: v, selected: v === current }, label(v))));
    const check = (name) => h("label", { class: "check" },
      h("input", { type: "checkbox", id: id(name), checked: m[name], disabled: !canManage, onchange: (e) => change(m, { [name]: e.target.checked }) }),
      t("mail_want_" + name));
    const days = m.reminder_schedule?.days_before || [];
    return h("article", { class: "card mailbox", "data-mailbox": m.id, "data-state": m.failing ? "failing" : !m.enabled ? "off" : m.confirmed ? "confirmed" : "unconfirmed" },
      h("header", {}, h("h2", { class: "mono address" }, m.address), stateBadge(m)),
      confirmedBy(m),
      m.failing ? h("p", { class: "error small" }, t("mail_failing_help"), " ", m.failing) : "",
      !m.confirmed && m.enabled ? h("p", { class: "help" }, t("mail_unconfirmed_help")) : "",
      h("div", { class: "mail-settings" },
        field(t("mail_digest"), select("digest", DIGESTS, m.digest, (v) => t("digest_" + v))),
        field(t("mail_language"), select("language", ["vi", "en"], m.language, (v) => t("language_" + v))),
        h("div", { class: "checks" }, check("reminders"), check("changes"), check("enabled"))),
      m.reminders ? (canManage ? daysForm(m, days) : h("p", { class: "muted small" }, t("mail_reminder_days", days.join(", ")),
        m.reminder_schedule_own ? "" : " " + t("mail_server_days"))) : "",
      m.last_digest_at_ms ? h("p", { class: "muted small" }, t("mail_last_digest"), " ", fmtTime(m.last_digest_at_ms)) : "",
      h("div", { class: "actions" },
        h("button", { class: "small", onclick: toggle }, t("mail_sent")),
        canManage && m.confirmed && m.enabled && h("button", { class: "small", "data-action": "test", onclick: () => act(m, "/test", t("mail_test_queued")) }, t("mail_test")),
        canManage && !m.confirmed && m.enabled && h("button", { class: "small", "data-action": "resend", onclick: () => act(m, "/resend-confirmation", t("mail_confirmation_sent")) }, t("mail_resend")),
        canManage && me.role === "coordinator" && !m.confirmed && h("button", { class: "small", "data-action": "vouch", onclick: () => {
          if (confirm(t("mail_vouch_confirm", m.address))) act(m, "/confirm", t("done"));
        } }, t("mail_vouch")),
        canManage && h("button", { class: "small secondary", "data-action": "remove", onclick: async () => {
          if (!confirm(t("mail_remove_confirm", m.address))) return;
          if (await attempt(() => api.send("DELETE", base(m)), t("done"))) load();
        } }, t("remove"))),
      box);
  };

  const load = async () => {
    const page = await api.get(`/v1/email-subscriptions?agency=${encodeURIComponent(agency)}`);
    clear(notice, page.mail ? "" : h("p", { class: "card warning", role: "status" }, t("mail_server_off")));
    clear(list, page.items.length ? page.items.map(card) : h("p", { class: "muted", id: "mail-none" }, t("mail_none")));
  };

  let form = "";
  if (canManage) {
    const address = h("input", { type: "email", name: "address", id: "mail-address", required: true, autocomplete: "email", placeholder: "vanthu@…gov.vn", class: "wide" });
    const digest = h("select", { name: "digest", id: "mail-digest" }, DIGESTS.map((v) => h("option", { value: v, selected: v === "weekly" }, t("digest_" + v))));
    const language = h("select", { name: "language", id: "mail-language" }, ["vi", "en"].map((v) => h("option", { value: v }, t("language_" + v))));
    const vouch = me.role === "coordinator" && h("input", { type: "checkbox", name: "confirmed", id: "mail-vouch" });
    form = h("form", { class: "card", id: "mail-add", onsubmit: async (e) => {
      e.preventDefault();
      const body = { address: address.value.trim(), digest: digest.value, language: language.value };
      if (me.role !== "agency") body.agency = agency;
      if (vouch?.checked) body.confirmed = true;
      const made = await attemptForm(form, () => api.post("/v1/email-subscriptions", body));
      if (!made) return;
      toast(made.confirmed ? t("mail_added_confirmed") : made.confirmation?.sent ? t("mail_added_check", made.address) : t("mail_added_unsent"),
        made.confirmed || made.confirmation?.sent ? "ok" : "error");
      address.value = "";
      load();
    } }, h("h2", {}, t("mail_add")), field(t("mail_address"), address), field(t("mail_digest"), digest), field(t("mail_language"), language),
      vouch ? h("label", { class: "check" }, vouch, t("mail_vouch_new")) : "",
      h("button", { type: "submit" }, t("mail_add")));
  }

  const picker = me.role !== "agency" && h("select", { id: "mail-agency", onchange: (e) => { location.hash = "#/notifications/" + encodeURIComponent(e.target.value); } },
    choosable.map((a) => h("option", { value: a.id, selected: a.id === agency }, a.name)));
  clear(el, h("h1", {}, t("notifications_title")),
    picker ? h("div", { class: "toolbar" }, field(t("agency"), picker)) : "",
    h("p", { class: "help" }, t("notifications_help", agencyName(agency))), notice, list, form);
  await load();
  // Live updates redraw the list, unless someone is at work in it (typing, or an error shown).
  return () => {
    if (!list.contains(document.activeElement) && !list.querySelector(".field-error")) return load();
  };
}

// The agencies of `plan` that nothing reaches, and those with a channel in trouble: the first
// thing a coordinator fixes before a deadline. Folded when everyone can be told.
export async function reachCard(plan) {
  const reach = await api.get(`/v1/plans/${encodeURIComponent(plan.id)}/reach`);
  const troubled = reach.agencies.filter((a) => !a.reachable || a.problems.length);
  const SHOWN = 50;  // a national plan names thousands: the first ones to fix, then how many more
  const rows = troubled.slice(0, SHOWN).map((a) => h("li", { "data-agency": a.agency, "data-reachable": String(a.reachable) },
    h("a", { href: "#/notifications/" + encodeURIComponent(a.agency) }, h("b", {}, a.name)), " ",
    a.reachable ? badge(t("reach_partly"), "soon") : badge(t("reach_none"), "overdue"), " ",
    h("span", { class: "small" }, a.problems.map((p) => t("reach_" + p)).join(" · ")),
    h("div", { class: "muted small" }, t("reach_tasks", a.open_tasks), a.next_due ? " · " + t("reach_next", fmtDate(a.next_due)) : "")));
  return h("details", { class: "card reach", id: "reach", open: reach.unreachable > 0 },
    h("summary", {}, reach.unreachable ? t("reach_title", reach.unreachable) : t("reach_all", reach.agencies.length)),
    reach.mail ? "" : h("p", { class: "help" }, t("mail_server_off")),
    rows.length ? h("ul", { class: "reach-list" }, rows) : h("p", { class: "muted" }, t("none")),
    troubled.length > SHOWN ? h("p", { class: "muted" }, t("reach_more", troubled.length - SHOWN)) : "");
}
