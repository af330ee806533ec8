// The workspace's side of the module switches (issue 15): whether a module is on for the signed-in tenant, the
// page a switched-off module's route shows, and the hook that redraws the top bar after an admin switched one.
import { h, notice } from "../js/dom.js";
import { staticView } from "../js/view.js";
import { kindChoices, moduleLabel, moduleOn, offSentence, routeModule } from "../js/modules.js";
import { page } from "./state.js";
import { session, isAdmin } from "./lookups.js";

export const modulesNow = () => session.me?.modules || session.me?.tenant?.modules || null;
export const isOn = (name) => moduleOn(modulesNow(), name);
/** The kinds this workspace offers ([["ticket", "Ticket"], …]); tasks only while their module is on. */
export const kinds = (opts) => kindChoices(modulesNow(), opts);

/** The page shown instead of a switched-off module's screen. */
export function offPage(name, ...before) {
  const where = isAdmin() ? h("a", { href: "#/admin/modules", text: "Admin → Settings" }) : "the admin settings";
  return page(moduleLabel(name), ...before, h("div", { class: "module-off", dataset: { module: name } },
    notice("info", `${offSentence(name)} for this help desk.`),
    h("p", { class: "muted" }, "An admin can switch it on again in ", where, ". Nothing was deleted.")));
}

export const offView = (name) => staticView(() => offPage(name));

/** The module whose switch hides this route (null when it is shown). */
export function hiddenBy(route) {
  const name = routeModule(route.path, route.params);
  return name !== null && !isOn(name) ? name : null;
}

let onChange = null;
/** main.js registers how to redraw the shell; the Modules screen calls modulesChanged() after saving. */
export function whenModulesChange(fn) {
  onChange = fn;
}
export async function modulesChanged() {
  await onChange?.();
}
