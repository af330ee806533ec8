// ESLint for the static front end: the recommended rules plus the few that catch real bugs in plain
// browser modules (undeclared globals, unused variables, == comparisons, shadowed imports).
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["docs/zapier/**", "node_modules/**", "static_portal/vendor/**"] },
  js.configs.recommended,
  {
    files: ["static_portal/**/*.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: { ...globals.browser } },
    rules: {
      eqeqeq: ["error", "always", { null: "ignore" }],
      "no-unused-vars": ["error", { args: "none", caughtErrors: "none" }],
      "no-shadow": "error",
      "prefer-const": "error",
    },
  },
  {
    files: ["static_portal/widget.js"],
    languageOptions: { sourceType: "script" },
  },
  {
    files: ["tests/js/**/*.js", "tests/js/**/*.mjs", "eslint.config.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: { ...globals.node } },
  },
];
