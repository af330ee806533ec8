// Hash routes ("#/items/T-1?tab=activity"): work on any static file server, and the magic-link
// mail's "#/signin?token=…" never reaches a server log because fragments are not sent.

export function currentRoute() {
  const raw = location.hash.replace(/^#/, "") || "/";
  const [path, qs = ""] = raw.split("?");
  const parts = path.split("/").filter(Boolean).map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
  return { path, parts, params: new URLSearchParams(qs) };
}

export function href(path, params) {
  const qs = params ? new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== "")).toString() : "";
  return `#${path}${qs ? `?${qs}` : ""}`;
}

export function go(path, params) {
  const next = href(path, params);
  if (location.hash === next) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else location.hash = next;
}

/** Routes: [[/^\/items\/([^/]+)$/, handler], …]; handler(match, route). */
export function startRouter(routes, fallback) {
  const run = () => {
    const route = currentRoute();
    for (const [re, handler] of routes) {
      const m = route.path.match(re);
      if (m) return handler(m.slice(1).map((x) => (x === undefined ? x : safeDecode(x))), route);
    }
    return fallback(route);
  };
  window.addEventListener("hashchange", run);
  run();
}

function safeDecode(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
