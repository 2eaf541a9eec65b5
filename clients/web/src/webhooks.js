// Webhooks: the endpoints (coordinators all, an agency its own, auditors read), their deliveries
// with status, a test message, redelivery, enabling and deleting. The list is also the webhook
// part of an agency's Notifications page (webhookList).
import * as api from "./api.js";
import { h, clear, field, attempt, badge } from "./dom.js";
import { t, fmtTime } from "./i18n.js";
import { session, agencyName } from "./session.js";
import "./labels_notify.js";

// A task as people know it: its number in the plan and the plan's number (or title), linked to
// its history. The id (plan:code) stays in data-task, for auditors' tools.
export function taskLink(id) {
  const cut = id.lastIndexOf(":");
  const plan = session.plans.find((p) => p.id === id.slice(0, cut));
  const text = cut < 0 ? id : `${id.slice(cut + 1)} · ${plan?.number || plan?.title || t("plan")}`;
  return h("a", { href: "#/history/" + encodeURIComponent(id), "data-task": id, title: plan?.title }, text);
}

// A notification's kind in words; a kind this page has no label for shows as sent.
export function noticeKind(type) {
  const key = "mailtype_" + String(type).replaceAll(".", "_");
  const label = t(key);
  return label === key ? type : label;
}

// The endpoints the caller may see (`agency`: only that agency's), each with its deliveries on
// demand. `list.load()` reads them again; which ones show their deliveries holds across loads.
export function webhookList({ agency = "", canManage = false, id = "webhook-list" } = {}) {
  const list = h("div", { id });
  const open = new Set();

  const deliveries = async (hook, box) => {
    const page = await api.get(`/v1/webhooks/${encodeURIComponent(hook.id)}/deliveries?limit=50`);
    clear(box, page.items.length ? h("div", { class: "scroll" }, h("table", { class: "deliveries" },
      h("thead", {}, h("tr", {}, [t("time"), t("event"), t("task"), t("status"), t("attempts")].map((x) => h("th", {}, x)),
        canManage && h("th", {}, h("span", { class: "visually-hidden" }, t("actions"))))),
      h("tbody", {}, page.items.map((d) => h("tr", { "data-delivery": d.id, "data-state": d.state },
        h("td", {}, fmtTime(d.created_at_ms)),
        h("td", {}, noticeKind(d.type)),
        h("td", {}, d.task ? taskLink(d.task) : "—"),
        h("td", {}, badge(t("state_" + d.state), d.state === "failed" ? "overdue" : d.state === "delivered" ? "ok" : "soon"),
          d.last_status ? ` HTTP ${d.last_status}` : "", d.last_error ? h("div", { class: "muted small" }, d.last_error) : ""),
        h("td", { class: "n" }, d.attempts),
        canManage && h("td", {}, d.state !== "pending" && h("button", { class: "small", onclick: async () => {
          if (await attempt(() => api.post(`/v1/webhooks/${encodeURIComponent(hook.id)}/deliveries/${encodeURIComponent(d.id)}/redeliver`), t("done"))) deliveries(hook, box);
        } }, t("redeliver")))))))) : h("p", { class: "muted" }, t("none")));
  };

  const card = (hook) => {
    const box = h("div", { class: "delivery-box" });
    const toggle = () => {
      if (open.delete(hook.id)) return box.replaceChildren();
      open.add(hook.id);
      attempt(() => deliveries(hook, box));
    };
    if (open.has(hook.id)) attempt(() => deliveries(hook, box));
    const failingSince = hook.health?.failing_since_ms;
    return h("article", { class: "card webhook", "data-webhook": hook.id, "data-state": !hook.enabled ? "disabled" : failingSince ? "failing" : "enabled" },
      h("header", {}, h("h3", { class: "mono" }, hook.url),
        hook.enabled ? badge(t("enabled"), "ok") : badge(t("disabled"), "overdue"),
        hook.enabled && failingSince ? badge(t("hook_failing"), "soon") : ""),
      h("p", { class: "muted" }, agencyName(hook.agency), hook.description ? " · " + hook.description : ""),
      hook.disabled_reason ? h("p", { class: "error small" }, hook.disabled_reason) : "",
      failingSince ? h("p", { class: "muted small" }, t("hook_failing_since", fmtTime(failingSince))) : "",
      hook.health?.last_error ? h("p", { class: "muted small" }, `${t("error")}: ${hook.health.last_error}`) : "",
      hook.health?.last_success_ms ? h("p", { class: "muted small" }, t("hook_last_success", fmtTime(hook.health.last_success_ms))) : "",
      h("div", { class: "actions" },
        h("button", { class: "small", onclick: toggle }, t("deliveries")),
        canManage && h("button", { class: "small", onclick: () => attempt(() => api.post(`/v1/webhooks/${encodeURIComponent(hook.id)}/test`), t("done")) }, t("test")),
        canManage && !hook.enabled && h("button", { class: "small", onclick: async () => {
          if (await attempt(() => api.send("PATCH", `/v1/webhooks/${encodeURIComponent(hook.id)}`, { enabled: true }), t("done"))) list.load();
        } }, t("enable")),
        canManage && h("button", { class: "small secondary", onclick: async () => {
          if (await attempt(() => api.send("DELETE", `/v1/webhooks/${encodeURIComponent(hook.id)}`), t("done"))) list.load();
        } }, t("remove"))),
      box);
  };

  list.load = async () => {
    const hooks = await api.get("/v1/webhooks" + (agency ? `?agency=${encodeURIComponent(agency)}` : ""));
    clear(list, hooks.items.length ? hooks.items.map(card) : h("p", { class: "muted", "data-none": "" }, t("hooks_none")));
  };
  return list;
}

export async function renderWebhooks(el) {
  const me = session.me;
  const canManage = me.role !== "auditor";
  const list = webhookList({ canManage });
  const created = h("div");

  let form = "";
  if (canManage) {
    const url = h("input", { type: "url", name: "url", required: true, placeholder: "https://…", class: "wide" });
    const description = h("input", { type: "text", name: "description" });
    const agency = me.role === "agency"
      ? null
      : h("select", { name: "agency" }, [...session.agencies.values()].filter((a) => a.kind !== "group")
          .map((a) => h("option", { value: a.id }, a.name)));
    form = h("form", { class: "card", onsubmit: async (e) => {
      e.preventDefault();
      const body = { url: url.value, description: description.value };
      if (agency) body.agency = agency.value;
      const hook = await attempt(() => api.post("/v1/webhooks", body), t("done"));
      if (!hook) return;
      clear(created, h("p", { class: "card secret" }, t("secret_once"), " ", h("code", {}, hook.secret)));
      url.value = "";
      list.load();
    } }, h("h2", {}, t("add_webhook")), field(t("url"), url), agency && field(t("agency"), agency),
       field(t("description"), description), h("button", { type: "submit" }, t("add_webhook")));
  }

  clear(el, h("h1", {}, t("webhooks_title")), h("p", { class: "help" }, t("webhooks_help")), created, list, form);
  await list.load();
  return () => list.load();
}
