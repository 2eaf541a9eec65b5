// The plan's report as of a chosen date: the four official groups plus not yet due and ongoing,
// by section and by lead agency, a bar chart per lead agency, a line chart month by month (each
// month's figures are the report as of its last day, from one series request), the printable
// official version, Word, Excel and CSV.
import * as api from "./api.js";
import { h, clear, field, attempt, attemptForm } from "./dom.js";
import { t, fmtDate } from "./i18n.js";
import { session, agencyName, pickPlanFresh } from "./session.js";
import { agencyPicker } from "./picker.js";
import "./labels_parts.js";

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

// "183/250": the members' parts done of those counted (exempted ones are not).
export function partsDone(c) {
  if (!c) return "";
  const counted = (c.total ?? 0) - (c.cancelled ?? 0);
  return counted ? `${(c.completed_on_time ?? 0) + (c.completed_late ?? 0)}/${counted}` : "";
}

// A table of counts per group; with `parts` (a row's name -> its members' parts' counts), a last
// column of members done.
function countsTable(label, rows, parts) {
  // A region that may scroll sideways is reachable by keyboard, and says what it holds.
  return h("div", { class: "scroll", tabindex: 0, role: "region", "aria-label": label }, h("table", { class: "counts" },
    h("thead", {}, h("tr", {}, h("th", {}, label), GROUPS.map((g) => h("th", {}, t("cat_" + g))), h("th", {}, t("total")),
      parts ? h("th", {}, t("parts_column")) : "")),
    h("tbody", {}, rows.map(([name, c, key]) => h("tr", {},
      h("td", {}, name), GROUPS.map((g) => h("td", { class: "n", "data-group": g }, c[g] ?? 0)),
      h("td", { class: "n" }, GROUPS.reduce((s, g) => s + (c[g] ?? 0), 0)),
      parts ? h("td", { class: "n", "data-parts": key }, partsDone(parts[key])) : "")))));
}

// What the department writes around the report's counts for its day (who issues it, its number,
// place, signer, recipients and narrative): a form for coordinators (`onSaved` called once it is
// saved), read by everyone else.
async function frameCard(plan, asOf, onSaved) {
  const base = `/v1/plans/${encodeURIComponent(plan.id)}/reports/${asOf}`;
  const f = await api.get(base);
  const card = h("details", { class: "card", id: "report-frame" },
    h("summary", {}, h("h2", { class: "inline" }, t("report_frame")), " ",
      f.recorded ? h("span", { class: "small muted" }, t("frame_recorded", f.prepared?.by?.person || f.prepared?.by?.label || "", fmtDate(new Date(f.prepared?.at_ms).toISOString().slice(0, 10)))) : ""),
    h("p", { class: "help" }, t("report_frame_help")));
  const texts = ["number", "place", "signer_title", "signer_name"];
  const areas = ["recipients", "assessment", "shortcomings", "recommendations", "proposals"];
  const label = { number: "doc_number", place: "doc_place" };
  if (session.me.role !== "coordinator") {
    card.append(h("dl", {}, h("dt", {}, t("issuer")), h("dd", {}, f.issuer_name),
      [...texts, ...areas].filter((k) => f[k]).map((k) => [h("dt", {}, t(label[k] || k)), h("dd", { class: "pre" }, f[k])])));
    return card;
  }
  const issuer = agencyPicker("issuer", f.issuer ? [f.issuer] : [], { label: t("issuer") });
  const inputs = Object.fromEntries(texts.map((k) => [k, h("input", { type: "text", name: k, value: f[k] || "" })]));
  const boxes = Object.fromEntries(areas.map((k) => [k, h("textarea", { name: k, rows: k === "recipients" ? 3 : 4 }, f[k] || "")]));
  const dated = h("input", { type: "date", name: "dated", value: f.dated || "", min: asOf });
  // Marked while it holds what is not yet saved: a live refresh of the report leaves it be.
  const form = h("form", { class: "frame-form", oninput: () => { form.dataset.unsaved = "1"; }, onsubmit: async (e) => {
    e.preventDefault();
    const body = { issuer: issuer.ids()[0] || "", dated: dated.value || undefined };
    for (const k of texts) body[k] = inputs[k].value;
    for (const k of areas) body[k] = boxes[k].value;
    if (await attemptForm(form, () => api.send("PUT", base, body), t("frame_saved"))) {
      delete form.dataset.unsaved;
      onSaved();
    }
  } },
  field(t("issuer"), issuer),
  h("div", { class: "row wrap" }, texts.map((k) => field(t(label[k] || k), inputs[k])), field(t("doc_dated"), dated)),
  areas.map((k) => field(t(k), boxes[k])),
  h("button", { type: "submit", id: "frame-save" }, t("save")));
  card.append(form);
  return card;
}

export async function renderReport(el, [requested, requestedDate]) {
  const plan = await pickPlanFresh(requested);
  if (!plan) return clear(el, h("p", { class: "card" }, t("none")));
  const today = session.me.today;
  let asOf = requestedDate || today;

  const planSelect = h("select", { id: "plan", onchange: (e) => { location.hash = `#/report/${encodeURIComponent(e.target.value)}`; } },
    session.plans.map((p) => h("option", { value: p.id, selected: p.id === plan.id }, p.number ? `${p.number} — ${p.title}` : p.title)));
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

  const problem = h("div", { id: "report-problem" });
  const frame = h("div", { id: "frame-box" });
  // The particulars drawn again (after each refresh of the report), unless someone is writing
  // them: what they typed stays. Once saved (`saved`), drawn again with who recorded them.
  const drawFrame = (saved) => {
    const editing = () => !saved && (frame.querySelector("form[data-unsaved]") || frame.contains(document.activeElement));
    if (editing()) return;
    frameCard(plan, asOf, () => drawFrame(true)).then((card) => {
      if (editing()) return;
      const before = frame.querySelector("details");
      if (before) card.open = before.open;
      frame.replaceChildren(card);
      if (saved) card.querySelector("summary").focus();
    }).catch(() => frame.replaceChildren());
  };
  const load = async () => {
    let report;
    try {
      report = await api.get(query());
    } catch (e) {
      // A day before the log began (or another refusal): the plan, the date and the reading
      // stay, for choosing another day; what is shown says why there are no figures.
      const first = e.problem?.params?.first;
      clear(problem, h("p", { class: "card error", role: "alert" }, first ? t("before_log", fmtDate(first)) : e.message || t("report_failed")));
      for (const part of [totals, counts, sections, leads, lines, frame]) part.replaceChildren();
      return;
    }
    problem.replaceChildren();
    const c = report.totals;
    const counted = GROUPS.reduce((s, g) => s + c[g], 0);
    clear(totals, GROUPS.map((g) => h("div", { class: "total cat-" + g, "data-group": g },
      h("strong", {}, c[g]), h("span", {}, t("cat_" + g)),
      h("small", {}, counted ? Math.round((100 * c[g]) / counted) + "%" : "—"))));
    // Beside the tasks, the members' parts of those given to groups ("183/250").
    const parts = report.parts;
    if (parts) {
      const pc = parts.totals;
      const pCounted = GROUPS.reduce((s, g) => s + pc[g], 0);
      totals.append(h("div", { class: "parts-totals", id: "parts-totals" },
        h("h2", {}, t("parts_total"), " ", h("span", { class: "count" }, t("parts_done", pc.completed_on_time + pc.completed_late, pCounted))),
        h("div", { class: "totals" }, GROUPS.map((g) => h("div", { class: "total cat-" + g, "data-parts-group": g },
          h("strong", {}, pc[g]), h("span", {}, t("cat_" + g)),
          h("small", {}, pCounted ? Math.round((100 * pc[g]) / pCounted) + "%" : "—"))))));
    }

    const planSections = (await detail).sections || [];
    const at = (code) => planSections.findIndex((s) => s.code === code);
    clear(sections, h("h2", {}, t("by_section")),
      countsTable(t("section"), Object.entries(report.by_section)
        .sort(([a], [b]) => at(a) - at(b))
        .map(([code, counts]) => [at(code) >= 0 ? `${code}. ${planSections[at(code)].title}` : code || "—", counts, code]),
        parts?.by_section));
    // Every lead, co-leads too: a task led by two agencies counts under each.
    const leadRows = Object.entries(report.by_lead).map(([id, counts]) => [agencyName(id), counts, id])
      .sort(([a], [b]) => a.localeCompare(b, "vi"));
    clear(leads, h("h2", {}, t("by_lead")), countsTable(t("lead"), leadRows, parts?.by_lead));

    // Each group's occurrences, with links to their tasks.
    const byGroup = new Map(GROUPS.map((g) => [g, []]));
    for (const line of report.lines) byGroup.get(line.category)?.push(line);
    clear(lines, h("h2", {}, t("report_lines")), GROUPS.map((g) => {
      const items = byGroup.get(g);
      if (!items.length) return "";
      return h("details", { class: "group-lines", "data-group": g, open: g === "overdue" },
        h("summary", {}, t("cat_" + g), " ", h("span", { class: "count" }, items.length)),
        h("ul", { class: "lines" }, items.map((l) => h("li", {},
          h("a", { href: "#/task/" + encodeURIComponent(l.task) }, h("b", {}, l.code), " ", l.title),
          h("span", { class: "small muted" }, " · ", (l.lead || []).map(agencyName).join("; "), l.due ? " · " + fmtDate(l.due) : ""),
          l.parts?.counted ? h("span", { class: "small parts-line" }, " · ", t("parts_done", l.parts.done, l.parts.counted),
            l.parts.categories?.overdue ? ", " + t("parts_late", l.parts.categories.overdue) : "") : ""))));
    }));
    counts.textContent = t("counts_summary", (await detail).task_count ?? "?", counted);
    if (report.head) {
      counts.append(h("span", { class: "head-note" }, " ", t("head_note", report.head.position, (report.head.hash || "").slice(0, 16))));
    }
    drawFrame(false);

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
      h("button", { id: "csv", class: "secondary", onclick: () => attempt(() => api.download(query() + "&format=csv", `${plan.id}-${asOf}.csv`)) }, t("csv")),
      // The figures with the log's head they were computed at: what an auditor carries away.
      h("button", { id: "json", class: "secondary", onclick: () => attempt(() => api.download(query() + "&format=json", `bao-cao-${plan.id}-${asOf}.json`)) }, t("download_with_head"))),
    h("p", { class: "muted" }, plan.title, plan.number ? ` (${plan.number})` : "", " — ", t("as_of").toLowerCase(), " ", fmtDate(asOf),
      asOf < today ? " — " : "", reading),
    problem, totals, counts,
    h("div", { class: "charts" },
      h("section", { class: "card" }, h("h2", {}, t("chart_by_lead")), h("div", { class: "chart" }, barCanvas)),
      h("section", { class: "card" }, h("h2", {}, t("chart_over_time")), h("div", { class: "chart", style: "height:300px" }, lineCanvas))),
    sections, leads, lines, frame);
  await load();
  // A past date's report does not change; today's follows the log.
  return asOf === today ? () => load() : null;
}
