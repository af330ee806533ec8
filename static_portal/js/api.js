// The one way pages talk to /v1. The session is the HttpOnly `tandem_session` cookie the API set
// at sign-in: page scripts never see a token, so there is nothing to steal from storage or memory.
// Every change carries X-Tandem-CSRF: 1, which a cross-site form cannot send (the API's CSRF guard).

// Requests in flight, on <html data-pending>: lets tests (and styles) know when a view has settled.
let pending = 0;
function track(delta) {
  pending += delta;
  document.documentElement.dataset.pending = String(pending);
}

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
    this.details = details || {};
  }

  /** Field errors of a 400/422: {errors: [{field, message}]}, {fields: {key: msg}} or {field: key}. */
  fieldErrors() {
    const d = this.details || {};
    const found = {};
    for (const e of Array.isArray(d.errors) ? d.errors : []) if (e && typeof e.field === "string") found[e.field] = e.message || this.message;
    if (d.fields && typeof d.fields === "object" && !Array.isArray(d.fields)) Object.assign(found, d.fields);
    if (typeof d.field === "string") found[d.field] = this.message;
    return found;
  }
}

/** Query parameters as the API reads them: empty values dropped, a list repeats its key (status_category=a&…=b). */
export function searchParams(query) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query || {})) {
    for (const one of Array.isArray(v) ? v : [v]) {
      if (one !== undefined && one !== null && one !== "") params.append(k, String(one));
    }
  }
  return params;
}

/**
 * api("GET", "/v1/items", {query: {kind: "ticket"}}) → {data, etag, status}
 * Options: body (JSON), query (a list value repeats the key), ifMatch (an ETag), ifNoneMatch (an ETag: a 304
 * answer resolves with status 304 and no data), idempotencyKey.
 */
export async function api(method, path, { body, query, ifMatch, ifNoneMatch, idempotencyKey } = {}) {
  const url = new URL(path, location.origin);
  for (const [k, v] of searchParams(query)) url.searchParams.append(k, v);
  const headers = { Accept: "application/json" };
  if (method !== "GET" && method !== "HEAD") headers["X-Tandem-CSRF"] = "1";
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (ifMatch) headers["If-Match"] = ifMatch;
  if (ifNoneMatch) headers["If-None-Match"] = ifNoneMatch;
  if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
  let res;
  track(1);
  try {
    res = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch (err) {
    track(-1);
    throw new ApiError(0, "network", "The help desk cannot be reached. Check your connection and try again.");
  }
  let data = null;
  let text = "";
  try {
    text = await res.text();
  } finally {
    track(-1);
  }
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (res.status === 304) return { data: null, etag: res.headers.get("ETag") || ifNoneMatch || null, status: 304 };
  if (!res.ok) {
    const e = (data && data.error) || {};
    throw new ApiError(res.status, e.code || "http_error", e.message || `HTTP ${res.status}`, e.details);
  }
  return { data, etag: res.headers.get("ETag"), status: res.status };
}

export const get = (path, query) => api("GET", path, { query }).then((r) => r.data);

/**
 * The file name a download's Content-Disposition gives (RFC 6266: `filename*=UTF-8''…` wins over `filename=`),
 * reduced to a plain name (no folder); `fallback` when there is none.
 */
export function fileNameFrom(disposition, fallback = "download") {
  const header = String(disposition || "");
  let name = "";
  const extended = header.match(/filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i);
  if (extended) {
    try {
      name = decodeURIComponent(extended[2].trim());
    } catch {
      name = "";
    }
  }
  if (!name) {
    const plain = header.match(/filename\s*=\s*("((?:[^"\\]|\\.)*)"|[^;]+)/i);
    if (plain) name = plain[2] !== undefined ? plain[2].replace(/\\(.)/g, "$1") : plain[1].trim();
  }
  name = [...name.split(/[/\\]/).pop()].filter((c) => c >= " ").join("").trim(); // no folders, no control characters
  return name && name !== "." && name !== ".." ? name : fallback;
}

/**
 * fetchFile("/v1/views/ID/export", {query: {format: "csv"}, accept: "text/csv"}) → {blob, name, headers}
 * A download with the session cookie (a plain link would do too, but an error must be shown, not saved as the
 * file). `accept` asks for the file's type: API Gateway answers a binary body as binary only to a request that
 * accepts its type.
 */
export async function fetchFile(path, { query, accept = "*/*", fallbackName = "download" } = {}) {
  const url = new URL(path, location.origin);
  for (const [k, v] of searchParams(query)) url.searchParams.append(k, v);
  track(1);
  try {
    let res;
    try {
      res = await fetch(url, { headers: { Accept: accept }, credentials: "same-origin", cache: "no-store" });
    } catch {
      throw new ApiError(0, "network", "The help desk cannot be reached. Check your connection and try again.");
    }
    if (!res.ok) {
      let e = {};
      try {
        e = (await res.json()).error || {};
      } catch {
        e = {};
      }
      throw new ApiError(res.status, e.code || "http_error", e.message || `HTTP ${res.status}`, e.details);
    }
    const blob = await res.blob();
    return { blob, name: fileNameFrom(res.headers.get("Content-Disposition"), fallbackName), headers: res.headers };
  } finally {
    track(-1);
  }
}


/** Every page of a list, up to `max` rows (lists are cursor-paged; boards and trees need all of a scope). */
export async function getAll(path, query = {}, max = 1000) {
  const rows = [];
  let cursor = null;
  do {
    const page = await get(path, { ...query, limit: 200, cursor });
    rows.push(...(page.items || []));
    cursor = page.next_cursor;
  } while (cursor && rows.length < max);
  return rows;
}

/** The signed-in caller, or null when the cookie is missing or expired. */
export async function me() {
  try {
    return await get("/v1/me");
  } catch (err) {
    // A customer's session while the tenant's portal is off (issue 15) is as good as none.
    if (err.status === 401 || err.status === 403 || err.code === "module_disabled") return null;
    throw err;
  }
}

export async function signIn(tenant, email, password) {
  await api("POST", "/v1/auth/login", { body: { tenant, email, password, session: true } });
}

export async function signOut() {
  try {
    await api("POST", "/v1/auth/logout", { body: {} });
  } catch {
    // Signing out must always appear to work; the cookie expires anyway.
  }
}

export function newKey() {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}
