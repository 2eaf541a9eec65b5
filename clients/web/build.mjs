// Builds dist/: the page's own files from src/, and Chart.js from node_modules (its UMD bundle, so
// the page needs no bundler). `taskledger serve` serves dist/ at "/" (--web-dir).
import { cpSync, mkdirSync, rmSync, readFileSync, writeFileSync, readdirSync, statSync } from "node:fs";
import { createHash } from "node:crypto";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");
rmSync(dist, { recursive: true, force: true });
cpSync(join(here, "src"), dist, { recursive: true });
mkdirSync(join(dist, "vendor"), { recursive: true });
const chart = join(here, "node_modules", "chart.js");
const version = JSON.parse(readFileSync(join(chart, "package.json"), "utf8")).version;
// Chart.js under a name fingerprinted by its content, so browsers keep it for a year; the report
// page is told the name.
const chartBytes = readFileSync(join(chart, "dist", "chart.umd.min.js"));
const chartName = `chart.${createHash("sha256").update(chartBytes).digest("hex").slice(0, 12)}.umd.js`;
writeFileSync(join(dist, "vendor", chartName), chartBytes);
const report = join(dist, "report.js");
writeFileSync(report, readFileSync(report, "utf8").replace('"vendor/chart.umd.js"', `"vendor/${chartName}"`));
cpSync(join(chart, "LICENSE.md"), join(dist, "vendor", "chart.js-LICENSE.md"));
writeFileSync(join(dist, "build.json"), JSON.stringify({ chart_js: version, chart_file: chartName, built_at: new Date().toISOString() }) + "\n");

// Each text file also as brotli and gzip, which the server sends to browsers that take them.
let raw = 0, packed = 0;
const compress = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) compress(path);
    else if (/\.(js|css|html|svg|json|md)$/.test(name)) {
      const bytes = readFileSync(path);
      const br = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
      writeFileSync(path + ".br", br);
      writeFileSync(path + ".gz", gzipSync(bytes, { level: 9 }));
      raw += bytes.length;
      packed += br.length;
    }
  }
};
compress(dist);
console.log(`built ${dist} (Chart.js ${version}; ${raw} bytes of text, ${packed} as brotli)`);
