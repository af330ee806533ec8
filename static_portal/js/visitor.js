// A visitor who is not signed in (the portal, the widget) is known by a random key this browser keeps: it lets the
// API count their "Was this helpful?" once per article. It names no one and grants nothing, so localStorage is fine;
// it is made only when first needed.
import { newKey } from "./api.js";

const KEY = "tandem.visitor";
const VALID = /^[A-Za-z0-9_-]{8,64}$/; // what the API accepts

/** This browser's visitor key, made on first use; a fresh one each time when storage is blocked. */
export function visitorKey(storage = globalThis.localStorage) {
  try {
    const kept = storage?.getItem(KEY);
    if (kept && VALID.test(kept)) return kept;
    const made = newKey();
    storage?.setItem(KEY, made);
    return made;
  } catch {
    return newKey(); // storage off (privacy mode, a blocked third-party frame): counted per page view instead
  }
}
