// The dashboard's shell: sign-in, the header (navigation by role, language switch, live status),
// hash routing, and live updates from the event stream.
import * as api from "./api.js";
import { h, clear, field, toast } from "./dom.js";
import { t, lang, setLang } from "./i18n.js";
import { session } from "./session.js";
import { renderTasks } from "./tasks.js";
import { renderBoard } from "./board.js";
import { renderReport } from "./report.js";
import { renderHistory } from "./history.js";
import { renderWebhooks } from "./webhooks.js";
import { renderNotifications } from "./notifications.js";
import "./labels_setup.js";
import "./labels_work.js";
import { renderPlans } from "./plans.js";
import { renderImport } from "./import.js";
import { renderAgencies } from "./agencies.js";
import { renderAccess } from "./access.js";
import { renderInbox, refreshInboxCount } from "./inbox.js";
import { renderTaskPage } from "./task_page.js";


const pages = {
  tasks: { render: renderTasks, roles: ["agency"], nav: "nav_tasks" },
  board: { render: renderBoard, roles: ["coordinator"], nav: "nav_board" },
  inbox: { render: renderInbox, roles: ["coordinator"], nav: "nav_inbox" },
  report: { render: renderReport, roles: ["coordinator", "agency", "auditor"], nav: "nav_report" },
  history: { render: renderHistory, roles: ["coordinator", "agency", "auditor"], nav: "nav_history" },
  // Agencies with IT staff reach it by its address; the menu keeps it for coordinators.
  webhooks: { render: renderWebhooks, roles: ["coordinator", "agency", "auditor"], nav: "nav_webhooks", navRoles: ["coordinator"] },
  // Auditors read who was told what, and who could not be told, here too.
  notifications: { render: renderNotifications, roles: ["coordinator", "agency", "auditor"], nav: "nav_notifications" },
  // A task's page, as mails and lists link to it: for its agency, the task open among its tasks
  // (to act on it), or its history once done; for coordinators and auditors, everything about it
  // in one place (task_page.js).
  task: { render: renderTask, roles: ["coordinator", "agency", "auditor"] },
  plans: { render: renderPlans, roles: ["coordinator"], nav: "nav_plans" },
  import: { render: renderImport, roles: ["coordinator"] },
  agencies: { render: renderAgencies, roles: ["coordinator", "auditor"], nav: "nav_agencies" },
  access: { render: renderAccess, roles: ["coordinator"], nav: "nav_access" },
};
async function renderTask(el, [id]) {
  if (session.me.role === "agency") {
    const refresh = await renderTasks(el, [id]);
    if (el.querySelector(`details[data-task="${CSS.escape(id || "")}"]`)) return refresh;
    return renderHistory(el, [id]);
  }
  return renderTaskPage(el, [id]);
}

// Where each role starts; a coordinator with no plan yet starts by creating one.
const homes = { agency: "tasks", coordinator: "board", auditor: "report" };
const home = new Proxy(homes, {
  get: (o, role) => (role === "coordinator" && !session.plans.length ? "plans" : o[role]),
});

const main = () => document.getElementById("main");
let refreshPage = null;  // the current page's "show the latest", for live updates
let stopStream = null;
let liveState = "offline";

function go(route) {
  if (location.hash === "#/" + route) render();
  else location.hash = "#/" + route;
}

function parseHash() {
  const [name, ...rest] = location.hash.replace(/^#\/?/, "").split("/");
  return { name, args: rest.map(decodeURIComponent) };
}

function header() {
  const bar = document.getElementById("header");
  const me = session.me;
  const current = parseHash().name;
  const nav = me
    ? Object.entries(pages)
        .filter(([, p]) => p.nav && (p.navRoles || p.roles).includes(me.role))
        .map(([name, p]) => h("a", { href: "#/" + name, class: name === current ? "active" : "", "data-nav": name,
                                      "aria-current": name === current ? "page" : undefined }, t(p.nav)))
    : [];
  // Who is signed in stays in sight on a phone too: a line of its own there, below the name and the
  // links, where the role is left out when the agency's name says it (style.css).
  const who = me && h("p", { class: "who", id: "who" },
    h("span", { class: "visually-hidden" }, t("who_signed_in"), " "),
    h("span", { class: "who-role" + (me.agency_name ? " beside-agency" : "") }, t("role_" + me.role)),
    me.agency_name ? h("strong", { class: "who-agency" }, me.agency_name) : "",
    me.name ? h("span", { class: "who-name" }, me.name) : "");
  clear(bar,
    h("a", { class: "brand", href: "#/" }, t("app_name")),
    h("nav", { "aria-label": t("nav_menu") }, nav),
    h("div", { class: "right" },
      who,
      me && h("span", { class: "live " + liveState, "data-live": liveState },
              h("i", {}), h("span", { class: "live-text" }, t(liveState === "live" ? "live" : liveState === "polling" ? "poll_mode" : "offline"))),
      h("button", { class: "link", id: "lang", onclick: () => { setLang(lang() === "vi" ? "en" : "vi"); render(); } }, t("lang_switch")),
      me && h("button", { class: "link", id: "signout", onclick: signOut }, t("sign_out"))));
  if (me?.role === "coordinator") refreshInboxCount();
}

function signInPage(el, linked) {
  const input = h("input", { type: "password", id: "token", autocomplete: "off", spellcheck: "false", placeholder: "tl_…" });
  const error = h("p", { class: "error", role: "alert" });
  const remember = h("input", { type: "checkbox", id: "remember" });
  const submit = async (e) => {
    e.preventDefault();
    api.setToken(input.value.trim(), remember.checked);
    try {
      await loadSession();
      go(home[session.me.role]);
    } catch (err) {
      api.setToken("");
      session.me = null;
      error.textContent = err.status === 401 ? t("token_bad") : err.message;
    }
  };
  clear(el, h("form", { class: "card signin", onsubmit: submit },
    h("h1", {}, t("sign_in")),
    field(t("token"), input),
    h("label", { class: "check" }, remember, t("remember_device")),
    h("p", { class: "help" }, t("token_help")),
    error,
    h("button", { type: "submit", id: "signin" }, t("sign_in"))));
  input.focus();
  // A sign-in sheet's link (#/signin/<token>): signs in at once; the token leaves the address bar.
  if (linked?.startsWith("tl_")) {
    history.replaceState(null, "", location.pathname + location.search + "#/signin");
    input.value = linked;
    submit(new Event("submit"));
  }
}

async function loadSession() {
  session.me = await api.get("/v1/me");
  const [agencies, plans] = await Promise.all([api.get("/v1/agencies"), api.get("/v1/plans")]);
  session.agencies = new Map(agencies.items.map((a) => [a.id, a]));
  session.plans = plans.items;
  startStream();
}

function signOut() {
  api.setToken("");
  session.me = null;
  stopStream?.();
  stopStream = null;
  go("signin");
}

// Live updates: any event the caller may see refreshes the page shown, a moment later (a burst
// of events, like an import, refreshes it once).
function startStream() {
  stopStream?.();
  let timer = null;
  stopStream = api.subscribe(
    (event) => {
      if (event?.data?.stream?.startsWith("token-")) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        refreshPage?.(event);
        if (session.me?.role === "coordinator") refreshInboxCount();
      }, 300);
    },
    (state) => {
      liveState = state;
      const dot = document.querySelector(".live");
      if (dot) {
        dot.className = "live " + state;
        dot.dataset.live = state;
        dot.lastChild.textContent = t(state === "live" ? "live" : state === "polling" ? "poll_mode" : "offline");
      }
    });
}

async function render() {
  document.documentElement.lang = lang();
  document.title = t("app_name") + " — TaskLedger";
  const { name, args } = parseHash();
  if (!session.me && api.token()) {
    try {
      await loadSession();
    } catch {
      api.setToken("");
    }
  }
  header();
  refreshPage = null;
  const el = main();
  if (!session.me || name === "signin") {
    if (name === "signin" && args[0]?.startsWith("tl_")) {
      // A sheet's link signs in whoever opens it, even over an earlier session in this tab.
      api.setToken("");
      session.me = null;
      header();
      return signInPage(el, args[0]);
    }
    if (session.me) return go(home[session.me.role]);
    return signInPage(el);
  }
  const page = pages[name];
  if (!page) return go(home[session.me.role]);
  if (!page.roles.includes(session.me.role)) {
    return clear(el, h("p", { class: "card" }, t("forbidden_page")));
  }
  clear(el, h("p", { class: "muted" }, t("loading")));
  try {
    refreshPage = (await page.render(el, args)) || null;
  } catch (e) {
    clear(el, h("p", { class: "card error", role: "alert" }, e.message));
  }
}

window.addEventListener("hashchange", render);
window.addEventListener("taskledger:unauthorized", () => {
  if (session.me) {
    toast(t("token_bad"), "error");
    signOut();
  }
});
render();
