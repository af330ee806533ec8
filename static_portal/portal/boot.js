// Entry of /portal/<slug>/ (a module file: the CSP allows no inline script).
import { startPortal } from "./main.js";

startPortal({ embedded: false });
