// Who is signed in, and the agencies and plans by id, loaded once per sign-in (and again when a
// page is asked for a plan made since).
import * as api from "./api.js";

export const session = { me: null, agencies: new Map(), plans: [] };

export function agencyName(id) {
  return session.agencies.get(id)?.name || id;
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
