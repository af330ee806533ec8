// Landing page: send a visitor to /portal/<slug>/.
const form = document.getElementById("portal-form");
const input = document.getElementById("slug");
const error = document.getElementById("slug-error");

form.addEventListener("submit", (e) => {
  e.preventDefault();
  const slug = input.value.trim().toLowerCase();
  const ok = /^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$/.test(slug);
  error.hidden = ok;
  error.textContent = ok ? "" : "Use the help desk's short name: lower-case letters, digits and dashes.";
  if (ok) input.removeAttribute("aria-invalid");
  else input.setAttribute("aria-invalid", "true");
  if (!ok) return input.focus();
  location.assign(`/portal/${encodeURIComponent(slug)}/`);
});
