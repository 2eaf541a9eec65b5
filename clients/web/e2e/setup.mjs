// End-to-end test of setting up from nothing, in headless Chromium against a real `taskledger
// serve` over an empty store, as a coordinator would, without curl:
//
//   sign in (the first page is Plans, with none yet); register agencies, give one an alias,
//   make a group; create a plan; import its Word appendix (written here by python3-docx) — the
//   preview marks the rows with unknown agencies, one is mapped to an existing agency and one
//   created, then the import; the plan's particulars opened for correction; issue the new school
//   a token, whose sign-in sheet carries the address, the token and a QR code; the school signs
//   in from the sheet's link and sees its task; the token is revoked; the pages read in English
//   too, and fit a phone.
//
//   node e2e/setup.mjs [--bin build/server/taskledger]
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
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
const CLOCK = "2026-03-02";

mkdirSync(artifacts, { recursive: true });
const data = mkdtempSync(join(tmpdir(), "taskledger-e2e-setup-"));
let server = null;
let browser = null;
let step = 0;

function log(...args) {
  console.log(`[e2e setup ${new Date().toISOString().slice(11, 19)}]`, ...args);
}

// The plan's appendix as a Word document: the motto block, then the matrix with a section row.
function writeAppendix(path) {
  const script = `
import sys, docx
d = docx.Document()
head = d.add_table(rows=2, cols=2)
head.cell(0, 0).text = "SỞ GIÁO DỤC VÀ ĐÀO TẠO"
head.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
head.cell(1, 1).text = "Độc lập - Tự do - Hạnh phúc"
d.add_paragraph("PHỤ LỤC: NHIỆM VỤ TRIỂN KHAI")
rows = [
  ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Kết quả, sản phẩm", "Thời gian hoàn thành"],
  ["I", "TUYÊN TRUYỀN, NÂNG CAO NHẬN THỨC", "", "", "", ""],
  ["1", "Xây dựng kế hoạch tuyên truyền", "Sở GD&ĐT", "PGD Thử", "Kế hoạch", "Năm 2026"],
  ["2", "Tổ chức hội thảo chuyên đề về dạy học ngoại ngữ", "Trường THPT Mới", "Sở GD&ĐT", "Hội thảo", "Hàng năm"],
  ["3", "Báo cáo sơ kết việc thực hiện", "PGD Thử", "", "Báo cáo", "Quý IV/2026"],
]
t = d.add_table(rows=len(rows), cols=6)
t.style = "Table Grid"
for r, row in enumerate(rows):
  for c, text in enumerate(row):
    t.cell(r, c).text = text
section = t.rows[1].cells
section[1].merge(section[5])
section[1].text = rows[1][1]
d.add_paragraph("Nơi nhận: - Lưu: VT.")
d.save(sys.argv[1])
`;
  execFileSync("/usr/bin/python3", ["-c", script, path]);
}

async function startServer() {
  const store = join(data, "store");
  const coordinator = execFileSync(bin, ["token", "create", "--role", "coordinator", "--name", "Phòng GDTrH",
    "--data-dir", store, "--clock-start", CLOCK], { encoding: "utf8" }).trim().split(/\s+/).pop();
  // Room for two live streams only: the third page falls back to polling.
  server = spawn(bin, ["serve", "--data-dir", store, "--listen", "127.0.0.1:0", "--clock-start", CLOCK,
    "--web-dir", join(web, "dist"), "--max-event-streams", "2"], { stdio: ["ignore", "pipe", "pipe"] });
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
  return { base: `http://127.0.0.1:${port}`, coordinator };
}

async function shot(page, name) {
  step += 1;
  const file = join(artifacts, `setup-${String(step).padStart(2, "0")}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  log("screenshot", file);
}

function watch(page) {
  page.on("pageerror", (e) => { throw new Error("page error: " + e.message); });
  return page;
}

async function addAgency(page, name, id, kind = "department") {
  const form = page.locator("#agency-add");
  await form.locator("[name=name]").fill(name);
  await form.locator("[name=id]").fill(id);
  await form.locator("[name=kind]").selectOption(kind);
  return form;
}

async function main() {
  const { base, coordinator } = await startServer();
  log("server at", base, "over an empty store");
  const docx = join(data, "phu-luc.docx");
  writeAppendix(docx);
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", headless: true });
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "vi-VN" });
  const page = watch(await ctx.newPage());
  page.on("dialog", (d) => d.accept());

  // Signed in with no plan yet: the Plans page, inviting the first one.
  await page.goto(base + "/");
  await page.fill("#token", coordinator);
  await page.click("#signin");
  await page.waitForSelector("#plan-create");
  assert.equal(new URL(page.url()).hash, "#/plans");
  await shot(page, "plans-empty");
  await checkA11y(page, "plans");

  // Agencies: two departments, an alias added by editing, a group with a member.
  await page.click("[data-nav=agencies]");
  await page.waitForSelector("#agency-add");
  await (await addAgency(page, "Sở Giáo dục và Đào tạo", "so-gddt")).locator("button[type=submit]").click();
  await page.waitForSelector("tr[data-agency=so-gddt]");
  await (await addAgency(page, "Phòng Giáo dục và Đào tạo huyện Thử", "pgd-thu")).locator("button[type=submit]").click();
  await page.waitForSelector("tr[data-agency=pgd-thu]");
  await page.click("[data-edit=so-gddt]");
  await page.fill("tr[data-agency=so-gddt] [name=aliases]", "Sở GD&ĐT");
  await page.click("tr[data-agency=so-gddt] button[type=submit]");
  await page.waitForSelector("tr[data-agency=so-gddt] td:has-text('Sở GD&ĐT')");
  const group = await addAgency(page, "Các phòng giáo dục", "nhom-pgd", "group");
  await group.locator("[name=members]").selectOption(["pgd-thu"]);
  await group.locator("button[type=submit]").click();
  await page.waitForSelector("tr[data-agency=nhom-pgd] :text('Phòng Giáo dục và Đào tạo huyện Thử')");
  await shot(page, "agencies");
  await checkA11y(page, "agencies");

  // A plan, then straight to its import.
  await page.click("[data-nav=plans]");
  await page.waitForSelector("#plan-create");
  await page.fill("#plan-create [name=title]", "Kế hoạch thử nghiệm dạy học ngoại ngữ năm 2026");
  await page.fill("#plan-create [name=number]", "12/KH-SGDĐT");
  await page.selectOption("#plan-create [name=authority]", "so-gddt");
  await page.fill("#plan-create [name=issued]", "2026-01-15");
  assert.equal(await page.inputValue("#plan-create [name=id]"), "12-kh-sgddt");
  await page.click("#plan-create-submit");
  await page.waitForSelector("#import-file", { state: "attached" });
  assert.equal(new URL(page.url()).hash, "#/import/12-kh-sgddt");

  // The preview: read, not written; the rows naming unknown agencies marked in place.
  await page.setInputFiles("#import-file", docx);
  await page.waitForSelector("#import-problems");
  await page.waitForSelector("#import-unknown");
  const marked = await page.locator("#import-preview-table tr.has-problem").count();
  assert.ok(marked >= 2, `rows with problems marked: ${marked}`);
  assert.equal(await page.locator("#import-preview-table tbody tr").count(), 4);
  assert.ok(await page.locator("#import-commit").isDisabled());
  await shot(page, "import-preview-problems");
  await checkA11y(page, "import preview");
  await page.selectOption("select[data-unknown='PGD Thử']", "pgd-thu");
  await page.selectOption("select[data-unknown='Trường THPT Mới']", "");
  await page.click("#import-again");
  await page.waitForSelector("#import-ready");
  assert.equal(await page.locator("#import-preview-table tr.has-problem").count(), 0);
  await shot(page, "import-preview-ready");
  await page.click("#import-commit");
  await page.waitForSelector("#import-done");
  assert.match(await page.textContent("#import-done"), /3/);
  const plan = await page.evaluate(async () => {
    const r = await fetch("/v1/plans/12-kh-sgddt", { headers: { Authorization: "Bearer " + sessionStorage.getItem("taskledger.token") } });
    return r.json();
  });
  assert.equal(plan.task_count, 3);
  const pgd = await page.evaluate(async () => {
    const r = await fetch("/v1/agencies/pgd-thu", { headers: { Authorization: "Bearer " + sessionStorage.getItem("taskledger.token") } });
    return r.json();
  });
  assert.ok(pgd.aliases.includes("PGD Thử"), "the mapped name is remembered as an alias");

  // English, on the same page.
  await page.click("#lang");
  await page.waitForSelector("h1:has-text('Import a task matrix')");
  await page.click("#lang");

  // The Plans page again, the plan listed and its particulars open for correction (axe once
  // reported heading-order here): the authority offered is the plan's own.
  await page.click("[data-nav=plans]");
  await page.click("[data-edit='12-kh-sgddt']");
  await page.waitForSelector("article[data-plan='12-kh-sgddt'] form.plan-edit");
  assert.equal(await page.inputValue("article[data-plan='12-kh-sgddt'] [name=authority]"), "so-gddt");
  await shot(page, "plans-editing");
  await checkA11y(page, "plans, a plan being corrected");

  // Access: the new school's token and its sign-in sheet.
  await page.click("[data-nav=access]");
  await page.waitForSelector("#token-issue");
  await page.selectOption("#token-role", "agency");
  await page.selectOption("#token-agency", { label: "Trường THPT Mới" });
  await page.fill("#token-name", "Văn thư nhà trường");
  await page.click("#token-issue-submit");
  await page.waitForSelector("#sign-in-sheet");
  const token = (await page.textContent("#sheet-token")).trim();
  assert.match(token, /^tl_[0-9a-f]{12}_/);
  assert.equal(await page.textContent("#sheet-agency"), "Trường THPT Mới");
  assert.equal((await page.textContent("#sheet-url")).trim(), base + "/");
  const link = await page.getAttribute(".qr-box", "data-link");
  assert.equal(link, `${base}/#/signin/${token}`);
  assert.ok((await page.getAttribute("svg.qr path", "d")).length > 500, "the QR code is drawn");
  await page.waitForSelector("#token-list tr[data-token]");
  await shot(page, "access-sign-in-sheet");
  await checkA11y(page, "access");

  // The school signs in from the sheet's link and sees its task; the token leaves the address.
  const school = watch(await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, locale: "vi-VN" })).newPage());
  await school.goto(link);
  await school.waitForSelector("#task-list details[data-task]");
  assert.ok(!school.url().includes(token), "the token is not left in the address bar");
  assert.match(await school.textContent("#task-list"), /Tổ chức hội thảo chuyên đề/);
  const overflow = await school.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the page is ${overflow}px wider than the phone`);
  await shot(school, "school-signed-in-from-sheet");

  // Revoked: the token no longer works.
  await page.click("#token-list tr[data-token] [data-revoke]");
  await page.waitForSelector("#token-list tr[data-token] .badge.overdue");
  const status = await school.evaluate(async (tk) => (await fetch("/v1/me", { headers: { Authorization: "Bearer " + tk } })).status, token);
  assert.equal(status, 401);

  // The set-up pages on a phone.
  const phone = watch(await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, locale: "vi-VN" })).newPage());
  await phone.goto(base + "/");
  await phone.fill("#token", coordinator);
  await phone.click("#signin");
  for (const name of ["plans", "agencies", "access"]) {
    await phone.goto(`${base}/#/${name}`);
    await phone.waitForSelector("main h1");
    await phone.waitForTimeout(200);
    const wide = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(wide <= 1, `${name} is ${wide}px wider than the phone`);
  }
  await shot(phone, "phone-access");
  // A third dashboard open at once, past the server's two streams: it polls rather than go dark.
  await phone.waitForSelector('.live[data-live="polling"]');
  log("all checks passed");
}

let failed = false;
try {
  await main();
} catch (e) {
  failed = true;
  console.error("[e2e setup] FAILED:", e);
} finally {
  await browser?.close().catch(() => {});
  if (server) {
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
  }
  rmSync(data, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
