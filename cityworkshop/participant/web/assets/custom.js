/* cityworkshop's participant page, run by the page shell (Solara includes assets/custom.js).
   1. A random token kept in this browser (localStorage), handed to the page's hidden .cw-device
      field: the same phone comes back to the same participant after a reload.
   2. A banner at the top when the connection to the workshop server is lost; gone when it is back.
   3. Back to the top of the page on every change of screen (join, wait, form, sent ..., and the
      next activity's form when the facilitator moves on). */
(function () {
  var KEY = "cityworkshop-device";
  function token() {
    var t = null;
    try { t = window.localStorage.getItem(KEY); } catch (e) { t = null; }
    if (!t || !/^[A-Za-z0-9_-]{8,64}$/.test(t)) {
      var bytes = new Uint8Array(16);
      window.crypto.getRandomValues(bytes);
      t = "d-" + Array.prototype.map.call(bytes, function (b) {
        return ("0" + b.toString(16)).slice(-2); }).join("");
      try { window.localStorage.setItem(KEY, t); } catch (e) { /* private mode: no memory */ }
    }
    return t;
  }
  function fill() {
    var field = document.querySelector(".cw-device input");
    if (field && !field.value) {
      field.value = token();
      field.dispatchEvent(new Event("input", { bubbles: true }));
      field.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }
  /* the token goes first, before a quick press on "Gabung" can reach the server */
  ["pointerdown", "touchstart", "keydown", "click"].forEach(function (type) {
    document.addEventListener(type, fill, true);
  });

  var lost = false;
  function banner(show) {
    var el = document.getElementById("cw-offline");
    if (!el && show) {
      el = document.createElement("div");
      el.id = "cw-offline";
      el.className = "cw-offline";
      el.setAttribute("role", "alert");
      el.innerHTML = "<b>Koneksi terputus.</b> Jawaban yang sudah terkirim aman; halaman ini " +
        "tersambung lagi sendiri.<br><small><b>Connection lost.</b> Answers already sent are " +
        "safe; this page reconnects by itself.</small>";
      document.body.insertBefore(el, document.body.firstChild);
    }
    if (el) { el.style.display = show ? "block" : "none"; }
    document.body.classList.toggle("cw-is-offline", !!show);
    room();
  }
  /* the room the banner takes at the top: what is scrolled into view lands below it, and the
     sticky countdown sits under it rather than behind it */
  function room() {
    var el = document.getElementById("cw-offline");
    var h = el && el.style.display !== "none" ? el.offsetHeight : 0;
    var root = document.documentElement;
    var want = h ? h + "px" : "";
    if (root.style.scrollPaddingTop !== want) {
      root.style.scrollPaddingTop = want;
      if (h) { root.style.setProperty("--cw-offline-h", want); }
      else { root.style.removeProperty("--cw-offline-h"); }
    }
  }
  var NativeWS = window.WebSocket;
  function WatchedWS(url, protocols) {
    var ws = protocols === undefined ? new NativeWS(url) : new NativeWS(url, protocols);
    if (String(url).indexOf("/api/kernels/") !== -1) {
      ws.addEventListener("open", function () { lost = false; banner(false); });
      ws.addEventListener("close", function () { lost = true; banner(true); });
    }
    return ws;
  }
  WatchedWS.prototype = NativeWS.prototype;
  ["CONNECTING", "OPEN", "CLOSING", "CLOSED"].forEach(function (k) { WatchedWS[k] = NativeWS[k]; });
  window.WebSocket = WatchedWS;
  window.addEventListener("offline", function () { banner(true); });
  window.addEventListener("online", function () { if (!lost) { banner(false); } });

  /* Solara's own client knows the state of the page's connection: follow it. */
  var wasConnected = false;
  function followConnection() {
    var s = window.solara && window.solara.debug && window.solara.debug.connectionStatus;
    if (s === "connected") {
      wasConnected = true;
      if (lost || document.body.classList.contains("cw-is-offline")) {
        lost = false;
        banner(!navigator.onLine);
      }
    } else if (s && wasConnected) {
      lost = true;
      banner(true);
    }
  }

  /* The page's language on <html> (screen readers pick their voice from it), and a viewport
     that lets a participant zoom: the page shell allows neither by itself. */
  function shell() {
    var page = document.querySelector(".cw-page");
    var lang = page && /cw-lang-en/.test(page.className) ? "en" : "id";
    if (document.documentElement.lang !== lang) { document.documentElement.lang = lang; }
    var vp = document.querySelector('meta[name="viewport"]');
    var want = "width=device-width, initial-scale=1";
    if (vp && vp.getAttribute("content") !== want) { vp.setAttribute("content", want); }
  }
  shell();

  /* Back to the top: the window, and any box around the page that scrolls (the page shell's
     layout may scroll inside a box of its own). */
  function toTop(el) {
    window.scrollTo(0, 0);
    for (var e = el.parentElement; e; e = e.parentElement) {
      if (e.scrollTop) { e.scrollTop = 0; }
    }
  }
  /* A screen is its kind and its heading: the facilitator moving on from one form to the next
     changes the heading, not the kind. */
  var screen = null;
  window.setInterval(function () {
    shell();
    fill();
    followConnection();
    room();  // its height changes with the width (a phone turned)
    var el = document.querySelector(".cw-page");
    if (!el) { return; }
    var m = /cw-screen-([a-z]+)/.exec(el.className);
    var heads = el.querySelectorAll(".cw-body h2"), h = "";
    for (var i = 0; i < heads.length; i++) {  // the one shown (a form built ahead is hidden)
      if (heads[i].getClientRects().length) { h = heads[i].textContent; break; }
    }
    var now = (m ? m[1] : "") + "|" + h;
    if (now !== screen) {
      if (screen !== null) { toTop(el); }
      screen = now;
      el.setAttribute("data-cw-screen", now);  // the screen this script saw last (for tests)
    }
  }, 200);
})();
