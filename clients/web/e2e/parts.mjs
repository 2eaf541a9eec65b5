// End to end in headless Chromium: a task given to a group, tracked school by school.
//
//   Two schools of the demo's group "Cơ sở giáo dục" (Hải Phòng, eight schools) each see the task
//   as their own part; one uploads its report, the other does nothing; the coordinator's task page
//   lists every school's part, accepts the first school's deliverable, filters the late ones and
//   reminds them in one action (the reminder names the second school and not the one that is
//   done); the report counts "1/8 đơn vị hoàn thành, 7 quá hạn" beside the task; the report's
//   particulars (issuer, number, narrative) are saved; and axe-core finds no violation on any
//   page each role's menu offers, nor on the task page.
//
//   node e2e/parts.mjs [--bin build/server/taskledger] [--web-dir clients/web/dist]
import assert from "node:assert/strict";
import { checkA11y } from "./axe.mjs";
import { DESKTOP, Run, caller, signIn } from "./harness.mjs";

const LOADED = "2026-02-01";
const CLOCK = "2026-03-02";
const PLAN = "nhom-hp";
const TASK = "nhom-hp:1";
const A = "thpt-tran-phu-hp", B = "thpt-ngo-quyen-hp";
const run = new Run("parts");

// Every page the role's menu offers, each checked by axe-core once it has drawn.
async function everyMenuPage(page, role) {
  const links = await page.$$eval("#header nav a[data-nav]", (as) => as.map((a) => a.getAttribute("href")));
  assert.ok(links.length >= 3, `${role}'s menu: ${links.join(" ")}`);
  for (const href of links) {
    await page.goto(new URL(href, page.url()).href);
    await page.waitForFunction(() => !document.querySelector("#main > p.muted:only-child"));
    await page.waitForTimeout(300);  // charts and lazy parts
    await checkA11y(page, `${role}: ${href}`);
    run.log("axe ok:", role, href);
  }
}

async function main() {
  run.tool(LOADED, "load-demo");
  const tokens = {
    coordinator: run.token(LOADED, "--role", "coordinator", "--name", "Phòng GDTrH"),
    a: run.token(LOADED, "--role", "agency", "--agency", A, "--name", "Văn thư Trần Phú"),
    b: run.token(LOADED, "--role", "agency", "--agency", B, "--name", "Văn thư Ngô Quyền"),
    auditor: run.token(LOADED, "--role", "auditor", "--name", "Thanh tra"),
  };
  const base = await run.serve(CLOCK);
  run.log("server at", base, "clock", CLOCK);
  const api = caller(base);
  // A plan of the department with one task given to the group, due 27/02/2026: past due today.
  await api(tokens.coordinator, "POST", "/v1/plans", {
    id: PLAN, title: "Kế hoạch chuyên đề dạy học tiếng Anh", number: "12/KH-SGDĐT", authority: "so-gddt-hp",
    period: { start: "2026-01-01", end: "2026-12-31" } });
  await api(tokens.coordinator, "POST", `/v1/plans/${PLAN}/import`,
    "TT,Nhiệm vụ,Cơ quan chủ trì,Cơ quan phối hợp,Kết quả/Sản phẩm,Thời gian hoàn thành\n" +
    "1,Tổ chức chuyên đề dạy học tiếng Anh cấp trường,Cơ sở giáo dục,,Báo cáo chuyên đề,27/02/2026\n", "text/csv");

  const browser = await run.launch();
  const desktop = DESKTOP;

  // School A: its own part, not started; it uploads its report.
  const aPage = await signIn(await browser.newContext(desktop), base, tokens.a);
  const aCard = aPage.locator(`details[data-task="${TASK}"]`);
  await aCard.waitFor();
  await aCard.locator("summary").click();
  await aCard.locator('[data-action="deliver"]').click();
  await aCard.locator('input[name="file"]').setInputFiles({ name: "Báo cáo chuyên đề Trần Phú.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4 Trần Phú") });
  await aCard.locator('form button[type="submit"]').click();
  await aPage.waitForFunction((id) => /Đã nộp/.test(document.querySelector(`details[data-task="${id}"] .status`)?.textContent || ""), TASK);
  await run.shot(aPage, "school-a-submitted");

  // School B: nothing of A's shows as its own.
  const bPage = await signIn(await browser.newContext(desktop), base, tokens.b);
  const bCard = bPage.locator(`details[data-task="${TASK}"]`);
  await bCard.waitFor();
  await bCard.locator("summary").click();
  assert.match(await bCard.locator(".status").textContent(), /Chưa bắt đầu/);
  assert.equal(await bPage.locator("text=Trần Phú").count(), 0, "B sees nothing of A's");
  await run.shot(bPage, "school-b-own-part");

  // The coordinator's task page: both parts; A's deliverable accepted; B late, reminded alone.
  const coord = await signIn(await browser.newContext(desktop), base, tokens.coordinator);
  await coord.goto(`${base}/#/task/${encodeURIComponent(TASK)}`);
  await coord.waitForSelector("#parts tr[data-member]");
  const members = (await api(tokens.coordinator, "GET", "/v1/agencies/co-so-gd-hp")).members.length;
  assert.ok(members >= 2, `the demo's group has ${members} schools`);
  assert.equal(await coord.locator("#parts tr[data-member]").count(), members);
  assert.match(await coord.textContent("#rule-text"), /tất cả đơn vị/i);
  await coord.selectOption("#parts-state", "awaiting_review");
  await coord.waitForFunction(() => document.querySelectorAll("#parts tr[data-member]").length === 1);
  const aRow = coord.locator(`#parts tr[data-member="${A}"]`);
  coord.once("dialog", (d) => d.accept());
  await aRow.locator('[data-action="accept"]').click();
  await coord.waitForFunction(() => document.querySelectorAll("#parts tr[data-member]").length === 0);
  await coord.selectOption("#parts-state", "late");
  await coord.waitForSelector(`#parts tr[data-member="${B}"]`);
  assert.equal(await coord.locator("#parts tr[data-member]").count(), members - 1, "all but A are late");
  assert.equal(await coord.locator(`#parts tr[data-member="${A}"]`).count(), 0);
  assert.match(await coord.textContent("#parts-summary"), new RegExp(`1/${members} đơn vị hoàn thành`));
  await run.shot(coord, "coordinator-task-page-late");
  await checkA11y(coord, "task page");
  coord.once("dialog", (d) => d.accept("Đề nghị nộp báo cáo chuyên đề trước 06/3"));
  await coord.click("#parts-remind");
  const reminded = await (async () => {
    for (let i = 0; i < 50; i++) {
      const history = await api(tokens.coordinator, "GET", `/v1/tasks/${encodeURIComponent(TASK)}/history`);
      const last = history.events.filter((e) => e.type === "task.parts_reminded").pop();
      if (last) return last;
      await new Promise((r) => setTimeout(r, 100));
    }
    return null;
  })();
  assert.ok(reminded, "the reminder is in the log");
  assert.ok(reminded.data.members.includes(B), "the late school is reminded");
  assert.ok(!reminded.data.members.includes(A), "the school that is done is not");
  assert.equal(reminded.data.members.length, members - 1);
  assert.equal(reminded.data.message, "Đề nghị nộp báo cáo chuyên đề trước 06/3");
  // A school's work arriving live does not redraw the page over the rule being written; put
  // away, the page shows the latest.
  await coord.click("#rule-change");
  await coord.fill('#rule input[name="reason"]', "Theo chỉ đạo của Giám đốc Sở");
  const told = coord.waitForResponse((r) => r.url().endsWith("/v1/queue"));
  await api(tokens.b, "POST", `/v1/tasks/${encodeURIComponent(TASK)}/progress`, { percent: 20, narrative: "Đã họp tổ chuyên môn" });
  await told;  // the live event reached the page
  assert.equal(await coord.inputValue('#rule input[name="reason"]'), "Theo chỉ đạo của Giám đốc Sở", "what was typed stays");
  const redrawn = coord.waitForResponse((r) => r.url().endsWith(`/v1/tasks/${encodeURIComponent(TASK)}`));
  await coord.click('#rule button:has-text("Hủy")');
  await redrawn;

  // The report: the task is overdue (all parts), and beside it its parts, 1 of 2 done.
  await coord.goto(`${base}/#/report/${PLAN}`);
  await coord.waitForSelector("#parts-totals");
  const line = coord.locator("#report-lines li", { hasText: "Tổ chức chuyên đề" });
  await coord.locator('#report-lines details[data-group="overdue"]').evaluate((d) => { d.open = true; });
  assert.match(await line.textContent(), new RegExp(`1/${members} đơn vị hoàn thành, ${members - 1} quá hạn`));
  assert.match(await coord.textContent("#parts-totals"), new RegExp(`1/${members} đơn vị hoàn thành`));
  // The report's particulars: the department issues it, with its number and narrative.
  await coord.locator("#report-frame summary").click();
  await coord.fill('#report-frame input[name="number"]', "15/BC-SGDĐT");
  await coord.fill('#report-frame textarea[name="assessment"]', "Các trường đã chủ động triển khai chuyên đề.");
  // While it is being written, a school's work refreshes the report: what was typed stays.
  const refreshed = coord.waitForResponse((r) => r.url().includes(`/v1/plans/${PLAN}/report?`));
  await api(tokens.b, "POST", `/v1/tasks/${encodeURIComponent(TASK)}/progress`, { percent: 40, narrative: "Đang chuẩn bị" });
  await refreshed;
  await coord.locator("#parts-totals").waitFor();
  assert.equal(await coord.inputValue('#report-frame input[name="number"]'), "15/BC-SGDĐT", "a live refresh keeps what was typed");
  // Saved once the PUT answers (a toast from the reminder may still be on screen).
  const saved = coord.waitForResponse((r) => r.request().method() === "PUT" && r.url().includes(`/v1/plans/${PLAN}/reports/`));
  await coord.click("#frame-save");
  assert.ok((await saved).ok(), "the particulars are saved");
  const frame = await api(tokens.coordinator, "GET", `/v1/plans/${PLAN}/reports/${CLOCK}`);
  assert.equal(frame.number, "15/BC-SGDĐT");
  assert.equal(frame.assessment, "Các trường đã chủ động triển khai chuyên đề.");
  await run.shot(coord, "coordinator-report-parts");
  await checkA11y(coord, "report with parts");
  // School B's part is reported as late; A's is done and B's list still holds it.
  const bList = await api(tokens.b, "GET", `/v1/agencies/${B}/tasks?plan=${PLAN}`);
  assert.equal(bList.items[0].category, "overdue");
  const aList = await api(tokens.a, "GET", `/v1/agencies/${A}/tasks?plan=${PLAN}`);
  assert.equal(aList.items.length, 0, "A's part is done: off its list");

  // Every page each role's menu offers passes axe-core.
  await everyMenuPage(coord, "coordinator");
  await everyMenuPage(bPage, "school");
  const auditor = await signIn(await browser.newContext(desktop), base, tokens.auditor);
  await everyMenuPage(auditor, "auditor");
  await auditor.goto(`${base}/#/task/${encodeURIComponent(TASK)}`);
  await auditor.waitForSelector("#parts tr[data-member]");
  assert.equal(await auditor.locator('#parts [data-action="accept"]').count(), 0, "auditors read, never act");
  await checkA11y(auditor, "task page, an auditor");
}

await run.run(main);
