/*
 * Tandem help widget. On any page:
 *   <script src="https://<tandem host>/widget.js" data-tenant="<slug>" async></script>
 * adds a "Help" button that opens our widget page (forms, "my requests", the chat) in an iframe panel.
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
  var CHAT_KEY = "tandem.chat." + slug;
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
    var isOpen = false;
    // The panel cannot read this page's address (another origin): tell it, for the chat's "page" line,
    // and whether it is on screen (messages arriving while it is closed count as unread).
    function tellFrame() {
      if (frame && frame.contentWindow) frame.contentWindow.postMessage({ type: "tandem:page", url: location.href, open: isOpen }, origin);
    }
    function makeFrame() {
      if (frame) return;
      frame = css(document.createElement("iframe"), { width: "100%", height: "100%", border: "0", display: "block" });
      frame.title = label;
      // Served by the API: only the help desk's own widget sites (its settings) may frame this page.
      frame.src = origin + "/v1/public/" + encodeURIComponent(slug) + "/widget";
      frame.setAttribute("data-tandem-widget", "frame");
      frame.addEventListener("load", tellFrame);
      panel.appendChild(frame);
    }
    function open() {
      makeFrame();
      isOpen = true;
      tellFrame();
      panel.style.display = "block";
      button.setAttribute("aria-expanded", "true");
      if (window.innerWidth < 480) css(panel, { right: "12px", left: "12px", width: "auto", bottom: "76px" });
      frame.focus();
    }
    function close() {
      isOpen = false;
      tellFrame();
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
    function chatNews(data) {
      // A chat going on survives this page's navigation: the next page loads the panel at once (hidden) so
      // the visitor sees new answers counted on the button.
      try {
        if (data.live) sessionStorage.setItem(CHAT_KEY, "1");
        else sessionStorage.removeItem(CHAT_KEY);
      } catch (err) {
        // storage refused: the chat resumes when the panel is opened
      }
      var unread = Math.max(0, Math.min(99, Number(data.unread) || 0));
      button.textContent = unread ? label + " (" + unread + ")" : label;
      if (unread) button.setAttribute("aria-label", label + ", " + unread + " new chat " + (unread === 1 ? "message" : "messages"));
      else button.removeAttribute("aria-label");
    }
    window.addEventListener("message", function (e) {
      // Only our own panel may talk to us: close itself (Escape pressed inside the iframe) or report its chat.
      if (!frame || e.source !== frame.contentWindow || e.origin !== origin || !e.data) return;
      if (e.data.type === "tandem:close") close();
      else if (e.data.type === "tandem:hello") tellFrame();
      else if (e.data.type === "tandem:chat") chatNews(e.data);
    });
    document.body.appendChild(panel);
    document.body.appendChild(button);
    var chatGoing = false;
    try {
      chatGoing = sessionStorage.getItem(CHAT_KEY) === "1";
    } catch (err) {
      chatGoing = false;
    }
    if (chatGoing) makeFrame();
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
