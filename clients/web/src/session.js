// Who is signed in, and the agencies and plans by id, loaded once per sign-in (and again when a
// page is asked for a plan made since).
import * as api from "./api.js";

export const session = { me: null, agencies: new Map(), plans: [] };

export function agencyName(id) {
  return session.agencies.get(id)?.name || id;
}

// The province or city an agency is in, from its name or its parents' ("Ủy ban nhân dân thành phố
// Hải Phòng" -> "Hải Phòng"); else its parent's name; "" at the top.
export function agencyPlace(id) {
  let a = session.agencies.get(id);
  for (let depth = 0; a && depth < 8; depth++, a = session.agencies.get(a.parent)) {
    const m = /(?:thành phố|Thành phố|tỉnh|Tỉnh) (.+)$/.exec(a.name);
    if (m) return m[1];
  }
  const parent = session.agencies.get(session.agencies.get(id)?.parent);
  return parent ? parent.name : "";
}

// An agency's name, with whose it is when another agency has the same name ("Sở Giáo dục và Đào
// tạo (Bắc Kạn)"): wherever people pick or read agencies of several provinces.
export function agencyLabel(id) {
  const a = session.agencies.get(id);
  if (!a) return id;
  const folded = a.name.toLocaleLowerCase("vi");
  let twins = 0;
  for (const other of session.agencies.values()) twins += other.name.toLocaleLowerCase("vi") === folded;
  if (twins < 2) return a.name;
  const place = agencyPlace(id);
  return place ? `${a.name} (${place})` : a.name;
}

// The plan a page shows: the one in the route, else the last one used, else one the caller's
// own department issued, else the first.
export function pickPlan(requested) {
  const ids = session.plans.map((p) => p.id);
  const remembered = sessionStorage.getItem("taskledger.plan");
  const own = session.me?.agency && session.plans.find((p) => p.authority === session.me.agency)?.id;
  const id = [requested, remembered, own, ids[0]].find((x) => x && ids.includes(x));
  if (id) sessionStorage.setItem("taskledger.plan", id);
  return session.plans.find((p) => p.id === id);
}

// pickPlan, after fetching the plans again when `requested` is one this tab has not seen yet.
export async function pickPlanFresh(requested) {
  if (requested && !session.plans.some((p) => p.id === requested)) {
    session.plans = (await api.get("/v1/plans")).items;
  }
  return pickPlan(requested);
}
