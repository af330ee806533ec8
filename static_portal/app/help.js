// The "?" dialog: every keyboard shortcut of the workspace, from the same tables the screens bind.
import { h } from "../js/dom.js";
import { GLOBAL_SHORTCUTS, LIST_SHORTCUTS, ITEM_SHORTCUTS } from "../js/keys.js";

const keyLabel = (k) => ({ Enter: "Enter", "/": "/", "?": "?" })[k] || k;

function section(title, table) {
  return h("section", {},
    h("h3", { text: title }),
    h("dl", { class: "shortcuts" }, table.map((s) => [
      h("dt", {}, s.keys.map((k, i) => [i ? " or " : null, h("kbd", { text: keyLabel(k) })])),
      h("dd", { text: s.label }),
    ])));
}

export function createHelp() {
  const close = h("button", { type: "button", class: "secondary", text: "Close" });
  const dialog = h("dialog", { class: "help-dialog", "aria-labelledby": "shortcuts-title" },
    h("div", { class: "row panel-head" }, h("h2", { id: "shortcuts-title", text: "Keyboard shortcuts" }), h("span", { class: "spacer" }), close),
    h("p", { class: "help", text: "Shortcuts work when you are not typing in a field." }),
    section("Everywhere", GLOBAL_SHORTCUTS),
    section("Item list", LIST_SHORTCUTS),
    section("Item", ITEM_SHORTCUTS));
  close.addEventListener("click", () => dialog.close());
  return {
    element: dialog,
    open() {
      if (!dialog.open) dialog.showModal();
      close.focus();
    },
  };
}
