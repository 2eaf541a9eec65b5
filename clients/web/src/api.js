// The public API, as the page uses it: requests with the tab's token, problems as errors, uploads
// with progress, downloads, and the live event stream.

import { lang } from "./i18n.js";

const TOKEN_KEY = "taskledger.token";

// The token lives in this tab (sessionStorage), or on this device when the user asked for it.
export function token() {
  return sessionStorage.getItem(TOKEN_KEY) || localStorage.getItem(TOKEN_KEY) || "";
}
export function setToken(value, remember = false) {
  sessionStorage.removeItem(TOKEN_KEY);
  localStorage.removeItem(TOKEN_KEY);
  if (value) (remember ? localStorage : sessionStorage).setItem(TOKEN_KEY, value);
}

// An answer the server refused: `problem` is its problem+json body.
export class ApiError extends Error {
  constructor(status, problem) {
    const where = problem?.errors?.length
      ? " (" + problem.errors.map((e) => [e.field, e.row && `row ${e.row}`, e.column].filter(Boolean).join(" ")).join("; ") + ")"
      : "";
    super(problem?.code ? problem.detail : (problem?.detail || problem?.title || `HTTP ${status}`) + where);
    this.status = status;
    this.problem = problem;
  }
}

function headers(extra = {}) {
  const h = { "Accept-Language": lang() === "en" ? "en" : "vi", ...extra };
  if (token()) h.Authorization = "Bearer " + token();
  return h;
}

async function check(res) {
  if (res.ok) return res;
  let problem = null;
  try {
    problem = await res.json();
  } catch {
    problem = { title: res.statusText };
  }
  if (res.status === 401) window.dispatchEvent(new CustomEvent("taskledger:unauthorized"));
  throw new ApiError(res.status, problem);
}

export async function get(path) {
  const res = await check(await fetch(path, { headers: headers() }));
  return res.json();
}

export async function send(method, path, body) {
  const init = { method, headers: headers() };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const res = await check(await fetch(path, init));
  const text = await res.text();
  return text ? JSON.parse(text) : {};
}
export const post = (path, body = {}) => send("POST", path, body);

// A file upload as multipart/form-data; `onProgress(fraction)` as the bytes go out.
export function upload(path, fields, file, onProgress) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) if (v) form.append(k, v);
    form.append("file", file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    xhr.setRequestHeader("Authorization", "Bearer " + token());
    xhr.setRequestHeader("Accept-Language", lang() === "en" ? "en" : "vi");
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {}
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve(body);
      } else {
        reject(new ApiError(xhr.status, body));
      }
    };
    xhr.onerror = () => reject(new ApiError(0, { title: "network error" }));
    xhr.send(form);
  });
}

// Fetches `path` with the token and hands the browser the file (CSV, deliverables).
export async function download(path, fallbackName) {
  const res = await check(await fetch(path, { headers: headers() }));
  const blob = await res.blob();
  const disposition = res.headers.get("Content-Disposition") || "";
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  const plain = /filename="([^"]+)"/i.exec(disposition);
  const name = star ? decodeURIComponent(star[1]) : plain ? plain[1] : fallbackName;
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

// Opens an HTML document the API renders (the printable report) in a new tab.
export async function openDocument(path) {
  const win = window.open("", "_blank");
  const res = await check(await fetch(path, { headers: headers() }));
  const blob = new Blob([await res.text()], { type: "text/html;charset=utf-8" });
  const url = URL.createObjectURL(blob);
  if (win) win.location.href = url;
  else window.location.href = url;
}

// The live log (GET /v1/events/stream, Server-Sent Events) read with fetch, which, unlike
// EventSource, can send the token. Reconnects with Last-Event-ID after a drop. `onEvent(event)`
// for each event; `onState("live" | "polling" | "offline")`. When the server has no room for
// another stream (503), the page polls instead: `onEvent(null)` every 30 s, which pages answer
// by asking again (their lists revalidate with ETags, so an unchanged one costs a 304); the
// stream is tried again every few minutes. Returns a function that stops it.
export function subscribe(onEvent, onState) {
  let stopped = false;
  let last = "";
  let controller = null;
  let delay = 1000;
  const run = async () => {
    while (!stopped) {
      controller = new AbortController();
      try {
        const h = headers({ Accept: "text/event-stream" });
        if (last) h["Last-Event-ID"] = last;
        const res = await fetch(last ? "/v1/events/stream" : "/v1/events/stream?from=head", {
          headers: h, signal: controller.signal, cache: "no-store",
        });
        if (res.status === 503) {
          // No room: poll for a while, then try for a stream again.
          onState("polling");
          const until = Date.now() + 5 * 60 * 1000;
          while (!stopped && Date.now() < until) {
            await new Promise((r) => setTimeout(r, 30000));
            if (!stopped) onEvent(null);
          }
          continue;
        }
        if (!res.ok || !res.body) throw new Error("stream " + res.status);
        onState("live");
        delay = 1000;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = { id: "", type: "message", data: "" };
            for (const line of block.split("\n")) {
              if (line.startsWith("id:")) event.id = line.slice(3).trim();
              else if (line.startsWith("event:")) event.type = line.slice(6).trim();
              else if (line.startsWith("data:")) event.data += line.slice(5).trim();
            }
            if (event.id) last = event.id;
            if (event.data) {
              try {
                onEvent({ ...event, data: JSON.parse(event.data) });
              } catch {}
            }
          }
        }
      } catch (e) {
        if (stopped) return;
      }
      if (stopped) return;
      onState("offline");
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 30000);
    }
  };
  run();
  return () => {
    stopped = true;
    controller?.abort();
  };
}
