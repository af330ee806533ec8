// Customer sign-in: password or an emailed magic link. Both end with the API setting the
// HttpOnly session cookie; the magic-link token is wiped from the address bar straight away.
import { api, signIn } from "../js/api.js";
import { h, field, notice } from "../js/dom.js";
import { go } from "../js/router.js";
import { ctx, page, refreshMe, brandName } from "./context.js";

function afterSignIn(next) {
  go(next && next.startsWith("/") && next !== "/signin" ? next : "/requests");
}

async function redeem(token, next) {
  // Drop the token from the URL and history first: it is single-use, but still not for sharing.
  history.replaceState(null, "", `${location.pathname}${location.search}#/signin`);
  const status = h("div", {}, notice("info", "Signing you in…"));
  page("Signing in", status);
  try {
    await api("POST", "/v1/auth/magic-link/redeem", { body: { token, session: true } });
    await refreshMe();
    if (!ctx.me) throw new Error("This link belongs to another help desk.");
    afterSignIn(next);
  } catch (err) {
    status.replaceChildren(notice("error", `This sign-in link did not work (${err.message}). Ask for a new one below.`));
    status.append(forms(next));
  }
}

function passwordForm(next) {
  const email = h("input", { type: "email", name: "email", autocomplete: "username", required: true });
  const password = h("input", { type: "password", name: "password", autocomplete: "current-password", required: true });
  const out = h("div", { "aria-live": "polite" });
  const submit = h("button", { type: "submit", text: "Sign in" });
  const form = h(
    "form",
    {
      class: "card",
      novalidate: true,
      "aria-labelledby": "pw-title",
      onsubmit: async (e) => {
        e.preventDefault();
        out.replaceChildren();
        if (!email.value.trim() || !password.value) {
          out.append(notice("error", "Enter your email and password."));
          return;
        }
        submit.disabled = true;
        try {
          await signIn(ctx.slug, email.value.trim(), password.value);
          await refreshMe();
          afterSignIn(next);
        } catch (err) {
          out.append(notice("error", err.status === 401 || err.status === 400 ? "Email or password is not right." : err.message));
        } finally {
          submit.disabled = false;
        }
      },
    },
    h("h2", { id: "pw-title", text: "With your password" }),
    field("Email", email),
    field("Password", password),
    out,
    submit,
  );
  return form;
}

function magicForm() {
  const email = h("input", { type: "email", name: "email", autocomplete: "email", required: true });
  const out = h("div", { "aria-live": "polite" });
  const submit = h("button", { type: "submit", class: "secondary", text: "Email me a sign-in link" });
  return h(
    "form",
    {
      class: "card",
      novalidate: true,
      "aria-labelledby": "ml-title",
      onsubmit: async (e) => {
        e.preventDefault();
        out.replaceChildren();
        if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email.value.trim())) {
          out.append(notice("error", "Enter your email address."));
          return;
        }
        submit.disabled = true;
        try {
          await api("POST", `/v1/public/${encodeURIComponent(ctx.slug)}/magic-link`, { body: { email: email.value.trim() } });
          out.append(notice("ok", "If this address is known here, a sign-in link is on its way. Check your mail."));
        } catch (err) {
          out.append(notice("error", err.message));
        } finally {
          submit.disabled = false;
        }
      },
    },
    h("h2", { id: "ml-title", text: "Or without a password" }),
    field("Email", email),
    out,
    submit,
  );
}

function forms(next) {
  return h("div", { class: "grid2" }, passwordForm(next), magicForm());
}

export function signInView(route) {
  const token = route.params.get("token");
  const next = route.params.get("next") || "";
  if (token) return redeem(token, next);
  if (ctx.me) return afterSignIn(next);
  page(
    `Sign in to ${brandName()}`,
    ctx.otherTenant ? notice("info", `You are signed in to another help desk as ${ctx.otherTenant.email}. Sign in here to continue.`) : null,
    ctx.requireLogin ? h("p", { class: "muted", text: "Sign in to send a request and follow your requests." }) : null,
    forms(next),
  );
}
