// Entry of the widget panel (/v1/public/<slug>/widget, served by the API), the portal in a compact frame,
// with the messenger's "Chat" tab when the tenant's chat module is on.
import { startPortal } from "../portal/main.js";
import { chatTab } from "./chat.js";

startPortal({ embedded: true, tabs: [chatTab] });
