// What the end-to-end scripts share: their options, the real `taskledger serve` they start over a
// fresh data directory and stop, its offline tools (the demo, tokens), headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core), signing in, screenshots, and running a script to
// an exit code with everything cleaned up whatever happened.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
export const web = resolve(here, "..");
const repo = resolve(web, "../..");

function arg(name) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

// --bin (or $TASKLEDGER_BIN; default build/server/taskledger), --web-dir (default
// clients/web/dist), and where screenshots go ($TASKLEDGER_E2E_ARTIFACTS; default e2e/artifacts).
export const bin = resolve(arg("--bin") || process.env.TASKLEDGER_BIN || join(repo, "build/server/taskledger"));
export const webDir = resolve(arg("--web-dir") || join(web, "dist"));
export const artifacts = resolve(process.env.TASKLEDGER_E2E_ARTIFACTS || join(here, "artifacts"));
mkdirSync(artifacts, { recursive: true });

export const DESKTOP = { viewport: { width: 1280, height: 900 }, locale: "vi-VN", timezoneId: "Asia/Ho_Chi_Minh" };
export const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: "vi-VN",
                       timezoneId: "Asia/Ho_Chi_Minh" };

// One script's run: its name in log lines and screenshots, its data directory, its server and
// browser.
export class Run {
  constructor(name) {
    this.name = name;
    this.data = mkdtempSync(join(tmpdir(), `taskledger-e2e-${name}-`));
    this.store = join(this.data, "store");
    this.server = null;
    this.browser = null;
    this.step = 0;
  }

  log(...args) {
    console.log(`[e2e ${this.name} ${new Date().toISOString().slice(11, 19)}]`, ...args);
  }

  // `taskledger <args>` on this run's store, its clock at `clock`.
  tool(clock, ...args) {
    return execFileSync(bin, [...args, "--data-dir", this.store, "--clock-start", clock], { encoding: "utf8" });
  }

  token(clock, ...args) {
    return this.tool(clock, "token", "create", ...args).trim().split(/\s+/).pop();
  }

  // `taskledger serve` on this run's store on a free port, its clock from `clock`, serving the
  // dashboard from --web-dir; `extra` flags appended. Resolves to its base URL once it listens.
  async serve(clock, extra = []) {
    this.server = spawn(bin, ["serve", "--data-dir", this.store, "--listen", "127.0.0.1:0", "--clock-start", clock,
      "--web-dir", webDir, ...extra], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const port = await new Promise((ok, fail) => {
      const timer = setTimeout(() => fail(new Error("the server did not start:\n" + output)), 15000);
      this.server.stdout.on("data", (chunk) => {
        output += chunk;
        const m = /listening on [^\s]+:(\d+)/.exec(output);
        if (m) {
          clearTimeout(timer);
          ok(Number(m[1]));
        }
      });
      this.server.stderr.on("data", (chunk) => { output += chunk; });
      this.server.on("exit", (code) => fail(new Error(`the server exited (${code}):\n${output}`)));
    });
    return `http://127.0.0.1:${port}`;
  }

  async launch() {
    this.browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync"],
    });
    return this.browser;
  }

  async shot(page, name) {
    this.step += 1;
    const file = join(artifacts, `${this.name}-${String(this.step).padStart(2, "0")}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    this.log("screenshot", file);
  }

  // Runs `main`, then stops the browser and the server and removes the data; exits 1 when `main`
  // failed (after a screenshot of each page still open, to see what it showed).
  async run(main) {
    let failed = false;
    try {
      await main();
      this.log("all checks passed");
    } catch (e) {
      failed = true;
      console.error(`[e2e ${this.name}] FAILED:`, e);
      for (const context of this.browser?.contexts() || []) {
        for (const page of context.pages()) await this.shot(page, "failure").catch(() => {});
      }
    } finally {
      await this.browser?.close().catch(() => {});
      if (this.server && this.server.exitCode === null) {
        const stopped = new Promise((ok) => this.server.once("exit", ok));
        this.server.kill("SIGTERM");
        await stopped;  // its files closed before the directory goes
      }
      rmSync(this.data, { recursive: true, force: true });
    }
    process.exit(failed ? 1 : 0);
  }
}

// A new page of `context`, signed in with `tokenValue` on the sign-in form. `onError` sees each
// error the page throws (default: fail the run).
export async function signIn(context, base, tokenValue, onError = (e) => { throw new Error("page error: " + e.message); }) {
  const page = await context.newPage();
  page.on("pageerror", onError);
  await page.goto(base + "/");
  await page.fill("#token", tokenValue);
  await page.click("#signin");
  await page.waitForSelector("#header nav a");
  return page;
}

// The API as a script calls it to set the scene (not what is tested): JSON in and out, any answer
// past 2xx an error naming it.
export function caller(base) {
  return async (tokenValue, method, path, body, type = "application/json") => {
    const res = await fetch(base + path, {
      method, body: body === undefined ? undefined : type === "application/json" ? JSON.stringify(body) : body,
      headers: { Authorization: "Bearer " + tokenValue, ...(body === undefined ? {} : { "Content-Type": type }) },
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : {};
  };
}
