// A new request (or a survey answer) through the type's web form.
import { api, newKey } from "../js/api.js";
import { h, notice } from "../js/dom.js";
import { buildForm } from "../js/forms.js";
import { getAll } from "../js/api.js";
import { uploadAll } from "../js/upload.js";
import { go } from "../js/router.js";
import { ctx, page } from "./context.js";

export async function newRequestView(typeId) {
  const form = ctx.forms.find((f) => f.type_id === typeId);
  if (!form) return page("Form not found", h("p", {}, h("a", { href: "#/", text: "See the forms" })));
  const anonymous = !ctx.me;
  let projects = [];
  if (ctx.me && !form.survey) {
    try {
      projects = await getAll("/v1/projects", {}, 50);
    } catch {
      projects = [];
    }
  }
  const built = buildForm(form, { anonymous, projects, survey: form.survey });
  const out = h("div", { "aria-live": "polite" });
  const submit = h("button", { type: "submit", text: form.survey ? "Send answers" : "Send request" });
  const key = newKey(); // one key per form view: a double click or a retry files one request
  const el = h(
    "form",
    { class: "card", novalidate: true, "aria-label": form.name, onsubmit: (e) => send(e) },
    anonymous ? h("p", { class: "muted" }, "Already have an account? ", h("a", { href: `#/signin?next=/new/${encodeURIComponent(typeId)}`, text: "Sign in" })) : null,
    built.elements,
    out,
    submit,
  );

  async function send(e) {
    e.preventDefault();
    out.replaceChildren();
    const { ok, payload, files, firstInvalid } = built.collect();
    if (!ok) {
      out.append(notice("error", "Please correct the highlighted fields."));
      firstInvalid.focus();
      return;
    }
    if (files.length && anonymous) {
      out.append(notice("error", "Sign in to attach files."));
      return;
    }
    submit.disabled = true;
    try {
      const { data } = await api("POST", `/v1/public/${encodeURIComponent(ctx.slug)}/forms/${encodeURIComponent(typeId)}`, {
        body: payload,
        idempotencyKey: key,
      });
      if (files.length) {
        // File fields ride along as attachments of a first message (no item exists before submission).
        const ids = await uploadAll(data.ref, files.map((f) => f.file), (m) => out.replaceChildren(notice("info", m)));
        await api("POST", `/v1/items/${encodeURIComponent(data.ref)}/messages`, {
          body: { body: `Files sent with the form: ${files.map((f) => f.file.name).join(", ")}`, visibility: "public", attachments: ids },
        });
      }
      go(ctx.me ? `/items/${data.ref}` : `/thanks/${data.ref}`);
    } catch (err) {
      const rest = built.showErrors(err.fieldErrors ? err.fieldErrors() : {});
      const extra = Object.entries(rest).map(([k, v]) => `${k}: ${v}`).join("; ");
      out.append(notice("error", err.status === 401 ? "Please sign in to send this form." : `${err.message}${extra ? ` (${extra})` : ""}`));
    } finally {
      submit.disabled = false;
    }
  }

  page(form.name, form.survey ? h("p", { class: "muted", text: "Your answers go straight to the team." }) : null, el);
}

export function thanksView(ref) {
  page(
    "Thank you",
    notice("ok", `Your request ${ref} has been received. We will answer by email.`),
    h("p", {}, h("a", { href: "#/", text: "Send another request" })),
  );
}
