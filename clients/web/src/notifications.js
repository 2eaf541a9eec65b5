// Notifications: how an agency is told of its deadlines and changes, and whether it could be told
// at all, through time. Per agency (an agency its own; coordinators and auditors any, found by
// name): the stretches with no channel, its email addresses (whether each is confirmed, failing or
// off, what it receives and in which language, the mails sent) and its webhooks with their
// deliveries. Coordinators manage every address, an agency its own; auditors read. Coordinators
// and auditors also see who a plan can reach (reachCard, which the plan board shows too).
import * as api from "./api.js";
import { fold } from "./picker.js";
import { h, clear, field, attempt, attemptForm, badge, toast } from "./dom.js";
import { t, lang, fmtTime, fmtDate } from "./i18n.js";
import { session, agencyName, pickPlan } from "./session.js";
import { webhookList, taskLink, noticeKind } from "./webhooks.js";
import "./labels_notify.js";

const DIGESTS = ["none", "daily", "weekly"];
const enc = encodeURIComponent;

// The person a token label names ("coordinator:Nguyễn Văn A (token 6a8e…)" -> "Nguyễn Văn A").
const personOf = (label) => (label || "").replace(/\s*\(token [^)]*\)\s*$/, "").split(":").pop();

// YYYY-MM-DD arithmetic, and the day an instant falls on in Vietnam.
const addDays = (iso, n) => new Date(Date.parse(iso + "T00:00:00Z") + n * 86400000).toISOString().slice(0, 10);
const vnDay = (ms) => new Date(ms + 7 * 3600000).toISOString().slice(0, 10);
const clock = (ms) => new Date(ms).toLocaleTimeString(lang() === "en" ? "en-GB" : "vi-VN",
  { timeZone: "Asia/Ho_Chi_Minh", hour: "2-digit", minute: "2-digit" });

// Where an address stands, as one badge.
function stateBadge(m) {
  if (m.failing) return badge(t("mail_failing"), "overdue");
  if (!m.enabled) return badge(m.unsubscribed_at_ms ? t("mail_unsubscribed") : t("mail_off"), "muted");
  if (!m.confirmed) return badge(t("mail_unconfirmed"), "soon");
  return badge(t("mail_confirmed"), "ok");
}

function confirmedBy(m) {
  if (!m.confirmed) return "";
  const by = m.confirmed_by === "link" ? t("mail_by_link") : t("mail_by_coordinator", personOf(m.confirmed_by));
  return h("p", { class: "muted small" }, by, m.confirmed_at_ms ? " · " + fmtTime(m.confirmed_at_ms) : "");
}

// Stretches that touch and agree (`same`) as one: the log splits them at every change to an
// address or a webhook, even one that changes nothing here.
function merge(stretches, same) {
  const out = [];
  for (const s of stretches || []) {
    const last = out[out.length - 1];
    if (last && last.to_ms === s.from_ms && same(last) === same(s)) Object.assign(last, { to: s.to, to_ms: s.to_ms });
    else out.push({ ...s });
  }
  return out;
}

// Whether `agency` could be told, day by day: "could not be told: no channel from … to …" for
// each stretch without one, then every stretch with how many channels it had. `began` is the
// day the log began, when known: no earlier day is asked about.
function channelsCard(agency, began) {
  const today = session.me.today;
  const start = [addDays(today, -90), began].filter(Boolean).sort().pop();
  const from = h("input", { type: "date", name: "from", id: "channels-from", value: start, max: today, min: began || undefined });
  const to = h("input", { type: "date", name: "to", id: "channels-to", value: today, max: today, min: began || undefined });
  const out = h("div", { id: "channels-out", "aria-live": "polite" });
  const form = h("form", { class: "toolbar", onsubmit: (e) => { e.preventDefault(); card.load(); } },
    field(t("chan_from"), from), field(t("chan_to"), to), h("button", { type: "submit", class: "small" }, t("chan_show")));
  const card = h("section", { class: "card", id: "channels" },
    h("h2", {}, t("chan_title")), h("p", { class: "help" }, t("chan_help")), form, out);

  // "from 07/12/2025 to 20/12/2025", "… until now"; within one day, the hours.
  const span = (s, end) => {
    const untilNow = s.to_ms === end && s.to === today;
    if (s.from === s.to) return t("chan_within_day", fmtDate(s.from), clock(s.from_ms), untilNow ? t("chan_now") : clock(s.to_ms));
    return untilNow ? t("chan_until_now", fmtDate(s.from)) : t("chan_from_to", fmtDate(s.from), fmtDate(s.to));
  };
  card.load = async () => {
    const r = await attemptForm(form, () => api.get(`/v1/agencies/${enc(agency)}/channels?from=${from.value}&to=${to.value}`));
    if (!r) return;
    const end = r.stretches.length ? r.stretches[r.stretches.length - 1].to_ms : 0;
    const gaps = merge(r.without_channel, () => 0);
    const stretches = merge(r.stretches, (s) => s.channels);
    clear(out,
      gaps.length
        ? h("ul", { class: "reach-list", id: "channel-gaps" }, gaps.map((g) => h("li", { class: "error", "data-gap": `${g.from}/${g.to}` },
            t("chan_gap", span(g, end)))))
        : h("p", { class: "ok", id: "channel-gaps-none" }, t("chan_always")),
      h("details", { class: "group-lines" }, h("summary", {}, t("chan_stretches", stretches.length)),
        h("ul", { class: "lines" }, stretches.map((s) => h("li", { "data-channels": s.channels },
          span(s, end), ": ", s.channels ? t("chan_count", s.channels) : t("chan_none"))))),
      h("p", { class: "muted small" }, t("chan_note")));
  };
  return card;
}

// Find an agency by part of its name or another name, diacritics optional; each match links to
// its notifications, under the name of the agency above it (so that the "Sở Giáo dục và Đào tạo"
// of each province can be told apart).
function agencyFinder(choosable) {
  const input = h("input", { type: "search", id: "agency-find", class: "wide", autocomplete: "off", placeholder: t("notify_find_hint") });
  const found = h("ul", { class: "found", id: "agency-found" });
  input.addEventListener("input", () => {
    const q = fold(input.value.trim());
    if (!q) return clear(found);
    const matches = choosable.filter((a) => [a.name, a.name_en, ...(a.aliases || [])].some((n) => fold(n).includes(q))).slice(0, 12);
    clear(found, matches.length ? matches.map((a) => h("li", {},
      h("a", { href: "#/notifications/" + enc(a.id), "data-agency": a.id }, a.name),
      a.parent ? h("div", { class: "small muted" }, agencyName(a.parent)) : ""))
      : h("li", { class: "muted" }, t("none")));
  });
  return [h("form", { role: "search", onsubmit: (e) => {
    e.preventDefault();
    const first = found.querySelector("a");
    if (first) location.hash = first.getAttribute("href");
  } }, field(t("notify_find"), input)), found];
}

// Who a plan can reach (coordinators, auditors): a plan picker naming plans by number and title.
function reachSection() {
  const box = h("div", { id: "reach-box" });
  let plan = pickPlan();
  const select = h("select", { id: "reach-plan", onchange: (e) => { plan = pickPlan(e.target.value); section.load(); } },
    session.plans.map((p) => h("option", { value: p.id, selected: p.id === plan?.id }, p.number ? `${p.number} — ${p.title}` : p.title)));
  const section = h("section", { id: "plan-reach" }, h("h2", {}, t("reach_section")),
    plan ? h("div", { class: "toolbar" }, field(t("plan"), select)) : h("p", { class: "muted" }, t("none")), box);
  section.load = async () => { if (plan) box.replaceChildren(await reachCard(plan)); };
  return section;
}

export async function renderNotifications(el, [requested]) {
  const me = session.me;
  const canManage = me.role !== "auditor";
  const overseeing = me.role !== "agency";  // coordinators and auditors: any agency, and plans' reach
  const choosable = [...session.agencies.values()].filter((a) => a.kind !== "group");
  const agency = me.role === "agency" ? me.agency : choosable.some((a) => a.id === requested) ? requested : "";
  const list = h("div", { id: "mail-list" });
  const notice = h("div");
  const open = new Set();  // addresses whose mails are shown
  const base = (m) => `/v1/email-subscriptions/${enc(m.id)}`;
  let mailOn = true;  // whether this server sends mail at all (the list says)

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
        h("td", {}, noticeKind(d.type)),
        h("td", {}, d.task ? taskLink(d.task) : "—"),
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

  // What an address waiting for confirmation waits for, truly: the mailed link, or (no mail relay,
  // so no mail went out) a coordinator's word.
  const waiting = () => {
    if (mailOn) return t("mail_unconfirmed_help");
    const next = me.role === "coordinator" ? t("mail_vouch_now") : me.role === "agency" ? t("mail_ask_vouch") : "";
    return [t("mail_unconfirmed_no_relay"), next].filter(Boolean).join(" ");
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
      h("header", {}, h("h3", { class: "mono address" }, m.address), stateBadge(m)),
      confirmedBy(m),
      m.failing ? h("p", { class: "error small" }, t("mail_failing_help"), " ", m.failing) : "",
      !m.confirmed && m.enabled ? h("p", { class: "help", "data-waiting": mailOn ? "link" : "vouch" }, waiting()) : "",
      h("div", { class: "mail-settings" },
        field(t("mail_digest"), select("digest", DIGESTS, m.digest, (v) => t("digest_" + v))),
        field(t("mail_language"), select("language", ["vi", "en"], m.language, (v) => t("language_" + v))),
        h("div", { class: "checks" }, check("reminders"), check("changes"), check("enabled"))),
      m.reminders ? (canManage ? daysForm(m, days) : h("p", { class: "muted small" }, t("mail_reminder_days", days.join(", ")),
        m.reminder_schedule_own ? "" : " " + t("mail_server_days"))) : "",
      m.last_digest_at_ms ? h("p", { class: "muted small" }, t("mail_last_digest"), " ", fmtTime(m.last_digest_at_ms)) : "",
      h("div", { class: "actions" },
        h("button", { class: "small", onclick: toggle }, t("mail_sent")),
        canManage && m.confirmed && m.enabled && mailOn && h("button", { class: "small", "data-action": "test", onclick: () => act(m, "/test", t("mail_test_queued")) }, t("mail_test")),
        canManage && !m.confirmed && m.enabled && mailOn && h("button", { class: "small", "data-action": "resend", onclick: () => act(m, "/resend-confirmation", t("mail_confirmation_sent")) }, t("mail_resend")),
        canManage && me.role === "coordinator" && !m.confirmed && h("button", { class: "small", "data-action": "vouch", onclick: () => {
          if (confirm(t("mail_vouch_confirm", m.address))) act(m, "/confirm", t("done"));
        } }, t("mail_vouch")),
        canManage && h("button", { class: "small secondary", "data-action": "remove", onclick: async () => {
          if (!confirm(t("mail_remove_confirm", m.address))) return;
          if (await attempt(() => api.send("DELETE", base(m)), t("done"))) load();
        } }, t("remove"))),
      box);
  };

  // Someone at work in the list: typing, or reading a refusal beside a field.
  const busy = () => list.contains(document.activeElement) || list.querySelector(".field-error");
  // `live`: a live update, which leaves the list alone while someone works in it, also when they
  // began while the list was being read.
  const load = async ({ live = false } = {}) => {
    if (!agency || (live && busy())) return;
    const page = await api.get(`/v1/email-subscriptions?agency=${enc(agency)}`);
    if (live && busy()) return;
    mailOn = page.mail;
    clear(notice, page.mail ? "" : h("p", { class: "card warning", role: "status", id: "mail-off" }, t("mail_server_off")));
    clear(list, page.items.length ? page.items.map(card) : h("p", { class: "muted", id: "mail-none" }, t("mail_none")));
  };

  let form = "";
  if (canManage && agency) {
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
      // One message, and a true one: confirmed; the link mailed; no mail relay, so nothing mailed
      // (and who can confirm it instead); or the relay refused to take the mail.
      const c = made.confirmation;
      if (made.confirmed) toast(t("mail_added_confirmed"));
      else if (c?.sent) toast(t("mail_added_check", made.address));
      else if (!mailOn) toast(me.role === "coordinator" ? t("mail_added_no_relay_vouch") : t("mail_added_no_relay_ask"));
      else toast(t("mail_added_not_queued", c?.why || ""), "error");
      address.value = "";
      load();
    } }, h("h3", {}, t("mail_add")), field(t("mail_address"), address), field(t("mail_digest"), digest), field(t("mail_language"), language),
      vouch ? h("label", { class: "check" }, vouch, t("mail_vouch_new")) : "",
      h("button", { type: "submit" }, t("mail_add")));
  }

  // The agency's parts: whether it could be told through time, its addresses, its webhooks.
  const began = overseeing
    ? await api.get("/v1/events?after=0&limit=1").then((p) => p.items[0] && vnDay(p.items[0].recorded_at_ms)).catch(() => "")
    : "";
  const channels = agency ? channelsCard(agency, began) : null;
  const hooks = agency ? webhookList({ agency, canManage, id: "agency-webhooks" }) : null;
  const reach = overseeing ? reachSection() : null;

  clear(el, h("h1", {}, agency ? t("notifications_of", agencyName(agency)) : t("notifications_title")),
    overseeing ? agencyFinder(choosable) : "",
    agency ? [
      h("p", { class: "help" }, t("notifications_help", agencyName(agency))),
      me.role === "auditor" ? h("p", { class: "help", id: "read-only" }, t("notify_read_only")) : "",
      channels, notice,
      h("section", { id: "mail-section" }, h("h2", {}, t("mail_section")), list, form),
      h("section", { id: "webhook-section" }, h("h2", {}, t("hooks_section")), hooks,
        canManage ? h("p", {}, h("a", { href: "#/webhooks" }, t("hooks_manage"))) : ""),
    ] : h("p", { class: "help", id: "choose-agency" }, t("notify_choose")),
    reach || "");
  await Promise.all([load(), channels?.load(), hooks?.load(), reach?.load()]);
  // Live updates redraw the lists, unless someone is at work in them (typing, or an error
  // shown); whether the agency could be told, and who a plan reaches, when an address, a webhook
  // or an agency changed (or, polling, when anything may have).
  return (event) => {
    const stream = event?.data?.stream || "";
    const channelsChanged = !event || /^(email|webhook|agency)-/.test(stream);
    const work = [];
    work.push(load({ live: true }));
    if (hooks && !hooks.contains(document.activeElement)) work.push(hooks.load());
    if (channelsChanged && channels && !channels.querySelector(".field-error")) work.push(channels.load());
    if (channelsChanged && reach) work.push(reach.load());
    return Promise.all(work);
  };
}

// The agencies of `plan` that nothing reaches, and those with a channel in trouble: the first
// thing a coordinator fixes before a deadline; and each group's members, how many have open
// parts and how many of those cannot be told. Open when someone cannot be told, until the user
// folds it: that choice is kept for the plan in this tab (sessionStorage), across live refreshes
// and visits.
export async function reachCard(plan) {
  const reach = await api.get(`/v1/plans/${enc(plan.id)}/reach`);
  const troubled = reach.agencies.filter((a) => !a.reachable || a.problems.length);
  const SHOWN = 50;  // a national plan names thousands: the first ones to fix, then how many more
  const rows = troubled.slice(0, SHOWN).map((a) => h("li", { "data-agency": a.agency, "data-reachable": String(a.reachable) },
    h("a", { href: "#/notifications/" + enc(a.agency) }, h("b", {}, a.name)), " ",
    a.reachable ? badge(t("reach_partly"), "soon") : badge(t("reach_none"), "overdue"), " ",
    h("span", { class: "small" }, a.problems.map((p) => t("reach_" + p)).join(" · ")),
    h("div", { class: "muted small" }, t("reach_tasks", a.open_tasks), a.next_due ? " · " + t("reach_next", fmtDate(a.next_due)) : "")));
  // Groups whose members cannot be told first, then the rest; a group with no members says so.
  const groups = [...(reach.groups || [])].sort((a, b) => b.open_unreachable - a.open_unreachable || b.members - a.members);
  const groupRows = groups.map((g) => h("li", { "data-group": g.group, "data-open-unreachable": g.open_unreachable, class: g.open_unreachable ? "error" : "" },
    g.members ? t("reach_group", g.name, g.members, g.open, g.open_unreachable, g.reachable) : t("reach_group_empty", g.name)));

  const key = "taskledger.reach." + plan.id;
  const remembered = sessionStorage.getItem(key);
  const card = h("details", { class: "card reach", id: "reach", "data-plan": plan.id,
    open: remembered ? remembered === "open" : reach.unreachable > 0 },
    h("summary", {}, reach.unreachable ? t("reach_title", reach.unreachable) : t("reach_all", reach.agencies.length)),
    reach.mail ? "" : h("p", { class: "help" }, t("mail_server_off")),
    rows.length ? h("ul", { class: "reach-list" }, rows) : h("p", { class: "muted" }, t("none")),
    troubled.length > SHOWN ? h("p", { class: "muted" }, t("reach_more", troubled.length - SHOWN)) : "",
    groupRows.length ? [h("p", {}, h("b", {}, t("reach_groups"))), h("ul", { class: "reach-list", id: "reach-groups" }, groupRows)] : "");
  // Only a change of state is the user's choice: the toggle event that opening the card as
  // built fires is not.
  let shown = card.open;
  card.addEventListener("toggle", () => {
    if (card.open === shown) return;
    shown = card.open;
    sessionStorage.setItem(key, shown ? "open" : "folded");
  });
  return card;
}
