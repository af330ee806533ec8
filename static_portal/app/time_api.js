// The time screens' requests: the caller's timer, timesheets, the time spent on an item and the approval queue.
// Two of them are newer than the rest of the API (`GET /v1/items/{ref}/time`, the `approvable` filter): each
// works against an API that does not know them yet, so the screens never depend on the order of deployment.
import { api, get, getAll, newKey } from "../js/api.js";
import { cached } from "./lookups.js";

const enc = encodeURIComponent;

/** The caller's running timer, else their last paused one, else null. */
export const currentTimer = () => get("/v1/timers/current").then((r) => r.timer || null);

/** The caller's unstopped timers, the running one first: an item's page resumes the one paused on it. */
export const listTimers = () => get("/v1/timers").then((r) => r.items);

/** On an item: the caller's timer on that item (running or paused), else their running one elsewhere, else null. */
export const timerFor = (timers, ref) => timers.find((t) => t.item_ref === ref) || timers.find((t) => t.state === "running") || null;

export const startTimer = (itemRef) => api("POST", "/v1/timers", { body: { item_ref: itemRef } }).then((r) => r.data);

/** verb: pause | resume | stop (stop answers {timer, draft}). */
export const timerAction = (id, verb) => api("POST", `/v1/timers/${enc(id)}/${verb}`, { body: {} }).then((r) => r.data);

/** {minutes, billable_minutes, count} of the item, or null while the API has no such endpoint (or hides it). */
export async function itemTime(ref) {
  try {
    return await get(`/v1/items/${enc(ref)}/time`);
  } catch (err) {
    if ([403, 404, 405].includes(err.status)) return null;
    throw err;
  }
}

/** One item's ref, title and kind for a timesheet row; null when the caller may not see it (any more). */
export function itemInfo(ref) {
  return cached(`time-item:${ref}`, () => get(`/v1/items/${enc(ref)}`)).then(
    (item) => ({ ref: item.ref, title: item.title, kind: item.kind, status: item.status }),
    () => null,
  );
}

/** Items of many rows, asked once each: {ref: info|null}. */
export async function itemInfos(refs) {
  const unique = [...new Set(refs)];
  const infos = await Promise.all(unique.map(itemInfo));
  return Object.fromEntries(unique.map((r, i) => [r, infos[i]]));
}

export const weekSheets = (userId, week) => getAll("/v1/timesheets", { user_id: userId, from: week.start, to: week.end }, 1000);

/** Create a draft (one idempotency key per form, so a double click or a retry makes one) and submit it if asked. */
export async function createSheet(body, { submit = false, key = newKey() } = {}) {
  const sheet = (await api("POST", "/v1/timesheets", { body, idempotencyKey: key })).data;
  return submit ? submitSheet(sheet.id) : sheet;
}

export const updateSheet = (id, patch) => api("PATCH", `/v1/timesheets/${enc(id)}`, { body: patch }).then((r) => r.data);
export const deleteSheet = (id) => api("DELETE", `/v1/timesheets/${enc(id)}`);
export const submitSheet = (id) => api("POST", `/v1/timesheets/${enc(id)}/submit`, { body: {} }).then((r) => r.data);
export const approveSheet = (id) => api("POST", `/v1/timesheets/${enc(id)}/approve`, { body: {} }).then((r) => r.data);
export const rejectSheet = (id, reason) => api("POST", `/v1/timesheets/${enc(id)}/reject`, { body: { reason } }).then((r) => r.data);

/** The API refused a query key it does not know (a 400/422 naming it), rather than anything else. */
const refusedKey = (err, key) => [400, 422].includes(err.status) && (Object.keys(err.fieldErrors()).some((f) => f.startsWith(key)) || String(err.message).includes(key));

/**
 * The submitted timesheets the caller may decide: `approvable=true` asks the API to choose them. An API that does
 * not know the key either ignores it (the list then holds every submitted sheet the caller may read) or refuses it:
 * then the list is asked without it. Either way the screen keeps only the rows `mayDecide` allows.
 */
export async function approvable() {
  const query = { state: "submitted", approvable: true };
  try {
    return await getAll("/v1/timesheets", query, 1000);
  } catch (err) {
    if (!refusedKey(err, "approvable")) throw err;
    return getAll("/v1/timesheets", { state: "submitted" }, 1000);
  }
}
