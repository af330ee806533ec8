// Entry of the widget panel (/widget/index.html?t=<slug>), the portal in a compact frame.
import { startPortal } from "../portal/main.js";

startPortal({ embedded: true });
