// The plan's report as of a chosen date: the four official groups plus not yet due and ongoing,
// by section and by lead agency, a bar chart per lead agency, a line chart month by month (each
// month's figures are the report as of its last day, from one series request), the printable
// official version, Word, Excel and CSV.
import * as api from "./api.js";
import { h, clear, field, attempt } from "./dom.js";
import { t, fmtDate } from "./i18n.js";
import { session, agencyName, pickPlanFresh } from "./session.js";

export const GROUPS = ["completed_on_time", "completed_late", "in_progress_within_deadline", "overdue", "not_yet_due", "unscheduled"];
const COLORS = {
  completed_on_time: "#2e7d32", completed_late: "#9e9d24", in_progress_within_deadline: "#1565c0",
  overdue: "#c62828", not_yet_due: "#90a4ae", unscheduled: "#cfd8dc",
};

// Chart.js (210 KB) is loaded by the page that draws charts, once, not by every page.
let chartLoaded = null;
function loadChart() {
  chartLoaded ??= new Promise((resolve, reject) => {
    if (window.Chart) return resolve(window.Chart);
    const script = document.createElement("script");
    script.src = "vendor/chart.umd.js";
    script.onload = () => resolve(window.Chart);
    script.onerror = () => {
      chartLoaded = null;
      reject(new Error("Chart.js"));
    };
    document.head.append(script);
  });
  return chartLoaded;
}

const charts = [];
function destroyCharts() {
  while (charts.length) charts.pop().destroy();
}

// The last day of each month from `from` to `to` (YYYY-MM-DD), the last point being `to` itself;
// at most `max` points, the latest ones.
export function monthEnds(from, to, max = 12) {
  const out = [];
  let [y, m] = from.split("-").map(Number);
  for (;;) {
    const last = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
    if (last >= to) {
      out.push(to);
      break;
    }
    out.push(last);
    m += 1;
    if (m > 12) { m = 1; y += 1; }
  }
  return out.slice(-max);
}

function countsTable(label, rows) {
  return h("div", { class: "scroll" }, h("table", { class: "counts" },
    h("thead", {}, h("tr", {}, h("th", {}, label), GROUPS.map((g) => h("th", {}, t("cat_" + g))), h("th", {}, t("total")))),
    h("tbody", {}, rows.map(([name, c]) => h("tr", {},
      h("td", {}, name), GROUPS.map((g) => h("td", { class: "n", "data-group": g }, c[g] ?? 0)),
      h("td", { class: "n" }, GROUPS.reduce((s, g) => s + (c[g] ?? 0), 0)))))));
}

export async function renderReport(el, [requested, requestedDate]) {
  const plan = await pickPlanFresh(requested);
  if (!plan) return clear(el, h("p", { class: "card" }, t("none")));
  const today = session.me.today;
  let asOf = requestedDate || today;

  const planSelect = h("select", { id: "plan", onchange: (e) => { location.hash = `#/report/${encodeURIComponent(e.target.value)}`; } },
    session.plans.map((p) => h("option", { value: p.id, selected: p.id === plan.id }, `${p.number || p.id} — ${p.title}`)));
  const dateInput = h("input", { type: "date", id: "as-of", value: asOf, max: today, min: plan.created_on || undefined, onchange: (e) => {
    if (e.target.value) location.hash = `#/report/${encodeURIComponent(plan.id)}/${e.target.value}`;
  } });
  const totals = h("div", { class: "totals", id: "totals" });
  const counts = h("p", { class: "help", id: "counts-note" });
  const lines = h("section", { class: "card", id: "report-lines" });
  const sections = h("section", { class: "card" });
  const leads = h("section", { class: "card" });
  const barCanvas = h("canvas", { id: "chart-groups", role: "img", "aria-label": t("chart_by_lead") });
  const lineCanvas = h("canvas", { id: "chart-time", role: "img", "aria-label": t("chart_over_time") });
  // A past day read two ways: as recorded by its end (what an auditor asks), or as now known
  // to have stood (completions recorded later count from the day they took effect).
  let known = asOf < today ? sessionStorage.getItem("report-known") || "then" : "then";
  const knownSelect = h("select", { id: "known", onchange: (e) => {
    known = e.target.value;
    sessionStorage.setItem("report-known", known);
    reading.textContent = t(`known_${known}`);
    attempt(() => load());
  } }, ["then", "now"].map((v) => h("option", { value: v, selected: v === known }, t(`known_${v}`))));
  const reading = h("span", { id: "reading" }, asOf < today ? t(`known_${known}`) : "");
  const query = () => `/v1/plans/${encodeURIComponent(plan.id)}/report?as_of=${asOf}&known=${known}`;
  const point = (date, r) => ({
    date,
    completed: r.totals.completed_on_time + r.totals.completed_late,
    due: r.lines.filter((l) => l.due && l.due <= date && l.category !== "cancelled").length,
  });

  // Fetched once per visit: the plan's sections, and the line chart's earlier months (each a
  // replay of the log to a past month-end, which later events never change). A live refresh
  // asks only for the report as of the chosen date.
  const detail = api.get(`/v1/plans/${encodeURIComponent(plan.id)}`);
  // From when the plan entered the log (before that there is nothing to replay).
  const from = [plan.period.start, plan.created_on].filter(Boolean).sort().pop();
  // The earlier month-ends in one request: the server folds the log once for all of them.
  const twelveBack = monthEnds(from > asOf ? asOf : from, asOf, 12)[0].slice(0, 8) + "01";
  const earlier = api.get(`/v1/plans/${encodeURIComponent(plan.id)}/report/series?from=${twelveBack}&to=${asOf}&step=month&by_lead=false`)
    .then((s) => s.points.filter((p) => p.exists).slice(0, -1).map((p) => ({ date: p.date, completed: p.completed, due: p.due })))
    .catch(() => []);

  const load = async () => {
    const report = await api.get(query());
    const c = report.totals;
    const counted = GROUPS.reduce((s, g) => s + c[g], 0);
    clear(totals, GROUPS.map((g) => h("div", { class: "total cat-" + g, "data-group": g },
      h("strong", {}, c[g]), h("span", {}, t("cat_" + g)),
      h("small", {}, counted ? Math.round((100 * c[g]) / counted) + "%" : "—"))));

    const planSections = (await detail).sections || [];
    const at = (code) => planSections.findIndex((s) => s.code === code);
    clear(sections, h("h2", {}, t("by_section")),
      countsTable(t("section"), Object.entries(report.by_section)
        .sort(([a], [b]) => at(a) - at(b))
        .map(([code, counts]) => [at(code) >= 0 ? `${code}. ${planSections[at(code)].title}` : code || "—", counts])));
    const leadRows = Object.entries(report.by_lead).map(([id, counts]) => [agencyName(id), counts])
      .sort(([a], [b]) => a.localeCompare(b, "vi"));
    clear(leads, h("h2", {}, t("by_lead")), countsTable(t("lead"), leadRows));

    // Each group's occurrences, with links to their tasks.
    const byGroup = new Map(GROUPS.map((g) => [g, []]));
    for (const line of report.lines) byGroup.get(line.category)?.push(line);
    clear(lines, h("h2", {}, t("report_lines")), GROUPS.map((g) => {
      const items = byGroup.get(g);
      if (!items.length) return "";
      return h("details", { class: "group-lines", "data-group": g, open: g === "overdue" },
        h("summary", {}, t("cat_" + g), " ", h("span", { class: "count" }, items.length)),
        h("ul", { class: "lines" }, items.map((l) => h("li", {},
          h("a", { href: "#/history/" + encodeURIComponent(l.task) }, h("b", {}, l.code), " ", l.title),
          h("span", { class: "small muted" }, " · ", (l.lead || []).map(agencyName).join("; "), l.due ? " · " + fmtDate(l.due) : "")))));
    }));
    counts.textContent = t("counts_summary", (await detail).task_count ?? "?", counted);

    destroyCharts();
    const Chart = await loadChart();
    charts.push(new Chart(barCanvas, {
      type: "bar",
      data: {
        labels: leadRows.map(([name]) => (name.length > 38 ? name.slice(0, 36) + "…" : name)),
        datasets: GROUPS.map((g) => ({ label: t("cat_" + g), data: leadRows.map(([, counts]) => counts[g]), backgroundColor: COLORS[g] })),
      },
      options: {
        indexAxis: "y", responsive: true, maintainAspectRatio: false, animation: false,
        scales: { x: { stacked: true, ticks: { precision: 0 } }, y: { stacked: true } },
        plugins: { legend: { position: "bottom" } },
      },
    }));
    barCanvas.parentElement.style.height = Math.max(220, 28 * leadRows.length + 90) + "px";

    // Month by month, each month as it stood at its end.
    const series = [...(await earlier).filter(Boolean), point(asOf, report)];
    charts.push(new Chart(lineCanvas, {
      type: "line",
      data: {
        labels: series.map((p) => fmtDate(p.date)),
        datasets: [
          { label: t("due_so_far"), data: series.map((p) => p.due), borderColor: COLORS.overdue, backgroundColor: COLORS.overdue, tension: 0.2 },
          { label: t("completed"), data: series.map((p) => p.completed), borderColor: COLORS.completed_on_time, backgroundColor: COLORS.completed_on_time, tension: 0.2 },
        ],
      },
      options: { responsive: true, maintainAspectRatio: false, animation: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { position: "bottom" } } },
    }));
    lineCanvas.dataset.points = JSON.stringify(series);
  };

  clear(el,
    h("h1", {}, t("report_title")),
    h("div", { class: "toolbar" }, field(t("plan"), planSelect), field(t("as_of"), dateInput),
      asOf < today ? field(t("known"), knownSelect) : null,
      h("button", { id: "print", onclick: () => attempt(() => api.openDocument(query() + "&format=html")) }, t("print")),
      h("button", { id: "docx", class: "secondary", onclick: () => attempt(() => api.download(query() + "&format=docx", `bao-cao-${plan.id}-${asOf}.docx`)) }, t("report_docx")),
      h("button", { id: "xlsx", class: "secondary", onclick: () => attempt(() => api.download(query() + "&format=xlsx", `bao-cao-${plan.id}-${asOf}.xlsx`)) }, t("report_xlsx")),
      h("button", { id: "csv", class: "secondary", onclick: () => attempt(() => api.download(query() + "&format=csv", `${plan.id}-${asOf}.csv`)) }, t("csv"))),
    h("p", { class: "muted" }, plan.title, plan.number ? ` (${plan.number})` : "", " — ", t("as_of").toLowerCase(), " ", fmtDate(asOf),
      asOf < today ? " — " : "", reading),
    totals, counts,
    h("div", { class: "charts" },
      h("section", { class: "card" }, h("h2", {}, t("chart_by_lead")), h("div", { class: "chart" }, barCanvas)),
      h("section", { class: "card" }, h("h2", {}, t("chart_over_time")), h("div", { class: "chart", style: "height:300px" }, lineCanvas))),
    sections, leads, lines);
  await load();
  // A past date's report does not change; today's follows the log.
  return asOf === today ? () => load() : null;
}
