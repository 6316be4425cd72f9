/*
 * portcheck embed: put the self-test on another site with one line,
 *   <script src="https://PROBE-HOST/embed.js" data-lang="de" async></script>
 * It inserts an iframe with the compact view right after this script tag and
 * sets the iframe's height from the size messages the view sends. Messages are
 * accepted only from the probe's own origin and only from that iframe.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) return;
  var probe = new URL(script.src).origin;
  var lang = script.getAttribute("data-lang");

  var src = new URL("/embed", probe);
  // The view posts its height to exactly this origin and no other.
  src.searchParams.set("origin", window.location.origin);
  if (lang === "de" || lang === "en") src.searchParams.set("lang", lang);

  var frame = document.createElement("iframe");
  frame.src = src.href;
  frame.title = script.getAttribute("data-title") ||
    (lang === "en" ? "Check of ports 440 to 449 and 80 to 89" : "Prüfung der Ports 440 bis 449 und 80 bis 89");
  frame.className = "portcheck-embed";
  frame.allow = "clipboard-write";
  frame.width = "100%";
  frame.height = "600";
  frame.style.border = "0";
  frame.style.display = "block";
  frame.style.width = "100%";
  script.parentNode.insertBefore(frame, script.nextSibling);

  window.addEventListener("message", function (event) {
    if (event.origin !== probe || event.source !== frame.contentWindow) return;
    var data = event.data && event.data.portcheck;
    if (!data || typeof data.height !== "number" || !isFinite(data.height)) return;
    var height = Math.max(80, Math.min(20000, Math.ceil(data.height)));
    frame.height = String(height);
  });
})();
