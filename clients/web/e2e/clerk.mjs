// End-to-end test of what a school's clerk meets on a phone (390×844), in headless Chromium
// (Debian's /usr/bin/chromium, driven by playwright-core) against a real `taskledger serve` with
// the demo data. The school, Trường THPT chuyên Trần Phú, is a member of the group "Cơ sở giáo dục",
// so most of its tasks are its own parts of tasks given to that group:
//
//   the header says who is signed in and shows every menu entry whole, Notifications too; a card
//   gives the due date beside the days left, shows that it opens, and says when it is the school's
//   own part of a task given to its group; the plan's title is not on every card; a not-started
//   part reads as not started; a file uploaded shows in the opened card with when it was submitted
//   and how its review stands; axe-core finds nothing on any page the clerk's menu offers. Then a
//   coordinator's sign-in sheet, made from a page opened at 127.0.0.1, warns that other devices
//   cannot open its link.
//
// Screenshots go to e2e/artifacts/ (or $TASKLEDGER_E2E_ARTIFACTS), named clerk-*.
//
//   node e2e/clerk.mjs [--bin build/server/taskledger] [--web-dir clients/web/dist]
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { checkA11y } from "./axe.mjs";
import { Run, DESKTOP, PHONE as PHONE_1X, signIn as signInWith, web, webDir } from "./harness.mjs";

const CLOCK = "2026-03-02";
const SCHOOL = "thpt-tran-phu-hp";
const GROUP = "co-so-gd-hp";
const TASK = "hp-tieng-anh-2025:V.3";  // led by the group: the school's own part, not started
const PHONE = { ...PHONE_1X, deviceScaleFactor: 2 };

const run = new Run("clerk");
const pageErrors = [];
const log = (...args) => run.log(...args);
const shot = (page, name) => run.shot(page, name);
const token = (...args) => run.token(CLOCK, ...args);

async function startServer() {
  run.tool(CLOCK, "load-demo");
  const tokens = {
    clerk: token("--role", "agency", "--agency", SCHOOL, "--name", "Văn thư"),
    coordinator: token("--role", "coordinator", "--name", "Phòng GDTrH"),
  };
  // No --public-url: a sign-in sheet points at the address the coordinator's page was opened at.
  return { base: await run.serve(CLOCK), tokens };
}

// Pages served straight from src/ (--web-dir src, no build) ask for Chart.js under its unbuilt
// name, which only dist/ holds: hand them the package's copy, as build.mjs would.
async function chartFromPackage(context) {
  const chart = readFileSync(join(web, "node_modules/chart.js/dist/chart.umd.min.js"));
  await context.route("**/vendor/chart.umd.js", (route) => route.fulfill({ contentType: "text/javascript", body: chart }));
}

// Signed in; what the page throws is gathered and checked at the end.
const signIn = (context, base, tokenValue) => signInWith(context, base, tokenValue, (e) => pageErrors.push(e.message));

// The API as the signed-in page calls it, with its token.
function api(page, path) {
  return page.evaluate(async (p) => {
    const token = sessionStorage.getItem("taskledger.token") || localStorage.getItem("taskledger.token");
    const r = await fetch(p, { headers: { Authorization: "Bearer " + token } });
    return r.json();
  }, path);
}

const ddmmyyyy = (iso) => iso.split("-").reverse().join("/");

// Each menu entry's box, and whether it is whole: inside the viewport, its text not clipped, and
// its middle not covered by anything else.
function menuEntries(page) {
  return page.$$eval("#header nav a", (links) => links.map((a) => {
    const r = a.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return { nav: a.dataset.nav, text: a.textContent.trim(), left: r.left, right: r.right, top: r.top, bottom: r.bottom,
             clipped: a.scrollWidth > a.clientWidth + 1 || a.parentElement.scrollWidth > a.parentElement.clientWidth + 1,
             reachable: !!hit && a.contains(hit) };
  }));
}

async function checkHeader(page, me, notifications = "Nhận thông báo") {
  await page.evaluate(() => window.scrollTo(0, 0));  // on a phone the header scrolls away with the page
  const who = page.locator("#who");
  assert.ok(await who.isVisible(), "who is signed in is shown");
  const whoText = (await who.innerText()).replace(/\s+/g, " ");
  assert.ok(whoText.includes(me.agency_name), `the header names the school: "${whoText}"`);
  assert.ok(whoText.includes(me.name), `the header names the clerk: "${whoText}"`);
  const box = await who.boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= PHONE.viewport.width + 1, `who is signed in fits the width: ${JSON.stringify(box)}`);
  const entries = await menuEntries(page);
  assert.deepEqual(entries.map((e) => e.nav), ["tasks", "report", "history", "notifications"], "the clerk's menu");
  for (const e of entries) {
    assert.ok(e.left >= 0 && e.right <= PHONE.viewport.width + 0.5, `menu entry "${e.text}" lies inside the screen: ${e.left}–${e.right}`);
    assert.ok(e.top >= 0 && e.bottom <= PHONE.viewport.height, `menu entry "${e.text}" is on the first screen`);
    assert.ok(!e.clipped, `menu entry "${e.text}" is not cut off`);
    assert.ok(e.reachable, `menu entry "${e.text}" can be tapped`);
  }
  assert.equal(entries.find((e) => e.nav === "notifications").text, notifications);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the page is ${overflow}px wider than the phone`);
}

// The cards as shown: per task, its summary's texts and what its chevron looks like.
function cards(page) {
  return page.$$eval("#task-list details[data-task]", (items) => items.map((d) => {
    const s = d.querySelector("summary");
    const chevron = s.querySelector(".chevron");
    const box = chevron?.getBoundingClientRect();
    const card = s.getBoundingClientRect();
    return {
      id: d.dataset.task, open: d.open,
      summary: s.textContent, due: s.querySelector(".card-due")?.textContent || "",
      standing: s.querySelector(".standing")?.textContent || "",
      part: s.querySelector(".part-of-group")?.textContent || "",
      plan: s.querySelector(".plan")?.textContent ?? null,
      chevron: chevron ? { hidden: chevron.getAttribute("aria-hidden"), w: box.width, h: box.height,
                           inside: box.left >= card.left && box.right <= card.right && box.top >= card.top && box.bottom <= card.bottom,
                           turn: getComputedStyle(chevron, "::before").transform } : null,
    };
  }));
}

async function main() {
  const { base, tokens } = await startServer();
  log("server at", base, "clock", CLOCK, "pages from", webDir);
  const browser = await run.launch();

  // The clerk, on a phone: who is signed in, and the whole menu.
  const phone = await browser.newContext(PHONE);
  await chartFromPackage(phone);
  const clerk = await signIn(phone, base, tokens.clerk);
  await clerk.waitForSelector("#task-list details[data-task]");
  const me = await api(clerk, "/v1/me");
  await checkHeader(clerk, me);
  await shot(clerk, "phone-my-tasks");

  const items = (await api(clerk, `/v1/agencies/${SCHOOL}/tasks?limit=1000`)).items;
  const plans = (await api(clerk, "/v1/plans")).items;
  const group = await api(clerk, `/v1/agencies/${GROUP}`);
  const byId = new Map(items.map((x) => [x.id, x]));
  assert.ok(items.some((x) => x.as_part && x.via === GROUP), "the school holds parts of its group's tasks");
  assert.ok(new Set(items.map((x) => x.plan)).size > 1, "the school's tasks come from more than one plan");

  // Each card: the due date beside the days left, a chevron that says it opens, whose part it is.
  let shown = await cards(clerk);
  assert.equal(shown.length, items.length);
  for (const c of shown) {
    const x = byId.get(c.id);
    if (x.next_due && x.days_left > 0) assert.equal(c.due, `Còn ${x.days_left} ngày · ${ddmmyyyy(x.next_due)}`, c.id);
    else if (x.next_due && x.days_left < 0) assert.equal(c.due, `Quá hạn ${-x.days_left} ngày · ${ddmmyyyy(x.next_due)}`, c.id);
    assert.ok(c.chevron, `${c.id} shows that it opens`);
    assert.equal(c.chevron.hidden, "true", "the chevron is decoration: the summary itself says expanded or not");
    assert.ok(c.chevron.w >= 16 && c.chevron.h >= 16 && c.chevron.inside, `${c.id}'s chevron is seen: ${JSON.stringify(c.chevron)}`);
    if (x.as_part) assert.equal(c.part, `Phần việc riêng của đơn vị trong nhiệm vụ giao cho nhóm “${group.name}”`, c.id);
    else assert.equal(c.part, "", c.id);
    // The plan: never its full title on a card; in this list of two plans, a short name.
    for (const p of plans) assert.ok(!c.summary.includes(p.title), `${c.id} does not repeat the plan's title`);
    const title = plans.find((p) => p.id === x.plan).title;
    assert.ok(c.plan && c.plan.length < title.length, `${c.id} names its plan shortly: ${c.plan}`);
  }
  // Not started reads as not started: on the card and in it, the report's group apart.
  const fresh = shown.find((c) => c.id === TASK);
  assert.equal(byId.get(TASK).status, "not_started");
  assert.equal(fresh.standing, "Chưa bắt đầu");
  const card = clerk.locator(`details[data-task="${TASK}"]`);
  const closedTurn = fresh.chevron.turn;
  await card.locator("summary").click();
  await card.locator(".delivered .dlv-none").waitFor();
  assert.equal(await card.locator(".status").textContent(), "Chưa bắt đầu");
  assert.equal(await card.locator(".report-group").textContent(), "Chưa hoàn thành, còn trong thời hạn");
  assert.doesNotMatch(await card.textContent(), /Đang thực hiện/);
  assert.equal(await card.locator(".delivered .dlv-none").textContent(), "Chưa nộp sản phẩm nào.");
  assert.equal(await card.locator(".plan-title").textContent(), plans.find((p) => p.id === byId.get(TASK).plan).title,
    "the opened card names the plan in full");
  shown = await cards(clerk);
  assert.notEqual(shown.find((c) => c.id === TASK).chevron.turn, closedTurn, "the chevron turns when the card opens");
  await shot(clerk, "phone-card-open");
  await checkA11y(clerk, "my tasks on a phone, a card open");

  // One plan chosen: named once above the list, on no card.
  const plan = byId.get(TASK).plan;
  await clerk.selectOption("#filter-plan", plan);
  shown = await cards(clerk);
  assert.ok(shown.length > 1 && shown.every((c) => c.plan === null), "no card names the plan when only one is shown");
  assert.equal(await clerk.locator("#tasks-plan strong").textContent(), plans.find((p) => p.id === plan).title);
  await shot(clerk, "phone-one-plan");
  await clerk.selectOption("#filter-plan", "");

  // A file uploaded shows in the opened card: its name, when, and that it awaits review.
  const NAME = "Kế hoạch xây dựng thư viện số — Trần Phú.pdf";
  await card.locator('[data-action="deliver"]').click();
  await card.locator('input[name="file"]').setInputFiles({ name: NAME, mimeType: "application/pdf", buffer: Buffer.alloc(40 * 1024, 0x25) });
  await card.locator('input[name="note"]').fill("Bản đã ký");
  await card.locator('form button[type="submit"]').click();
  const submitted = card.locator(".delivered-list li").filter({ hasText: NAME });
  await submitted.waitFor({ timeout: 10000 });
  assert.equal(await submitted.getAttribute("data-review"), "pending");
  const line = await submitted.innerText();
  assert.match(line, /Chờ duyệt/);
  assert.match(line, /Nộp lúc .*02\/03\/2026/);
  assert.match(line, /Ghi chú: Bản đã ký/);
  assert.ok(await card.evaluate((d) => d.open), "the card stays open after the upload");
  const part = (await api(clerk, `/v1/tasks/${encodeURIComponent(TASK)}`)).occurrences[0].part;
  assert.ok(part.deliverables.some((d) => d.name === NAME), "the file went to the school's own part");
  await card.scrollIntoViewIfNeeded();
  await shot(clerk, "phone-after-upload");
  await checkA11y(clerk, "my tasks after an upload");

  // English: the same, worded in English (no label missing).
  await clerk.click("#lang");
  await clerk.waitForFunction(() => document.querySelector("h1")?.textContent === "My tasks");
  if (!(await card.evaluate((d) => d.open))) await card.locator("summary").click();
  await card.locator(".delivered-list li").first().waitFor();
  assert.equal(await card.locator(".part-of-group").textContent(), `Your own part of a task given to the group “${group.name}”`);
  assert.equal(await card.locator(".delivered h3").textContent(), "Deliverables submitted");
  assert.match(await clerk.locator("#who").innerText(), new RegExp(me.agency_name));
  assert.doesNotMatch(await clerk.locator("body").innerText(), /\b(who_signed_in|nav_menu|card_[a-z_]+|dlv_[a-z_]+)\b/);
  await checkHeader(clerk, me, "Notifications");
  await shot(clerk, "phone-english");
  await clerk.click("#lang");
  await clerk.waitForFunction(() => document.querySelector("h1")?.textContent === "Nhiệm vụ của tôi");

  // Every page the clerk's menu offers: whole menu, nothing wider than the phone, no axe finding.
  const ready = { tasks: "#task-list details[data-task]", report: "#totals", history: "main h1", notifications: "#mail-none, #mail-list article" };
  for (const { nav } of await menuEntries(clerk)) {
    await clerk.click(`#header nav a[data-nav="${nav}"]`);
    await clerk.waitForFunction((n) => location.hash === "#/" + n, nav);
    await clerk.waitForSelector(ready[nav] || "main h1");
    await clerk.waitForFunction(() => !document.querySelector("main")?.textContent.includes("Đang tải…"));
    await checkHeader(clerk, me);
    await shot(clerk, "phone-menu-" + nav);
    await checkA11y(clerk, `the clerk's "${nav}" page on a phone`);
  }

  // The coordinator, on this machine's address: the sign-in sheet warns it will not open elsewhere.
  const desk = await browser.newContext(DESKTOP);
  const coord = await signIn(desk, base, tokens.coordinator);
  assert.ok(await coord.locator("#who").isVisible(), "who is signed in is shown on a desktop too");
  await coord.goto(`${base}/#/access`);
  await coord.waitForSelector("#token-issue");
  await coord.selectOption("#token-agency", "thpt-ngo-quyen-hp");
  await coord.fill("#token-name", "Văn thư");
  await coord.click("#token-issue-submit");
  await coord.waitForSelector("#sign-in-sheet");
  assert.match(await coord.textContent("#sheet-url"), /^http:\/\/127\.0\.0\.1:\d+\//);
  const warning = coord.locator('#sign-in-sheet #sheet-warnings li[data-code="sign-in-loopback"]');
  assert.ok(await warning.isVisible(), "the sheet shows the loopback warning");
  const words = await warning.innerText();
  assert.match(words, /http:\/\/127\.0\.0\.1:\d+\/ trỏ vào chính máy đang chạy máy chủ/);
  assert.match(words, /điện thoại và máy tính khác không mở được/);
  assert.match(words, /--public-url/);
  assert.equal(await coord.getAttribute("#sheet-warnings", "role"), "alert");
  await shot(coord, "coordinator-sheet-warning");
  await checkA11y(coord, "access, a sheet with a warning");
  // Printed, the warning stays on the sheet.
  await coord.emulateMedia({ media: "print" });
  await coord.evaluate(() => document.body.classList.add("printing-sheet"));
  assert.ok(await warning.isVisible(), "the warning is printed with the sheet");
  assert.ok(!(await coord.locator("#token-issue").isVisible()), "only the sheet is printed");
  await shot(coord, "coordinator-sheet-printed");

  assert.deepEqual(pageErrors, [], "no page errors");
}

await run.run(main);
