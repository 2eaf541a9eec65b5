// End-to-end test of what an inspector (auditor) and an agency's clerk read on the History and
// Notifications pages, in headless Chromium against a real `taskledger serve` with the demo data
// and no mail relay (no --smtp-url):
//
//   a clerk's history shows no log positions, token ids or hash panel, and names in the page's
//   own font (a monospace font breaks Vietnamese marks); a task's "as of" view for a day before
//   the task, or before the log, says so once, in words, without ids; coordinators and auditors
//   download the whole log as JSON Lines, which `taskledger verify --file` accepts; an auditor
//   finds an agency on the Notifications page and reads, without being offered changes, its
//   addresses, its webhooks and the stretches when no channel could tell it, and a plan's reach
//   by group; the reach card on the plan board stays folded once folded, across a live refresh,
//   a reload and another visit; adding an address with no mail relay says one true thing and what
//   to do; axe-core finds nothing on either page for any role, and both fit a phone.
//
// Screenshots go to e2e/artifacts/ (or $TASKLEDGER_E2E_ARTIFACTS).
//
//   node e2e/inspector.mjs [--bin build/server/taskledger] [--web-dir clients/web/dist]
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { checkA11y } from "./axe.mjs";
import { Run, DESKTOP, PHONE, bin, signIn as signInWith, caller } from "./harness.mjs";

// The demo is loaded months before "today": the log begins on LOADED, a plan made today is
// younger than the log, and "as of" days before each have something to say.
const LOADED = "2025-10-01";
const CLOCK = "2026-03-02";
const TASK = "hp-tieng-anh-2025:I.1";
const PLAN = "hp-tieng-anh-2025";
const CLERK = "Trần Thị Thư";  // the agency's clerk, named as the token names her
const NEW_PLAN = "hoi-thao-2026";
const NEW_TASK = `${NEW_PLAN}:1`;

const run = new Run("inspector");
const log = (...args) => run.log(...args);
const shot = (page, name) => run.shot(page, name);
const token = (...args) => run.token(LOADED, ...args);

async function startServer() {
  run.tool(LOADED, "load-demo");
  const tokens = {
    coordinator: token("--role", "coordinator", "--name", "Phòng GDTrH"),
    agency: token("--role", "agency", "--agency", "so-gddt-hp", "--name", CLERK),
    auditor: token("--role", "auditor", "--name", "Thanh tra Sở"),
  };
  // No --smtp-url: this server sends no mail.
  return { base: await run.serve(CLOCK), tokens };
}

// Signed in, every confirm() answered yes.
async function signIn(context, base, tokenValue) {
  const page = await signInWith(context, base, tokenValue);
  page.on("dialog", (d) => d.accept());
  return page;
}

// The text nodes in <main> that hold one of `needles`, and those of them set in a monospace font.
function fontsOfNames(page, needles) {
  return page.evaluate((words) => {
    const seen = [];
    const mono = [];
    const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!words.some((w) => n.textContent.includes(w))) continue;
      const font = getComputedStyle(n.parentElement).fontFamily;
      seen.push(n.textContent.trim());
      if (/mono|courier|consolas|menlo/i.test(font)) mono.push(`${n.textContent.trim()} — ${font}`);
    }
    return { seen, mono };
  }, needles);
}

const toasts = (page) => page.locator("#toasts .toast").count();

async function main() {
  const { base, tokens } = await startServer();
  const api = caller(base);
  log("server at", base, "clock", CLOCK, "log begun", LOADED, "no mail relay");

  // The scene: the clerk reports progress; a plan made today, younger than the log; an agency
  // whose one address was vouched for and then removed, and whose webhook is off.
  await api(tokens.agency, "POST", `/v1/tasks/${encodeURIComponent(TASK)}/progress`, { percent: 30, narrative: "Đã họp triển khai" });
  await api(tokens.coordinator, "POST", "/v1/plans", { id: NEW_PLAN, title: "Kế hoạch hội thảo chuyên đề năm 2026", number: "15/KH-SGDĐT",
    authority: "so-gddt-hp", period: { start: "2026-01-01", end: "2026-12-31" } });
  await api(tokens.coordinator, "POST", `/v1/plans/${NEW_PLAN}/import`,
    "TT,Nhiệm vụ,Cơ quan chủ trì,Cơ quan phối hợp,Kết quả/Sản phẩm,Thời gian hoàn thành\n1,Tổ chức hội thảo chuyên đề,Sở Giáo dục và Đào tạo,,Báo cáo,Quý IV/2026\n", "text/csv");
  const address = await api(tokens.coordinator, "POST", "/v1/email-subscriptions", { address: "vanphong@sokhcn-hp.gov.vn", agency: "so-khcn-hp", confirmed: true });
  const hook = await api(tokens.coordinator, "POST", "/v1/webhooks", { url: "https://it.sokhcn-hp.gov.vn/taskledger", agency: "so-khcn-hp" });
  await api(tokens.coordinator, "PATCH", `/v1/webhooks/${hook.id}`, { enabled: false });
  await api(tokens.coordinator, "DELETE", `/v1/email-subscriptions/${address.id}`);

  const browser = await run.launch();
  const desktop = { ...DESKTOP, acceptDownloads: true };
  const clerk = await signIn(await browser.newContext(desktop), base, tokens.agency);
  const auditor = await signIn(await browser.newContext(desktop), base, tokens.auditor);
  const coord = await signIn(await browser.newContext(desktop), base, tokens.coordinator);

  // 1. The clerk's history: who did what, by name in the page's font; no log positions, no token
  //    ids, no hashes. The auditor's shows the positions and the verification.
  await clerk.goto(`${base}/#/history/${encodeURIComponent(TASK)}`);
  await clerk.waitForSelector('#timeline li[data-type="task.progress_reported"]');
  assert.equal(await clerk.locator("#timeline [data-position]").count(), 0, "no log positions for a clerk");
  const clerkText = await clerk.textContent("main");
  assert.doesNotMatch(clerkText, /#\d+/, "no event numbers");
  assert.doesNotMatch(clerkText, /[0-9a-f]{64}/, "no hashes");
  assert.doesNotMatch(clerkText, /token|mã truy cập/i, "no token ids");
  assert.equal(await clerk.locator("#integrity, #verify-result, #log-head, #log-export").count(), 0, "no verification panel");
  assert.equal(await clerk.locator("#timeline li[data-actor]").count(), 0);
  const clerkFonts = await fontsOfNames(clerk, [CLERK, "Sở Giáo dục và Đào tạo", "Đơn vị điều phối"]);
  assert.ok(clerkFonts.seen.some((s) => s.includes(CLERK)), `the clerk is named: ${clerkFonts.seen.join(" | ")}`);
  assert.deepEqual(clerkFonts.mono, [], "names are not in a monospace font");
  await shot(clerk, "clerk-history");
  await checkA11y(clerk, "history, a clerk");

  await auditor.goto(`${base}/#/history/${encodeURIComponent(TASK)}`);
  await auditor.waitForSelector("#verify-result");
  assert.match(await auditor.textContent("#verify-result"), /Nguyên vẹn/);
  assert.ok(await auditor.locator("#timeline [data-position]").count() >= 2, "positions for auditors");
  assert.match(await auditor.getAttribute('#timeline li[data-type="task.progress_reported"]', "data-actor"), /^agency:so-gddt-hp:Trần Thị Thư/);
  const auditorFonts = await fontsOfNames(auditor, [CLERK, "Sở Giáo dục và Đào tạo"]);
  assert.ok(auditorFonts.seen.length > 0);
  assert.deepEqual(auditorFonts.mono, [], "names are not in a monospace font for auditors either");
  await checkA11y(auditor, "history, an auditor");

  // 2. "As of" a day before the task existed, then before the log began: one message each, in
  //    words, in place; no pop-ups, no ids. The date is set the way a browser may report it:
  //    an input event and a change event, then a second change.
  await clerk.goto(`${base}/#/history/${encodeURIComponent(NEW_TASK)}`);
  await clerk.waitForSelector("#timeline li[data-type]");
  for (const [day, expect] of [
    ["2026-01-15", /Ngày 15\/01\/2026 nhiệm vụ này chưa có trong sổ theo dõi: nhiệm vụ được đưa vào sổ ngày 02\/03\/2026/],
    ["2025-09-01", /Sổ theo dõi bắt đầu từ ngày 01\/10\/2025, nên chưa có số liệu nào của ngày 01\/09\/2025/],
  ]) {
    await clerk.fill("#stood-date", day);
    await clerk.dispatchEvent("#stood-date", "change");
    await clerk.waitForFunction((d) => document.querySelector("#stood-none")?.textContent.includes(d.split("-").reverse().join("/")), day);
    await clerk.waitForTimeout(700);  // time for a second answer, had the page asked twice
    assert.equal(await clerk.locator("#stood-none").count(), 1, "one message");
    assert.equal(await toasts(clerk), 0, "no pop-ups");
    const said = await clerk.textContent("#stood-none");
    assert.match(said, expect);
    assert.ok(!said.includes(NEW_PLAN) && !said.includes(NEW_TASK), `no ids: ${said}`);
  }
  await shot(clerk, "clerk-as-of-before-the-log");
  await clerk.fill("#stood-date", CLOCK);
  await clerk.dispatchEvent("#stood-date", "change");
  await clerk.waitForSelector("#stood");
  assert.equal(await clerk.locator("#stood-none").count(), 0);
  // In English too.
  await auditor.goto(`${base}/#/history/${encodeURIComponent(NEW_TASK)}`);
  await auditor.click("#lang");
  await auditor.waitForFunction(() => document.querySelector("h1")?.textContent === "Task history");
  await auditor.fill("#stood-date", "2026-01-15");
  await auditor.dispatchEvent("#stood-date", "change");
  await auditor.waitForSelector("#stood-none");
  assert.match(await auditor.textContent("#stood-none"), /^On 15\/01\/2026 this task was not in the ledger yet: it was entered on 02\/03\/2026/);
  await auditor.click("#lang");
  await auditor.waitForFunction(() => document.querySelector("h1")?.textContent === "Lịch sử nhiệm vụ");

  // 3. The whole log as JSON Lines, for the auditor and the coordinator; it verifies offline.
  for (const [who, page] of [["auditor", auditor], ["coordinator", coord]]) {
    if (who === "coordinator") await page.goto(`${base}/#/history`);
    await page.waitForSelector("#log-export");
    assert.match(await page.textContent("#log-export-panel"), /taskledger verify --file/);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#log-export")]);
    const file = join(run.data, `${who}-${download.suggestedFilename()}`);
    await download.saveAs(file);
    assert.match(download.suggestedFilename(), /\.jsonl$/);
    const lines = readFileSync(file, "utf8").trimEnd().split("\n");
    const first = JSON.parse(lines[0]);
    assert.equal(first.taskledger_export, 1, "the first line is the export's header");
    assert.ok(lines.length > 100, `${lines.length} lines`);
    assert.match(execFileSync(bin, ["verify", "--file", file], { encoding: "utf8" }), /^ok: /);
    if (who === "coordinator") await checkA11y(page, "history, a coordinator");
  }
  await shot(auditor, "auditor-history-export");

  // 4. The auditor's Notifications: find an agency without its diacritics; its channels through
  //    time, with the stretch since its last channel went; its webhook, off; nothing to change.
  await auditor.click("[data-nav=notifications]");
  await auditor.waitForSelector("#agency-find");
  await auditor.waitForSelector("#reach-groups li[data-group]");
  assert.match(await auditor.textContent("#reach-groups"), /trong \d+ đơn vị thành viên, \d+ đơn vị còn phần việc đang mở nhưng không nhận được thông báo/);
  await checkA11y(auditor, "notifications, an auditor choosing");
  await auditor.fill("#agency-find", "so khoa hoc va cong nghe");
  await auditor.click('#agency-found a[data-agency="so-khcn-hp"]');
  await auditor.waitForSelector("#channel-gaps li[data-gap]");
  const gaps = await auditor.locator("#channel-gaps li").allTextContents();
  assert.ok(gaps.length >= 1, gaps.join(" | "));
  assert.ok(gaps.every((g) => /^Không nhận được thông báo: không có kênh nào /.test(g)), gaps.join(" | "));
  assert.ok(gaps.some((g) => /đến nay/.test(g)), `the stretch since the address was removed: ${gaps.join(" | ")}`);
  assert.ok(gaps.every((g) => /\d{2}\/\d{2}\/\d{4}/.test(g) && !/\d{4}-\d{2}-\d{2}/.test(g)), "dates as dd/mm/yyyy");
  assert.ok(await auditor.locator('#channels-out li[data-channels="1"]').count() >= 1, "the vouched address counted while it was there");
  await auditor.waitForSelector(`#agency-webhooks article[data-webhook="${hook.id}"][data-state="disabled"]`);
  assert.equal(await auditor.locator("#mail-none").count(), 1);
  assert.equal(await auditor.locator("#mail-add, [data-action=remove], [data-action=vouch], #agency-webhooks button:has-text('Xóa')").count(), 0, "read only");
  await auditor.locator(`#agency-webhooks article[data-webhook="${hook.id}"] button`).first().click();
  await auditor.waitForSelector(`#agency-webhooks article[data-webhook="${hook.id}"] .delivery-box :is(table, p)`);
  await shot(auditor, "auditor-notifications");
  await checkA11y(auditor, "notifications, an auditor");
  // An agency with an address: it reads its state and its mails, greyed out.
  await api(tokens.coordinator, "POST", "/v1/email-subscriptions", { address: "vanthu@sogddt-hp.gov.vn", agency: "so-gddt-hp", confirmed: true });
  await auditor.goto(`${base}/#/notifications/so-gddt-hp`);
  await auditor.waitForSelector('#mail-list article[data-state="confirmed"]');
  assert.ok(await auditor.locator("#mail-list select[id^=digest-]").isDisabled());
  await auditor.click("#mail-list article button");
  await auditor.waitForSelector("#mail-list .delivery-box :is(table, p)");
  await checkA11y(auditor, "notifications, an auditor reading an address");
  await auditor.click("#lang");
  await auditor.waitForSelector("#channels h2:has-text('Could it be told, through time')");
  await auditor.click("#lang");

  // 5. The reach card on the board: folded by the coordinator, it stays folded through a live
  //    refresh, a reload and a visit elsewhere and back.
  await coord.goto(`${base}/#/board/${PLAN}`);
  await coord.waitForSelector("#reach summary");
  await coord.waitForSelector('.live[data-live="live"]');
  assert.equal(await coord.getAttribute("#reach", "open"), "", "open while some cannot be told");
  await coord.click("#reach summary");
  assert.equal(await coord.getAttribute("#reach", "open"), null);
  await coord.evaluate(() => { document.querySelector("#reach").dataset.before = "1"; });
  await api(tokens.coordinator, "POST", `/v1/tasks/${encodeURIComponent(TASK)}/comments`, { text: "Đề nghị báo cáo trước ngày 15/3" });
  await coord.waitForFunction(() => document.querySelector("#reach") && !document.querySelector("#reach").dataset.before, null, { timeout: 10000 });
  assert.equal(await coord.getAttribute("#reach", "open"), null, "folded after a live refresh");
  await coord.reload();
  await coord.waitForSelector("#reach summary");
  assert.equal(await coord.getAttribute("#reach", "open"), null, "folded after a reload");
  await coord.goto(`${base}/#/inbox`);
  await coord.waitForSelector("main h1");
  await coord.goto(`${base}/#/board/${PLAN}`);
  await coord.waitForSelector("#reach summary");
  assert.equal(await coord.getAttribute("#reach", "open"), null, "folded after another visit");
  await coord.click("#reach summary");
  assert.equal(await coord.getAttribute("#reach", "open"), "", "and opens again when asked");
  await shot(coord, "coordinator-board-reach");

  // 6. The clerk adds an address; there is no mail relay: one message, true, saying what to do.
  await clerk.goto(`${base}/#/notifications`);
  await clerk.waitForSelector("#mail-add");
  await clerk.waitForSelector("#channel-gaps-none, #channel-gaps");
  await checkA11y(clerk, "notifications, a clerk");
  await clerk.fill("#mail-address", "tonghop@sogddt-hp.gov.vn");
  await clerk.click("#mail-add button[type=submit]");
  await clerk.waitForSelector("#toasts .toast");
  await clerk.waitForSelector('#mail-list article[data-state="unconfirmed"] [data-waiting="vouch"]');
  await clerk.waitForTimeout(500);
  assert.equal(await toasts(clerk), 1, "one message");
  assert.equal(await clerk.locator("#toasts .toast.error").count(), 0, "not an error: the address is saved");
  const toldToast = await clerk.textContent("#toasts .toast");
  assert.match(toldToast, /chưa được cấu hình gửi thư nên chưa có thư xác nhận nào được gửi/);
  assert.match(toldToast, /đề nghị đơn vị điều phối xác nhận/);
  const page6 = await clerk.textContent("main");
  assert.doesNotMatch(page6 + toldToast, /Thư xác nhận đã (được )?gửi|xác nhận đã gửi đến/, "nothing claims a mail went out");
  assert.equal(await clerk.locator("[data-action=resend], [data-action=test]").count(), 0, "nothing offers to mail");
  await shot(clerk, "clerk-address-no-relay");
  await checkA11y(clerk, "notifications, a clerk with an address");
  // The coordinator, told the same, is offered to vouch.
  await coord.goto(`${base}/#/notifications/so-gddt-hp`);
  await coord.waitForSelector('#mail-list article[data-state="unconfirmed"] [data-action=vouch]');
  assert.match(await coord.textContent('#mail-list [data-waiting="vouch"]'), /Xác nhận là địa chỉ chính thức/);
  await checkA11y(coord, "notifications, a coordinator");

  // 7. Both pages fit a phone, for the clerk and for the auditor.
  for (const [who, tokenValue, routes] of [
    ["clerk", tokens.agency, [`history/${encodeURIComponent(TASK)}`, "notifications"]],
    ["auditor", tokens.auditor, [`history/${encodeURIComponent(TASK)}`, "notifications/so-khcn-hp"]],
  ]) {
    const small = await signIn(await browser.newContext(PHONE), base, tokenValue);
    for (const route of routes) {
      await small.goto(`${base}/#/${route}`);
      await small.waitForSelector(route.startsWith("history") ? "#timeline li[data-type]" : "#channels-out ul, #channels-out p");
      const wide = await small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(wide <= 1, `${who}: ${route} is ${wide}px wider than the phone`);
    }
    await shot(small, `${who}-phone-notifications`);
  }
}

await run.run(main);
