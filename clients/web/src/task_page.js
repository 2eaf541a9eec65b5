// A task's own page (coordinators, auditors): everything about it in one place.
import { h, clear } from "./dom.js";
import { t } from "./i18n.js";

export async function renderTaskPage(el, [id]) {
  clear(el, h("h1", {}, t("task")), h("p", { class: "muted" }, id || ""));
}
