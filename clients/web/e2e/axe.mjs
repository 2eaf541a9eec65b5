// Accessibility checks with axe-core, run inside the page through the DevTools protocol (so the
// page's strict CSP stays on): every rule axe runs by default, WCAG 2 A/AA and best practices.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const source = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

// Fails with the violations listed when axe finds any on `page` as it is now.
export async function checkA11y(page, name) {
  await page.evaluate(`${source}\n;0`);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ") + " — " + (n.failureSummary || "").split("\n").slice(1, 2).join("")),
      count: v.nodes.length,
    }));
  });
  if (violations.length) {
    const text = violations.map((v) => `  ${v.id} (${v.impact}, ${v.count} nodes): ${v.help}\n    ${v.nodes.join("\n    ")}`).join("\n");
    throw new Error(`axe-core found ${violations.length} violation(s) on ${name}:\n${text}`);
  }
}
