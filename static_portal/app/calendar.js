// Calendar of a project (#/calendar?project_id=…&view=month|week&date=YYYY-MM-DD): each item's plan as a
// draggable, resizable bar and what really happened as a second, fixed one. Dropping a plan elsewhere PATCHes
// planned_start/planned_finish with If-Match; a refused change goes back where it was.
// The grid is FullCalendar 5 (vendored in /vendor/fullcalendar-5.11.5/, MIT), loaded when the calendar opens.
import { h, notice } from "../js/dom.js";
import { href } from "../js/router.js";
import { defineView } from "../js/view.js";
import { page } from "./state.js";
import * as look from "./lookups.js";
import * as plan from "./planning_model.js";
import { legend, loadSchedule, projectPicker, saveError, savePlan } from "./planning_common.js";

const VENDOR = "/vendor/fullcalendar-5.11.5";
const VIEWS = { month: "dayGridMonth", week: "dayGridWeek" };
let library = null;

/** FullCalendar's script and stylesheet, added to the page once (both from our own origin: CSP 'self'). */
function loadLibrary() {
  if (window.FullCalendar) return Promise.resolve(window.FullCalendar);
  library ||= new Promise((resolve, reject) => {
    document.head.append(h("link", { rel: "stylesheet", href: `${VENDOR}/main.csp.min.css` }));
    const script = h("script", { src: `${VENDOR}/main.min.js` });
    script.addEventListener("load", () => resolve(window.FullCalendar));
    script.addEventListener("error", () => {
      library = null;
      reject(new Error("The calendar could not be loaded."));
    });
    document.head.append(script);
  });
  return library;
}

export function calendarView(route) {
  const projectId = route.params.get("project_id") || "";
  const view = VIEWS[route.params.get("view")] ? route.params.get("view") : "month";
  const asked = route.params.get("date");
  const now = plan.today();
  const out = h("div", { class: "planning-status", "aria-live": "polite" });
  const host = h("div", { class: "calendar-host" });
  let calendar = null;
  let dragging = false;

  const moved = async (info) => {
    const { row, kind } = info.event.extendedProps;
    if (kind !== "plan") return info.revert();
    const change = plan.planFromEvent(info.event.startStr, info.event.endStr);
    out.replaceChildren(notice("info", `Saving ${row.ref}…`));
    try {
      const item = await savePlan(row, change);
      out.replaceChildren(notice("ok", `${row.ref} planned ${item.planned_start} to ${item.planned_finish}.`));
    } catch (err) {
      info.revert();
      out.replaceChildren(notice("error", `${row.ref} was not moved: ${saveError(err)}.`));
    }
    calendar?.refetchEvents();
  };

  const options = () => ({
    initialView: VIEWS[view],
    initialDate: plan.isDay(asked) ? asked : now,
    firstDay: 1,
    height: "auto",
    // Text buttons: FullCalendar's icon font is a data: URL the CSP refuses.
    buttonIcons: false,
    buttonText: { prev: "‹ Previous", next: "Next ›", today: "Today", month: "Month", week: "Week" },
    headerToolbar: { left: "prev,next today", center: "title", right: "dayGridMonth,dayGridWeek" },
    dayMaxEvents: false,
    editable: true,
    eventResizableFromStart: true,
    events: (info, success, failure) => {
      const to = plan.addDays(info.endStr.slice(0, 10), -1);
      loadSchedule(projectId, info.startStr.slice(0, 10), to)
        .then((rows) => success(plan.calendarEvents(rows, now)))
        .catch((err) => {
          out.replaceChildren(notice("error", err.message));
          failure(err);
        });
    },
    eventDidMount: (info) => {
      const { row, kind } = info.event.extendedProps;
      const what = kind === "plan" ? "Planned" : "Actual";
      const text = `${what}: ${plan.describe(row, now)}${kind === "plan" ? ". Drag to reschedule." : ""}`;
      info.el.setAttribute("aria-label", text);
      info.el.setAttribute("title", text);
      info.el.dataset.ref = row.ref;
      info.el.dataset.kind = kind;
    },
    eventDrop: moved,
    eventResize: moved,
    // A live refresh waits while something is being dragged.
    eventDragStart: () => (dragging = true),
    eventDragStop: () => (dragging = false),
    eventResizeStart: () => (dragging = true),
    eventResizeStop: () => (dragging = false),
    // The shown month or week stays in the address (without reopening the screen), so a reload keeps it.
    datesSet: (info) => {
      const shown = Object.keys(VIEWS).find((k) => VIEWS[k] === info.view.type) || "month";
      const start = info.view.currentStart; // local midnight of the month's first day, or of the week's Monday
      const date = plan.addDays(`${start.getFullYear()}-${String(start.getMonth() + 1).padStart(2, "0")}-01`, start.getDate() - 1);
      history.replaceState(null, "", href("/calendar", { project_id: projectId, view: shown, date }));
    },
  });

  return defineView({
    load: async () => {
      await look.projects().catch(() => []);
      if (projectId) await loadLibrary();
      return null;
    },
    render: () => {
      const picker = projectPicker("/calendar", projectId, { view });
      if (!projectId) return page("Calendar", picker, h("p", { class: "muted", text: "Choose a project to see its plan." }));
      page("Calendar", picker, legend(), out, host);
      calendar = new window.FullCalendar.Calendar(host, options());
      calendar.render();
    },
    update: () => {
      if (!dragging) calendar?.refetchEvents();
    },
    dispose: () => {
      calendar?.destroy();
      calendar = null;
    },
  });
}
