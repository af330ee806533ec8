/*
 * Tandem help widget. On any page:
 *   <script src="https://<tandem host>/widget.js" data-tenant="<slug>" async></script>
 * adds a "Help" button that opens our widget page (forms, "my requests") in an iframe panel.
 * The panel is an iframe of our own origin, so the host page never touches the customer's
 * session and our pages keep their own CSP. Styles are set through the CSSOM (el.style),
 * which a host page's CSP allows, rather than injected <style> or style="" attributes.
 */
(function () {
  "use strict";
  if (window.__tandemWidgetLoaded) return;
  window.__tandemWidgetLoaded = true;

  var script = document.currentScript || document.querySelector('script[src*="widget.js"][data-tenant]');
  if (!script) return;
  var slug = String(script.getAttribute("data-tenant") || "").toLowerCase();
  if (!/^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$/.test(slug)) {
    if (window.console) console.warn("Tandem widget: data-tenant is missing or not a help desk name");
    return;
  }
  var origin = new URL(script.src, location.href).origin;
  var label = script.getAttribute("data-label") || "Help";
  var color = /^#[0-9a-f]{6}$/i.test(script.getAttribute("data-color") || "") ? script.getAttribute("data-color") : "#2f6fed";

  function css(el, styles) {
    for (var k in styles) el.style[k] = styles[k];
    return el;
  }

  function start() {
    var button = css(document.createElement("button"), {
      position: "fixed", right: "20px", bottom: "20px", zIndex: "2147483000", padding: "12px 18px",
      borderRadius: "999px", border: "none", background: color, color: "#fff", font: "600 16px system-ui, sans-serif",
      boxShadow: "0 4px 14px rgba(0,0,0,.25)", cursor: "pointer",
    });
    button.type = "button";
    button.textContent = label;
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", "tandem-widget-panel");
    button.setAttribute("data-tandem-widget", "button");

    var panel = css(document.createElement("div"), {
      position: "fixed", right: "20px", bottom: "80px", width: "380px", maxWidth: "calc(100vw - 24px)",
      height: "600px", maxHeight: "calc(100vh - 110px)", zIndex: "2147483000", background: "#fff",
      borderRadius: "12px", boxShadow: "0 8px 32px rgba(0,0,0,.3)", overflow: "hidden", display: "none",
    });
    panel.id = "tandem-widget-panel";
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", label);
    panel.setAttribute("data-tandem-widget", "panel");

    var frame = null;
    function open() {
      if (!frame) {
        frame = css(document.createElement("iframe"), { width: "100%", height: "100%", border: "0", display: "block" });
        frame.title = label;
        // Served by the API: only the help desk's own widget sites (its settings) may frame this page.
        frame.src = origin + "/v1/public/" + encodeURIComponent(slug) + "/widget";
        frame.setAttribute("data-tandem-widget", "frame");
        panel.appendChild(frame);
      }
      panel.style.display = "block";
      button.setAttribute("aria-expanded", "true");
      if (window.innerWidth < 480) css(panel, { right: "12px", left: "12px", width: "auto", bottom: "76px" });
      frame.focus();
    }
    function close() {
      panel.style.display = "none";
      button.setAttribute("aria-expanded", "false");
      button.focus();
    }
    button.addEventListener("click", function () {
      if (panel.style.display === "none") open();
      else close();
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && panel.style.display !== "none") close();
    });
    window.addEventListener("message", function (e) {
      // Only our own panel may close itself (Escape pressed inside the iframe).
      if (frame && e.source === frame.contentWindow && e.origin === origin && e.data && e.data.type === "tandem:close") close();
    });
    document.body.appendChild(panel);
    document.body.appendChild(button);
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
