// Builds dist/: the page's own files from src/, and Chart.js from node_modules (its UMD bundle, so
// the page needs no bundler). `taskledger serve` serves dist/ at "/" (--web-dir).
import { cpSync, mkdirSync, rmSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");
rmSync(dist, { recursive: true, force: true });
cpSync(join(here, "src"), dist, { recursive: true });
mkdirSync(join(dist, "vendor"), { recursive: true });
const chart = join(here, "node_modules", "chart.js");
const version = JSON.parse(readFileSync(join(chart, "package.json"), "utf8")).version;
cpSync(join(chart, "dist", "chart.umd.min.js"), join(dist, "vendor", "chart.umd.js"));
cpSync(join(chart, "LICENSE.md"), join(dist, "vendor", "chart.js-LICENSE.md"));
writeFileSync(join(dist, "build.json"), JSON.stringify({ chart_js: version, built_at: new Date().toISOString() }) + "\n");
console.log(`built ${dist} (Chart.js ${version})`);
