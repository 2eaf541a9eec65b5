// Access: issuing an agency its token, shown once with a printable sign-in sheet (the dashboard's
// address, the agency's name, the token, and a QR code of the sign-in link for a phone); the
// tokens issued, and revoking one.
import * as api from "./api.js";
import { h, clear, field, attempt, badge } from "./dom.js";
import { t, fmtTime } from "./i18n.js";
import { session, agencyName } from "./session.js";
import "./labels_work.js";

const SVG = "http://www.w3.org/2000/svg";

// The QR code's modules as one SVG path, with the quiet zone of 4 modules the standard asks for.
function qrSvg(qr) {
  const n = qr.size + 8;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${n} ${n}`);
  svg.setAttribute("class", "qr");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", t("qr_label"));
  svg.setAttribute("shape-rendering", "crispEdges");
  const back = document.createElementNS(SVG, "rect");
  back.setAttribute("width", n);
  back.setAttribute("height", n);
  back.setAttribute("fill", "#fff");
  let d = "";
  qr.rows.forEach((row, y) => {
    for (let x = 0; x < row.length; ++x) if (row[x] === "1") d += `M${x + 4} ${y + 4}h1v1h-1z`;
  });
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", d);
  path.setAttribute("fill", "#000");
  svg.append(back, path);
  return svg;
}

// What the server found wrong with the sheet's link (sign_in.warnings): in the page's language
// when the code is known (the server words its detail in English only), else the server's words.
// Shown on the sheet and printed with it: a sheet whose link only this machine can open must not
// pass for a good one.
function sheetWarnings(issued, url) {
  const warnings = issued.sign_in?.warnings || [];
  if (!warnings.length) return "";
  return h("div", { class: "sheet-warning", id: "sheet-warnings", role: "alert" },
    h("h3", {}, h("span", { "aria-hidden": "true" }, "⚠ "), t("sheet_warn_title")),
    h("ul", {}, warnings.map((w) => h("li", { "data-code": w.code },
      withCode(w.code === "sign-in-loopback" ? t("sheet_warn_loopback", url) : w.detail)))));
}

// `text` with its addresses and command-line options set as code, an option kept on one line.
function withCode(text) {
  return String(text || "").split(/(--[a-z-]+|https?:\/\/[^\s,)]+)/).map((piece, i) =>
    i % 2 ? h("code", { class: piece.startsWith("--") ? "option" : undefined }, piece) : piece);
}

function sheet(issued) {
  const agency = issued.agency ? agencyName(issued.agency) : t("role_name_" + issued.role);
  const url = issued.sign_in?.dashboard || location.origin + location.pathname;
  return h("section", { class: "card sign-in-sheet", id: "sign-in-sheet" },
    h("h2", {}, t("sheet_title")),
    sheetWarnings(issued, url),
    h("div", { class: "sheet-body" },
      h("dl", {},
        h("dt", {}, t("sheet_agency")), h("dd", { id: "sheet-agency" }, agency),
        issued.name ? [h("dt", {}, t("sheet_person")), h("dd", {}, issued.name)] : "",
        h("dt", {}, t("sheet_address")), h("dd", { class: "mono", id: "sheet-url" }, url),
        h("dt", {}, t("sheet_token")), h("dd", { class: "mono token", id: "sheet-token" }, issued.token)),
      issued.sign_in?.qr ? h("div", { class: "qr-box", "data-link": issued.sign_in.url }, qrSvg(issued.sign_in.qr)) : ""),
    h("p", { class: "help" }, t("sheet_steps")),
    h("p", { class: "error small noprint-hint" }, t("sheet_once")),
    h("div", { class: "actions" }, h("button", { id: "sheet-print", onclick: () => {
      document.body.classList.add("printing-sheet");
      window.print();
      setTimeout(() => document.body.classList.remove("printing-sheet"), 500);
    } }, t("access_print"))));
}

export async function renderAccess(el) {
  const list = h("div", { id: "token-list" });
  const created = h("div", { class: "sheet-area" });
  const role = h("select", { name: "role", id: "token-role" }, ["agency", "auditor", "coordinator"].map((r) => h("option", { value: r }, t("role_name_" + r))));
  const agencies = [...session.agencies.values()].sort((a, b) => a.name.localeCompare(b.name, "vi"));
  const agency = h("select", { name: "agency", id: "token-agency" }, agencies.map((a) => h("option", { value: a.id }, a.name)));
  const agencyField = field(t("access_for"), agency);
  role.addEventListener("change", () => { agencyField.hidden = role.value !== "agency"; });
  const name = h("input", { name: "name", id: "token-name", class: "wide" });

  const load = async () => {
    const tokens = (await api.get("/v1/tokens")).items.filter((x) => x.scope === "api")
      .sort((a, b) => b.created_at_ms - a.created_at_ms);
    clear(list, tokens.length ? h("div", { class: "scroll" }, h("table", {},
      h("thead", {}, h("tr", {}, [t("access_for"), t("access_name"), t("access_role"), t("access_created"), t("status")].map((x) => h("th", {}, x)), h("th", {}, h("span", { class: "visually-hidden" }, t("actions"))))),
      h("tbody", {}, tokens.map((x) => h("tr", { "data-token": x.id },
        h("td", {}, x.agency ? agencyName(x.agency) : "—"),
        h("td", {}, x.name || ""),
        h("td", {}, t("role_name_" + x.role)),
        h("td", { class: "small" }, fmtTime(x.created_at_ms)),
        h("td", {}, x.revoked ? badge(t("access_revoked"), "overdue") : badge(t("access_active"), "ok")),
        h("td", { class: "row-actions" }, !x.revoked && h("button", { class: "small secondary", "data-revoke": x.id, onclick: async () => {
          if (!window.confirm(t("access_revoke_confirm", x.name || x.id))) return;
          if (await attempt(() => api.send("DELETE", `/v1/tokens/${encodeURIComponent(x.id)}`), t("access_revoked"))) load();
        } }, t("access_revoke")))))))) : h("p", { class: "muted" }, t("none")));
  };

  const form = h("form", { class: "card", id: "token-issue", onsubmit: async (e) => {
    e.preventDefault();
    const body = { role: role.value, name: name.value.trim(), dashboard_url: location.origin + location.pathname };
    if (role.value === "agency") body.agency = agency.value;
    const issued = await attempt(() => api.post("/v1/tokens", body), t("done"));
    if (!issued) return;
    clear(created, sheet({ ...issued, name: body.name }));
    name.value = "";
    created.scrollIntoView({ block: "start" });
    load();
  } }, h("h2", {}, t("access_issue")),
  h("div", { class: "fields" }, field(t("access_role"), role), agencyField), field(t("access_name"), name),
  h("button", { type: "submit", id: "token-issue-submit" }, t("access_issue")));

  clear(el, h("h1", {}, t("access_title")), h("p", { class: "help" }, t("access_help")), created, form,
    h("h2", {}, t("access_list")), list);
  await load();
  return () => load();
}
