// The caller's timer as a card: on an item (Start timer here; the API pauses a timer running elsewhere and the
// card says so) and on the week screen (the running or paused timer, whatever its item). Pause / Resume / Stop;
// the clock ticks every second from what the API last said; Stop opens the timesheet form prefilled with the
// draft the API answers, to save as a draft or submit. On an item the card also says the time spent on it
// (`GET /v1/items/{ref}/time`, left out while the API does not answer it).
import { h, notice } from "../js/dom.js";
import { elapsedNow, formatElapsed, formatMinutes } from "./time_model.js";
import { currentTimer, itemInfo, itemTime, listTimers, startTimer, timerAction, timerFor } from "./time_api.js";
import { sheetForm } from "./timesheet_form.js";

const TICK_MS = 1000;
const itemLink = (ref) => h("a", { href: `#/items/${encodeURIComponent(ref)}`, text: ref });

/**
 * timerCard({item?, onSheet?}) → {element, refresh(), dispose()}
 * item: {ref, title, kind} of the item view (null on the week screen). onSheet({sheet, submitted}) runs after
 * the stopped time was saved (the item view reloads: a submitted sheet may have changed its status).
 */
export function timerCard({ item = null, onSheet } = {}) {
  let timer = null;
  let readAt = 0;
  let busy = false;
  const clock = h("span", { role: "timer", class: "clock", "aria-label": "Elapsed time", text: "0:00:00" });
  const status = h("p", { class: "timer-state" });
  const controls = h("div", { class: "row timer-controls" });
  const spent = h("p", { class: "time-spent", hidden: true });
  const flash = h("div", { "aria-live": "polite" });
  const draftBox = h("div", {});
  const say = (n) => flash.replaceChildren(n || "");
  const element = h("section", { class: "card timer-card", "aria-labelledby": "timer-title" },
    h("h2", { id: "timer-title", text: item ? "Time" : "Timer" }), spent, status, controls, flash, draftBox);

  const here = () => timer && (!item || timer.item_ref === item.ref);
  const tick = () => {
    clock.textContent = formatElapsed(elapsedNow(timer, readAt));
  };
  const button = (text, onclick, cls) => h("button", { type: "button", class: cls, text, onclick: () => act(onclick) });

  const draw = () => {
    tick();
    const mine = here();
    const elsewhere = timer && !mine ? timer : null;
    status.replaceChildren(...(mine
      ? [timer.state === "running" ? "Running" : "Paused", !item ? [" on ", itemLink(timer.item_ref)] : null, ": ", clock]
      : elsewhere ? [`Your timer on `, itemLink(elsewhere.item_ref), ` is ${elsewhere.state}.`]
        : [item ? "No timer runs on this item." : "No timer is running. Start one from an item."]).flat().filter(Boolean));
    const bits = [];
    if (mine) {
      bits.push(timer.state === "running" ? button("Pause", () => timerAction(timer.id, "pause")) : button("Resume", () => timerAction(timer.id, "resume")));
      bits.push(button("Stop", stop, "secondary"));
    } else if (item) {
      bits.push(button("Start timer", start));
    }
    controls.replaceChildren(...bits);
  };

  const show = (t) => {
    timer = t && t.state !== "stopped" ? t : null;
    readAt = Date.now();
    draw();
  };

  async function act(run) {
    if (busy) return;
    busy = true;
    say(null);
    try {
      const result = await run();
      if (result && result.id) show(result);
    } catch (err) {
      say(notice("error", err.status === 409 ? "The timer changed meanwhile (another window?); it is up to date now." : err.message));
      busy = false;
      await refresh().catch(() => {});
    } finally {
      busy = false;
    }
  }

  async function start() {
    const before = timer && timer.state === "running" && timer.item_ref !== item.ref ? timer.item_ref : null;
    const started = await startTimer(item.ref);
    if (before) say(h("p", { class: "notice info", role: "status" }, "Your timer on ", itemLink(before), " is paused."));
    return started;
  }

  async function stop() {
    const { draft } = await timerAction(timer.id, "stop");
    show(null);
    const target = item && draft.item_ref === item.ref ? item : (await itemInfo(draft.item_ref)) || { ref: draft.item_ref, kind: "" };
    draftBox.replaceChildren(sheetForm({
      item: target,
      initial: draft,
      title: `Time on ${target.ref}: stopped at ${formatMinutes(draft.minutes)}`,
      onCancel: () => {
        if (confirm("Discard this time? It is not saved anywhere else.")) draftBox.replaceChildren();
      },
      onDone: (result) => {
        draftBox.replaceChildren();
        say(result.error
          ? notice("error", `Saved as a draft, but not submitted: ${result.error.message}`)
          : notice("ok", result.submitted ? "Time submitted for approval." : "Time saved as a draft."));
        loadSpent();
        onSheet?.(result);
      },
    }));
    draftBox.querySelector("input[name='duration']")?.focus();
    return null;
  }

  async function loadSpent() {
    if (!item) return;
    const t = await itemTime(item.ref).catch(() => null);
    spent.hidden = !t;
    if (t) spent.textContent = `Time spent: ${formatMinutes(t.minutes)} (${formatMinutes(t.billable_minutes)} billable, ${t.count} ${t.count === 1 ? "timesheet" : "timesheets"})`;
  }

  async function refresh() {
    const mine = item ? listTimers().then((all) => timerFor(all, item.ref)) : currentTimer();
    const [t] = await Promise.all([mine, loadSpent()]);
    if (!busy) show(t);
  }

  const ticking = setInterval(() => timer?.state === "running" && tick(), TICK_MS);
  draw();
  return {
    element,
    refresh,
    dispose: () => clearInterval(ticking),
  };
}
