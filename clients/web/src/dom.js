// Building the page from data without ever parsing data as HTML: h("p", {class: "x"}, "text").

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k === "value") el.value = v;
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// A labelled form field.
export function field(label, input) {
  return h("label", { class: "field" }, h("span", {}, label), input);
}

// A short message that fades: success or error.
export function toast(text, kind = "ok") {
  const box = document.getElementById("toasts");
  const el = h("div", { class: "toast " + kind, role: kind === "error" ? "alert" : "status" }, text);
  box.append(el);
  while (box.children.length > 3) box.firstChild.remove();  // the latest few, not a pile
  setTimeout(() => el.remove(), kind === "error" ? 8000 : 4000);
}

// Runs `fn`, showing its error (ApiError messages name the field) instead of throwing.
export async function attempt(fn, okText) {
  try {
    const r = await fn();
    if (okText) toast(okText);
    return r;
  } catch (e) {
    toast(e.message || String(e), "error");
    return undefined;
  }
}

export function badge(text, kind) {
  return h("span", { class: "badge " + (kind || "") }, text);
}

// Runs `fn` for `form`: a refusal that names fields is shown beside each of them (and the first
// focused), the rest as a toast. Messages come worded in the page's language (Accept-Language).
export async function attemptForm(form, fn, okText) {
  for (const old of form.querySelectorAll(".field-error")) old.remove();
  for (const bad of form.querySelectorAll("[aria-invalid]")) bad.removeAttribute("aria-invalid");
  try {
    const r = await fn();
    if (okText) toast(okText);
    return r;
  } catch (e) {
    let placed = 0;
    for (const item of e.problem?.errors || []) {
      const name = (item.field || "").replace(/\[\d+\]$/, "").replace(/^deliverable\./, "");
      const input = name && form.querySelector(`[name="${CSS.escape(name)}"]`);
      if (!input) continue;
      input.setAttribute("aria-invalid", "true");
      const note = h("p", { class: "field-error", role: "alert" }, item.message);
      (input.closest(".field") || input).after(note);
      if (placed++ === 0) input.focus();
    }
    if (!placed) toast(e.problem?.detail || e.message || String(e), "error");
    return undefined;
  }
}
