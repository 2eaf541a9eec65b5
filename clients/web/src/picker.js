// An agency picker: type part of a name (or an alias; diacritics optional), choose from the
// matches, see the chosen as chips. People never type ids. `picker.ids()` gives the choice; a
// hidden input named `name` carries it, so a refusal naming that field lands beside the picker.
import { h, clear } from "./dom.js";
import { t } from "./i18n.js";
import { session, agencyLabel } from "./session.js";

// A name as searches compare it: diacritics, "đ" and case aside.
export const fold = (s) => (s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();

export function agencyPicker(name, selected = [], { label } = {}) {
  let chosen = [...selected];
  const hidden = h("input", { type: "hidden", name });
  const chips = h("span", { class: "chips" });
  const input = h("input", { type: "search", class: "picker-input", placeholder: t("pick_agency"), autocomplete: "off", "aria-label": label || t("pick_agency") });
  const options = h("ul", { class: "picker-options", role: "listbox", hidden: true });
  const box = h("div", { class: "picker", "data-picker": name }, chips, input, options, hidden);

  const draw = () => {
    hidden.value = chosen.join(",");
    clear(chips, chosen.map((id) => h("span", { class: "chip", "data-id": id }, agencyLabel(id),
      h("button", { type: "button", class: "chip-x", "aria-label": "×", onclick: () => { chosen = chosen.filter((x) => x !== id); draw(); } }, "×"))));
  };
  const add = (id) => {
    if (!chosen.includes(id)) chosen.push(id);
    input.value = "";
    options.hidden = true;
    draw();
    input.focus();
  };
  const suggest = () => {
    const q = fold(input.value.trim());
    if (!q) {
      options.hidden = true;
      return;
    }
    const matches = [...session.agencies.values()].filter((a) => !chosen.includes(a.id) &&
      [a.name, a.name_en, ...(a.aliases || [])].some((n) => fold(n).includes(q))).slice(0, 12);
    // Names shared by several provinces' agencies say whose each is.
    clear(options, matches.map((a) => h("li", { role: "option", tabindex: -1, "data-id": a.id,
      onmousedown: (e) => { e.preventDefault(); add(a.id); } }, agencyLabel(a.id))));
    options.hidden = !matches.length;
  };
  input.addEventListener("input", suggest);
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      const first = options.querySelector("li");
      if (!options.hidden && first) add(first.dataset.id);
    } else if (e.key === "Escape") {
      options.hidden = true;
    }
  });
  input.addEventListener("blur", () => setTimeout(() => { options.hidden = true; }, 150));
  draw();
  box.ids = () => [...chosen];
  return box;
}
