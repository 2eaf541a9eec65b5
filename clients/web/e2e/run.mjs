// End-to-end test of the dashboard in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core) against a real `taskledger serve` with the demo data:
//
//   an agency signs in, sees its tasks ordered by due date, uploads a deliverable (with a progress
//   bar); the coordinator, whose board is open, sees it arrive without reloading (live updates)
//   and accepts it; the report's count of tasks completed on time goes up by one; an auditor sees
//   both events in the task's history with the right actors, and the log verified; a completion
//   of an earlier day recorded on the board counts in the report "as now known", not "as
//   recorded then"; the English
//   switch changes the labels; the agency's calendar link serves a calendar; the page fits a phone.
//
// Screenshots of each page go to e2e/artifacts/ (or $TASKLEDGER_E2E_ARTIFACTS).
//
//   node e2e/run.mjs [--bin build/server/taskledger]
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { checkA11y } from "./axe.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const web = resolve(here, "..");
const repo = resolve(web, "../..");
const argBin = process.argv.indexOf("--bin");
const bin = resolve(argBin > 0 ? process.argv[argBin + 1] : process.env.TASKLEDGER_BIN || join(repo, "build/server/taskledger"));
const artifacts = resolve(process.env.TASKLEDGER_E2E_ARTIFACTS || join(here, "artifacts"));
// The demo is loaded months before "today", so the report's line chart has months to show.
const LOADED = "2025-10-01";
const CLOCK = "2026-03-02";
const PLAN = "hp-tieng-anh-2025";
const TASK = "hp-tieng-anh-2025:I.1";

mkdirSync(artifacts, { recursive: true });
const data = mkdtempSync(join(tmpdir(), "taskledger-e2e-"));
let server = null;
let browser = null;
let step = 0;

function log(...args) {
  console.log(`[e2e ${new Date().toISOString().slice(11, 19)}]`, ...args);
}

function tool(...args) {
  return execFileSync(bin, [...args, "--data-dir", join(data, "store"), "--clock-start", LOADED], { encoding: "utf8" });
}

function token(...args) {
  const out = tool("token", "create", ...args).trim();
  return out.split(/\s+/).pop();
}

async function startServer() {
  tool("load-demo");
  const tokens = {
    coordinator: token("--role", "coordinator", "--name", "Phòng GDTrH"),
    agency: token("--role", "agency", "--agency", "so-gddt-hp", "--name", "Văn thư Sở"),
    auditor: token("--role", "auditor", "--name", "Thanh tra"),
  };
  server = spawn(bin, ["serve", "--data-dir", join(data, "store"), "--listen", "127.0.0.1:0", "--clock-start", CLOCK,
    "--web-dir", join(web, "dist"),
    // Mail on, to a relay that is not there: mail is queued and retried, never sent.
    "--smtp-url", "smtp://127.0.0.1:9", "--smtp-from", "nhac-han@sogddt.gov.vn"], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const port = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error("the server did not start:\n" + output)), 15000);
    server.stdout.on("data", (chunk) => {
      output += chunk;
      const m = /listening on [^\s]+:(\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        ok(Number(m[1]));
      }
    });
    server.stderr.on("data", (chunk) => { output += chunk; });
    server.on("exit", (code) => fail(new Error(`the server exited (${code}):\n${output}`)));
  });
  return { base: `http://127.0.0.1:${port}`, tokens };
}

async function shot(page, name) {
  step += 1;
  const file = join(artifacts, `${String(step).padStart(2, "0")}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  log("screenshot", file);
}

async function signIn(context, base, tokenValue) {
  const page = await context.newPage();
  page.on("pageerror", (e) => { throw new Error("page error: " + e.message); });
  await page.goto(base + "/");
  await page.fill("#token", tokenValue);
  await page.click("#signin");
  await page.waitForSelector("#header nav a");
  return page;
}

async function main() {
  const { base, tokens } = await startServer();
  log("server at", base, "clock", CLOCK);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync"],
  });
  const desktop = { viewport: { width: 1280, height: 900 }, locale: "vi-VN", timezoneId: "Asia/Ho_Chi_Minh" };

  // Sign-in page, and a wrong token.
  const agencyCtx = await browser.newContext(desktop);
  const first = await agencyCtx.newPage();
  await first.goto(base + "/");
  await first.waitForSelector("#token");
  assert.equal(await first.textContent("#signin"), "Đăng nhập");
  await shot(first, "sign-in");
  await checkA11y(first, "sign-in");
  await first.fill("#token", "tl_000000000000_wrong");
  await first.click("#signin");
  await first.waitForSelector("form.signin .error:not(:empty)");
  assert.match(await first.textContent("form.signin .error"), /không hợp lệ/);
  await first.close();

  // The agency: its tasks by due date.
  const agency = await signIn(agencyCtx, base, tokens.agency);
  await agency.waitForSelector("#task-list details[data-task]");
  assert.equal(new URL(agency.url()).hash, "#/tasks");
  const dues = await agency.$$eval("#task-list details[data-task]", (cards) => cards.map((c) => c.dataset.due));
  const dated = dues.filter(Boolean);
  assert.ok(dated.length > 5, `dated tasks shown: ${dated.length}`);
  assert.deepEqual(dated, [...dated].sort(), "tasks are ordered by due date");
  assert.equal(dues.indexOf(""), dues.findIndex((d) => !d), "undated tasks come after dated ones");
  if (dues.includes("")) assert.ok(dues.slice(dues.indexOf("")).every((d) => !d));
  const card = agency.locator(`details[data-task="${TASK}"]`);
  assert.match(await card.locator("summary .badge").first().textContent(), /Còn \d+ ngày/);
  await card.locator("summary").click();
  assert.match(await card.locator(".deadline-text").textContent(), /Năm 2026/);
  await shot(agency, "agency-my-tasks");
  await checkA11y(agency, "my tasks");

  // The coordinator: the report's figure before, then the board, left open.
  const coordCtx = await browser.newContext(desktop);
  const coord = await signIn(coordCtx, base, tokens.coordinator);
  await coord.goto(`${base}/#/report/${PLAN}`);
  await coord.waitForSelector('#totals [data-group="completed_on_time"] strong');
  await coord.waitForSelector("#chart-time[data-points]");
  const before = Number(await coord.textContent('#totals [data-group="completed_on_time"] strong'));
  await coord.goto(`${base}/#/board/${PLAN}`);
  await coord.waitForSelector(`#matrix tr[data-task="${TASK}"]`);
  await coord.waitForSelector('.live[data-live="live"]');
  assert.equal(await coord.locator(`#queue-deliverables li[data-task="${TASK}"]`).count(), 0);
  await shot(coord, "coordinator-plan-board");
  await checkA11y(coord, "plan board");
  // Filters: overdue only, then due within N days.
  const allRows = await coord.locator("#matrix tr[data-task]").count();
  await coord.check("#filter-overdue");
  const overdueRows = await coord.$$eval("#matrix tr[data-task]", (rows) => rows.map((r) => r.className));
  assert.ok(overdueRows.length > 0 && overdueRows.length < allRows, `overdue rows: ${overdueRows.length} of ${allRows}`);
  assert.ok(overdueRows.every((c) => c === "overdue"));
  await shot(coord, "coordinator-plan-board-overdue");
  await coord.uncheck("#filter-overdue");
  await coord.fill("#filter-within", "310");  // to 2027-01-06: the tasks due by the end of 2026
  const soon = await coord.$$eval("#matrix tr[data-task] td:nth-child(4) .badge", (b) => b.map((x) => x.textContent));
  assert.ok(soon.length > 0 && soon.length < allRows, `due within 310 days: ${soon.length} of ${allRows}`);
  assert.ok(soon.every((text) => {
    const m = /Còn (\d+) ngày/.exec(text);
    return text === "Đến hạn hôm nay" || (m && Number(m[1]) <= 310);
  }), soon.join(" | "));
  await coord.fill("#filter-within", "");
  assert.equal(await coord.locator("#matrix tr[data-task]").count(), allRows);

  // The agency uploads a deliverable; the progress bar fills.
  await card.locator('[data-action="deliver"]').click();
  const file = Buffer.alloc(3 * 1024 * 1024, 0x25);  // 3 MiB, so the progress shows
  await card.locator('input[name="file"]').setInputFiles({ name: "Kế hoạch tuyên truyền 2026.pdf", mimeType: "application/pdf", buffer: file });
  await card.locator('input[name="note"]').fill("Bản đã ký");
  const progress = [];
  await agency.exposeFunction("recordProgress", (v) => progress.push(v));
  await card.locator("progress.upload").evaluate((bar) => {
    // Every value the page gives the bar (on loopback a 3 MiB body may go out in one step).
    const { set, get } = Object.getOwnPropertyDescriptor(HTMLProgressElement.prototype, "value");
    Object.defineProperty(bar, "value", { set(v) { set.call(this, v); window.recordProgress(Number(v)); }, get() { return get.call(this); } });
  });
  await card.locator('form button[type="submit"]').click();
  await agency.waitForFunction((id) => {
    const c = document.querySelector(`details[data-task="${id}"] .status`);
    return c && /Đã nộp/.test(c.textContent);
  }, TASK);
  assert.ok(progress.length > 0 && progress[progress.length - 1] === 1, `upload progress went to 1: ${progress.join(",")}`);
  await shot(agency, "agency-after-upload");

  // The coordinator's board shows it without a reload, and accepts it.
  const queued = coord.locator(`#queue-deliverables li[data-task="${TASK}"]`);
  await queued.waitFor({ timeout: 10000 });
  assert.match(await queued.textContent(), /Kế hoạch tuyên truyền 2026\.pdf/);
  await shot(coord, "coordinator-review-queue-live");
  coord.once("dialog", (d) => d.accept());
  await queued.locator('[data-action="accept"]').click();
  await coord.waitForSelector(`#queue-deliverables li[data-task="${TASK}"]`, { state: "detached" });
  await coord.waitForFunction((id) => /Đã hoàn thành/.test(document.querySelector(`#matrix tr[data-task="${id}"] .status`)?.textContent || ""), TASK);

  // The report counts it.
  await coord.goto(`${base}/#/report/${PLAN}`);
  await coord.waitForSelector("#chart-time[data-points]");
  await coord.waitForFunction((n) => Number(document.querySelector('#totals [data-group="completed_on_time"] strong')?.textContent) === n, before + 1);
  const points = JSON.parse(await coord.getAttribute("#chart-time", "data-points"));
  assert.ok(points.length >= 2, "the line chart has months");
  assert.equal(points[points.length - 1].completed, before + 1);
  assert.equal(await coord.locator("#chart-groups").count(), 1);
  await shot(coord, "coordinator-report");
  await checkA11y(coord, "report");
  const [printable] = await Promise.all([coordCtx.waitForEvent("page"), coord.click("#print")]);
  await printable.waitForLoadState();
  await printable.waitForSelector("h1");
  assert.equal(await printable.textContent("h1"), "BÁO CÁO");
  assert.match(await printable.textContent("body"), /Số liệu tính đến hết ngày 02\/03\/2026/);
  await shot(printable, "report-printable");
  await printable.close();

  // A completion of an earlier day, recorded now (the plan taken up mid-way): the board's form,
  // then the report of 1 February read as recorded then and as now known.
  const EARLIER = `${PLAN}:II.1`;
  await coord.goto(`${base}/#/board/${PLAN}`);
  await coord.locator(`#matrix tr[data-task="${EARLIER}"] [data-action="completion"]`).click();
  await coord.fill('.edit-row input[name="completed_on"]', "2026-01-15");
  await coord.fill('.edit-row input[name="reason"]', "Đã hoàn thành theo Báo cáo số 05/BC-SGDĐT");
  await coord.click('.edit-row button[type="submit"]');
  await coord.waitForFunction((id) => /Đã hoàn thành/.test(document.querySelector(`#matrix tr[data-task="${id}"] .status`)?.textContent || ""), EARLIER);
  await coord.goto(`${base}/#/report/${PLAN}/2026-02-01`);
  await coord.waitForSelector('#totals [data-group="completed_on_time"] strong');
  const recordedThen = Number(await coord.textContent('#totals [data-group="completed_on_time"] strong'));
  await coord.selectOption("#known", "now");
  await coord.waitForFunction((n) => Number(document.querySelector('#totals [data-group="completed_on_time"] strong')?.textContent) === n + 1, recordedThen);
  assert.match(await coord.textContent("#reading"), /hiện biết/);
  await shot(coord, "coordinator-report-as-now-known");
  await checkA11y(coord, "report as now known");
  await coord.selectOption("#known", "then");

  // The auditor: both events, by the right actors; the log verified.
  const auditCtx = await browser.newContext(desktop);
  const auditor = await signIn(auditCtx, base, tokens.auditor);
  await auditor.goto(`${base}/#/history/${encodeURIComponent(TASK)}`);
  const submitted = auditor.locator('li[data-type="task.deliverable_submitted"]');
  const reviewed = auditor.locator('li[data-type="task.deliverable_reviewed"]');
  await reviewed.waitFor();
  assert.match(await submitted.getAttribute("data-actor"), /^agency:so-gddt-hp:Văn thư Sở/);
  assert.match(await reviewed.getAttribute("data-actor"), /^coordinator:Phòng GDTrH/);
  await auditor.waitForSelector("#verify-result");
  assert.match(await auditor.textContent("#verify-result"), /Nguyên vẹn/);
  await auditor.fill("#stood-date", "2026-03-01");
  await auditor.dispatchEvent("#stood-date", "change");
  await auditor.waitForSelector("#stood");
  assert.match(await auditor.textContent("#stood"), /Chưa bắt đầu/);
  await shot(auditor, "auditor-history");
  await checkA11y(auditor, "history");

  // English.
  await auditor.click("#lang");
  await auditor.waitForFunction(() => document.querySelector("h1")?.textContent === "Task history");
  assert.equal(await auditor.textContent('[data-nav="report"]'), "Report");
  assert.equal(await auditor.textContent("#lang"), "Tiếng Việt");
  assert.equal(await auditor.getAttribute("html", "lang"), "en");
  assert.match(await auditor.textContent('li[data-type="task.deliverable_reviewed"] b'), /Deliverable reviewed/);
  await shot(auditor, "auditor-history-english");
  await auditor.click("#lang");
  await auditor.waitForFunction(() => document.querySelector("h1")?.textContent === "Lịch sử nhiệm vụ");

  // A task the Department only coordinates: no submitting, no asking for time, and it says why.
  const coordinated = agency.locator('details[data-task="hp-tieng-anh-2025:I.2"]');
  await coordinated.locator("summary").click();
  await coordinated.locator(".lead-only").waitFor();
  assert.equal(await coordinated.locator('[data-action="deliver"]').count(), 0);
  assert.equal(await coordinated.locator('[data-action="extend"]').count(), 0);
  assert.equal(await coordinated.locator('[data-action="progress"]').count(), 1);
  await coordinated.locator("summary").click();

  // A refusal in Vietnamese, beside its field; the text typed is kept as a draft meanwhile.
  const api = (page, method, path, body) => page.evaluate(async ([m, p, b]) => {
    const token = sessionStorage.getItem("taskledger.token") || localStorage.getItem("taskledger.token");
    const r = await fetch(p, { method: m, headers: { Authorization: "Bearer " + token, "Content-Type": "application/json" }, body: b ? JSON.stringify(b) : undefined });
    return { status: r.status, body: await r.json().catch(() => null) };
  }, [method, path, body]);
  const led = (await api(agency, "GET", "/v1/agencies/so-gddt-hp/tasks?role=lead&limit=1000")).body.items
    .find((x) => x.next_due && x.id !== TASK && x.days_left > 0);
  const ledCard = agency.locator(`details[data-task="${led.id}"]`);
  await ledCard.locator("summary").click();
  await ledCard.locator('[data-action="extend"]').click();
  await ledCard.locator('input[name="due"]').fill("2027-12-31");
  await ledCard.locator('textarea[name="reason"]').fill("   ");
  await ledCard.locator('form button[type="submit"]').click();
  await ledCard.locator(".field-error").waitFor();
  assert.equal(await ledCard.locator(".field-error").textContent(), "Chưa nhập lý do.");
  assert.equal(await ledCard.locator('textarea[name="reason"]').getAttribute("aria-invalid"), "true");
  await shot(agency, "agency-error-beside-field");
  // Opening another form asks before dropping the draft; kept, the draft is there on return.
  agency.once("dialog", (d) => d.dismiss());
  await ledCard.locator('[data-action="comment"]').click();
  assert.equal(await ledCard.locator('textarea[name="reason"]').inputValue(), "   ");
  await ledCard.locator('textarea[name="reason"]').fill("Chờ hướng dẫn của Bộ Giáo dục và Đào tạo");
  await ledCard.locator('form button[type="submit"]').click();
  await ledCard.locator(".panel").waitFor({ state: "detached" });

  // The coordinator's inbox, across plans, with its count in the menu: grant to another date.
  await coord.goto(`${base}/#/inbox`);
  const request = coord.locator(`#queue-extensions li[data-task="${led.id}"]`);
  await request.waitFor();
  await coord.waitForSelector("[data-nav=inbox] .nav-count");
  await checkA11y(coord, "inbox");
  await request.locator('[data-action="grant"]').click();
  assert.equal(await request.locator('input[name="due"]').inputValue(), "2027-12-31");
  await request.locator('input[name="due"]').fill("2027-06-30");
  coord.once("dialog", (d) => d.accept());
  await request.locator('[data-action="grant-confirm"]').click();
  await request.waitFor({ state: "detached" });
  const extended = (await api(coord, "GET", `/v1/tasks/${encodeURIComponent(led.id)}`)).body;
  assert.equal(extended.next_due, "2027-06-30");
  await shot(coord, "coordinator-inbox");

  // 500 tasks: a generated plan; My tasks and the board stay quick.
  const rows = ["TT,Nhiệm vụ,Cơ quan chủ trì,Cơ quan phối hợp,Kết quả/Sản phẩm,Thời gian hoàn thành"];
  for (let i = 1; i <= 500; ++i) rows.push(`${i},Nhiệm vụ thử số ${i},Sở Giáo dục và Đào tạo,,Báo cáo,${i % 3 ? "Năm 2026" : "Hàng năm"}`);
  assert.equal((await api(coord, "POST", "/v1/plans", { id: "bulk-500", title: "Kế hoạch 500 nhiệm vụ", authority: "so-gddt-hp", period: { start: "2026-01-01", end: "2030-12-31" } })).status, 201);
  const imported = await coord.evaluate(async (csv) => {
    const token = sessionStorage.getItem("taskledger.token");
    const r = await fetch("/v1/plans/bulk-500/import", { method: "POST", headers: { Authorization: "Bearer " + token, "Content-Type": "text/csv" }, body: csv });
    return r.status;
  }, rows.join("\n") + "\n");
  assert.equal(imported, 201);
  let started = Date.now();
  await agency.reload();
  await agency.waitForFunction(() => document.querySelectorAll("#task-list details[data-task]").length > 500);
  const tasksMs = Date.now() - started;
  started = Date.now();
  await coord.goto(`${base}/#/board/bulk-500`);
  await coord.waitForFunction(() => document.querySelectorAll("#matrix tr[data-task]").length === 500);
  const boardMs = Date.now() - started;
  log(`with 500 more tasks: my tasks shown in ${tasksMs} ms, the board in ${boardMs} ms`);
  assert.ok(tasksMs < 5000 && boardMs < 5000, "both pages stay quick");

  // The inspector finds a task by words of its title, without diacritics.
  await auditor.goto(`${base}/#/history`);
  await auditor.fill("#task-id", "thong tin, tuyen truyen");
  await auditor.waitForSelector("#task-found li a");
  await auditor.locator("#task-found li a").first().click();
  await auditor.waitForSelector("#timeline li[data-type]");

  // Webhooks, as the coordinator.
  await coord.goto(`${base}/#/webhooks`);
  await coord.waitForSelector("#webhook-list");
  await shot(coord, "coordinator-webhooks");
  await checkA11y(coord, "webhooks");

  // Email: the agency adds its address, which waits for confirmation; on the board the
  // coordinator sees the agency among those nothing reaches, vouches for the address, and the
  // agency drops off that list.
  await agency.goto(`${base}/#/notifications`);
  await agency.waitForSelector("#mail-none");
  await checkA11y(agency, "notifications, none yet");
  await agency.fill("#mail-address", "vanthu@sogddt-hp.gov.vn");
  await agency.selectOption("#mail-digest", "daily");
  await agency.click("#mail-add button[type=submit]");
  const mailbox = agency.locator("#mail-list article[data-mailbox]");
  await mailbox.waitFor();
  assert.equal(await mailbox.getAttribute("data-state"), "unconfirmed");
  assert.equal(await mailbox.locator("[data-action=test]").count(), 0, "no test mail before confirmation");
  await shot(agency, "agency-notifications");
  await coord.goto(`${base}/#/board/${PLAN}`);
  const unreached = coord.locator('#reach li[data-agency="so-gddt-hp"]');
  await unreached.waitFor();
  assert.equal(await unreached.getAttribute("data-reachable"), "false");
  assert.match(await unreached.textContent(), /chờ xác nhận/);
  assert.equal(await coord.locator("#reach").getAttribute("open"), "", "folded open while some cannot be reached");
  await shot(coord, "coordinator-reach");
  await checkA11y(coord, "board with reach");
  await unreached.locator("a").click();
  const vouched = coord.locator("#mail-list article[data-mailbox]");
  await vouched.waitFor();
  coord.once("dialog", (d) => d.accept());
  await vouched.locator("[data-action=vouch]").click();
  await coord.waitForSelector('#mail-list article[data-state="confirmed"]');
  // The change saves, then the list is drawn again: wait until the select chosen from is gone,
  // or the form filled next could be the one about to be replaced.
  const chosen = await coord.$("#mail-list select[id^=digest-]");
  await chosen.selectOption("weekly");
  await coord.waitForFunction((el) => !el.isConnected, chosen);
  await coord.waitForFunction(() => document.querySelector("#mail-list select[id^=digest-]")?.value === "weekly");
  // Its own reminder days; days out of range are refused beside the field.
  await coord.fill("#mail-list input[id^=days-]", "400");
  await coord.click("#mail-list .days-form button[type=submit]");
  await coord.waitForSelector('#mail-list input[id^=days-][aria-invalid="true"]');
  await coord.fill("#mail-list input[id^=days-]", "14, 3");
  await coord.click("#mail-list .days-form button[type=submit]");
  await coord.waitForFunction(() => document.querySelector("#mail-list .days-form button.secondary"));
  await checkA11y(coord, "notifications, a coordinator");
  const boxes = (await api(coord, "GET", "/v1/email-subscriptions?agency=so-gddt-hp")).body;
  assert.equal(boxes.items.length, 1);
  assert.equal(boxes.items[0].confirmed, true);
  assert.equal(boxes.items[0].digest, "weekly");
  assert.deepEqual(boxes.items[0].reminder_schedule.days_before, [14, 3]);
  assert.equal(boxes.items[0].reminder_schedule_own, true);
  await coord.goto(`${base}/#/board/${PLAN}`);
  await coord.waitForSelector("#reach summary");
  assert.equal(await coord.locator('#reach li[data-agency="so-gddt-hp"]').count(), 0, "reached now");
  await agency.reload();
  await agency.waitForSelector('#mail-list article[data-state="confirmed"] [data-action=test]');
  await agency.click('#mail-list [data-action=test]');
  await agency.waitForSelector(".toast.ok");
  // A mail's task link opens the task among the agency's tasks, ready to act on (its history once
  // done); for coordinators and auditors, the task's own page.
  await agency.goto(`${base}/#/task/${encodeURIComponent(led.id)}`);
  await agency.waitForSelector(`#task-list details.focused[data-task="${led.id}"][open] [data-action=progress]`);
  await agency.goto(`${base}/#/task/${encodeURIComponent(TASK)}`);  // completed: its history
  await agency.waitForSelector("#timeline li[data-type]");
  await auditor.goto(`${base}/#/task/${encodeURIComponent(led.id)}`);
  await auditor.waitForSelector(".task-page h1 .code");
  await agency.goto(`${base}/#/tasks`);
  await agency.waitForSelector("#task-list details[data-task]");

  // The agency's calendar link serves its calendar to anyone holding it, without a token.
  await agency.click("#calendar > summary");
  await agency.click("#calendar-new");
  const link = await agency.locator(".fresh-link input").inputValue();
  assert.match(link, /\/v1\/agencies\/so-gddt-hp\/calendar\.ics\?key=tl_/);
  const ics = await fetch(link);
  assert.equal(ics.status, 200);
  assert.match(ics.headers.get("content-type"), /^text\/calendar/);
  assert.match(await ics.text(), /^BEGIN:VCALENDAR\r\n/);
  await shot(agency, "agency-calendar-link");

  // A phone.
  const phoneCtx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: "vi-VN" });
  const phone = await signIn(phoneCtx, base, tokens.agency);
  await phone.waitForSelector("#task-list details[data-task]");
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the page is ${overflow}px wider than the phone`);
  await shot(phone, "phone-my-tasks");
  await checkA11y(phone, "my tasks on a phone");
  const phoneBoard = await signIn(phoneCtx, base, tokens.coordinator);
  await phoneBoard.waitForSelector("#matrix");
  const boardOverflow = await phoneBoard.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(boardOverflow <= 1, `the board is ${boardOverflow}px wider than the phone`);
  await shot(phoneBoard, "phone-plan-board");
  log("all checks passed");
}

let failed = false;
try {
  await main();
} catch (e) {
  failed = true;
  console.error("[e2e] FAILED:", e);
} finally {
  await browser?.close().catch(() => {});
  if (server) {
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
  }
  rmSync(data, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
