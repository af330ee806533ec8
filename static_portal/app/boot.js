// Entry of /app/ (a module file: the CSP allows no inline script).
import { start } from "./main.js";

start();
