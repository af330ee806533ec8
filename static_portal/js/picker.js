// A search-as-you-type list of choices: a status line and one button per result. The latest search wins (an older
// answer arriving late is dropped); typing waits a moment before searching; Enter searches at once and never
// submits the form the picker sits in.
import { h } from "./dom.js";

const WAIT_MS = 250;

/**
 * searchList({input, label, find(words), text(choice), empty(words), onPick(choice)}) → {status, results, search}
 * `find` answers the choices for the words typed; `empty` says what an empty answer means.
 */
export function searchList({ input, label, find, text, empty, onPick }) {
  const results = h("ul", { class: "picker-results", "aria-label": label });
  const status = h("p", { class: "muted", role: "status" });
  let turn = 0;
  let wait = null;
  const search = async () => {
    const mine = ++turn;
    try {
      const found = await find(input.value.trim());
      if (mine !== turn) return;
      status.textContent = found.length ? "" : empty(input.value.trim());
      results.replaceChildren(...found.map((choice) => h("li", {},
        h("button", { type: "button", class: "link", text: text(choice), onclick: () => onPick(choice) }))));
    } catch (err) {
      if (mine === turn) status.textContent = err.message;
    }
  };
  input.addEventListener("input", () => {
    clearTimeout(wait);
    wait = setTimeout(search, WAIT_MS);
  });
  input.addEventListener("keydown", (e) => {
    if (e.key !== "Enter") return;
    e.preventDefault();
    clearTimeout(wait);
    search();
  });
  return { status, results, search };
}
