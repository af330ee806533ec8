// Keyboard shortcuts: one table per screen (also what the "?" help dialog lists), never while the
// person is typing in a field, never with Ctrl/Alt/⌘ (those belong to the browser and screen readers).

export const LIST_SHORTCUTS = [
  { keys: ["j"], action: "next", label: "Next item" },
  { keys: ["k"], action: "previous", label: "Previous item" },
  { keys: ["Enter", "o"], action: "open", label: "Open the current item" },
  { keys: ["x"], action: "select", label: "Select or unselect the current item" },
  { keys: ["/"], action: "search", label: "Search items" },
];

export const ITEM_SHORTCUTS = [
  { keys: ["r"], action: "reply", label: "Write a public reply" },
  { keys: ["n"], action: "note", label: "Write an internal note" },
  { keys: ["a"], action: "assign", label: "Assign to me" },
];

export const GLOBAL_SHORTCUTS = [{ keys: ["?"], action: "help", label: "Show the keyboard shortcuts" }];

const TEXT_INPUTS = new Set([
  "", "text", "search", "email", "password", "number", "url", "tel", "date", "datetime-local", "month", "time", "week",
]);

/** The element takes typed text (or a list choice by letter): shortcuts stay out of its way. */
export function isTyping(el) {
  if (!el) return false;
  if (el.isContentEditable) return true;
  const tag = String(el.tagName || "").toUpperCase();
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") return TEXT_INPUTS.has(String(el.getAttribute?.("type") ?? el.type ?? "").toLowerCase());
  return false;
}

/** The action bound to a key event, or null (typing, a modifier held, a key used by a focused control). */
export function actionFor(event, table) {
  if (!event || event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return null;
  if (event.isComposing || isTyping(event.target)) return null;
  const tag = String(event.target?.tagName || "").toUpperCase();
  // Enter on a link or button already does what it says; Space and letters on buttons are theirs too.
  if (event.key === "Enter" && (tag === "A" || tag === "BUTTON" || tag === "SUMMARY")) return null;
  const hit = table.find((s) => s.keys.includes(event.key));
  return hit ? hit.action : null;
}

/** Listen on `target` (the document) for the table's keys; handlers[action](event). Returns a function that stops. */
export function bindKeys(target, table, handlers) {
  const onKey = (event) => {
    const action = actionFor(event, table);
    if (!action || !handlers[action]) return;
    event.preventDefault();
    handlers[action](event);
  };
  target.addEventListener("keydown", onKey);
  return () => target.removeEventListener("keydown", onKey);
}

/** Next index when moving through `count` rows: clamps at both ends; -1 (nothing current) starts at the top. */
export function step(index, delta, count) {
  if (count <= 0) return -1;
  if (index < 0) return delta > 0 ? 0 : count - 1;
  return Math.max(0, Math.min(count - 1, index + delta));
}
