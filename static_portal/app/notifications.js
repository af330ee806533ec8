// The notification bell: a button that says how many are unread ("Notifications, 3 unread") and a
// dialog listing the newest ones (mentions, assignments, customer replies, timesheet decisions with the reason of a
// rejection); opening one marks it read.
import { api, get } from "../js/api.js";
import { h, notice, formatDate } from "../js/dom.js";
import { go } from "../js/router.js";

const WHAT = {
  mention: "mentioned you on",
  assigned: "assigned you",
  customer_reply: "replied on",
  timer_stopped: "stopped your timer on",
  timesheet_approved: "approved your timesheet on",
  timesheet_rejected: "rejected your timesheet on",
  join_requested: "asks to join",
  join_approved: "approved your request to join",
  join_declined: "declined your request to join",
};

/** "Dana mentioned you on T-12" (the title follows on its own line). */
export function notificationText(n) {
  const who = n.actor?.name || "Someone";
  if (n.project_id) return `${who} ${WHAT[n.kind] || "updated"} a project`;
  return `${who} ${WHAT[n.kind] || "updated"} ${n.item_ref || "an item"}`;
}

/** Where a notification leads: its item, or the project of a join request. */
export const notificationRoute = (n) => (n.project_id ? `/projects/${encodeURIComponent(n.project_id)}` : `/items/${encodeURIComponent(n.item_ref || "")}`);

export const bellLabel = (unread) => (unread > 0 ? `Notifications, ${unread} unread` : "Notifications, none unread");

/** A bell drawn in SVG (no emoji font is needed; built with the DOM, so the CSP has nothing to allow). */
function bellIcon() {
  const NS = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(NS, "svg");
  for (const [k, v] of Object.entries({ viewBox: "0 0 24 24", width: "20", height: "20", "aria-hidden": "true", focusable: "false", class: "icon" })) svg.setAttribute(k, v);
  const path = document.createElementNS(NS, "path");
  path.setAttribute("d", "M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2z");
  path.setAttribute("fill", "currentColor");
  svg.append(path);
  return svg;
}

export function createBell() {
  let unread = 0;
  const count = h("span", { class: "bell-count", "aria-hidden": "true", hidden: true });
  const button = h("button", { type: "button", class: "bell", "aria-haspopup": "dialog", "aria-expanded": "false", "aria-label": bellLabel(0) },
    bellIcon(), count);
  const list = h("ul", { class: "notifications" });
  const out = h("div", { "aria-live": "polite" });
  const markAll = h("button", { type: "button", class: "secondary", text: "Mark all as read" });
  const close = h("button", { type: "button", class: "secondary", text: "Close" });
  const dialog = h("dialog", { class: "notifications-panel", "aria-labelledby": "notifications-title" },
    h("div", { class: "row panel-head" }, h("h2", { id: "notifications-title", text: "Notifications" }), h("span", { class: "spacer" }), markAll, close),
    out, list);

  const setUnread = (n) => {
    unread = Math.max(0, Number(n) || 0);
    button.setAttribute("aria-label", bellLabel(unread));
    count.textContent = unread > 99 ? "99+" : String(unread);
    count.hidden = unread === 0;
  };

  const markRead = async (body) => {
    try {
      const { data } = await api("POST", "/v1/notifications/read", { body });
      setUnread(data?.unread ?? unread);
    } catch (err) {
      out.replaceChildren(notice("error", err.message));
    }
  };

  const row = (n) => h("li", { class: n.read ? "read" : "unread", dataset: { id: n.id } },
    h("a", {
      href: `#${notificationRoute(n)}`,
      onclick: async (e) => {
        e.preventDefault();
        if (!n.read) await markRead({ ids: [n.id] });
        dialog.close();
        go(notificationRoute(n));
      },
    },
    n.read ? null : h("span", { class: "sr-only", text: "Unread: " }),
    h("span", { class: "what", text: notificationText(n) }),
    h("span", { class: "title", text: n.item_title || "" }),
    n.detail ? h("span", { class: "detail", text: n.detail }) : null),
    h("time", { class: "muted", datetime: n.created_at, text: formatDate(n.created_at) }));

  const load = async () => {
    out.replaceChildren();
    try {
      const page = await get("/v1/notifications", { limit: 30 });
      setUnread(page.unread ?? unread);
      const items = page.items || [];
      list.replaceChildren(...(items.length ? items.map(row) : [h("li", { class: "muted", text: "Nothing yet." })]));
      markAll.disabled = !items.some((n) => !n.read);
    } catch (err) {
      out.replaceChildren(notice("error", err.message));
    }
  };

  button.addEventListener("click", async () => {
    button.setAttribute("aria-expanded", "true");
    dialog.showModal();
    await load();
  });
  dialog.addEventListener("close", () => {
    button.setAttribute("aria-expanded", "false");
    button.focus();
  });
  close.addEventListener("click", () => dialog.close());
  markAll.addEventListener("click", async () => {
    await markRead({ all: true });
    await load();
  });

  return {
    elements: [button, dialog],
    setUnread,
    /** Called on every live change: an open panel shows the news at once. */
    refresh: () => (dialog.open ? load() : null),
  };
}
