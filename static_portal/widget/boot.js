// Entry of the widget panel (/v1/public/<slug>/widget, served by the API), the portal in a compact frame.
import { startPortal } from "../portal/main.js";

startPortal({ embedded: true });
