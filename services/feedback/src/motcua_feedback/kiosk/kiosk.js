/* Kiosk flow: waiting -> rating (3 levels) -> indicators (optional) -> thanks -> waiting.
   A rating the service has not answered stays on the tablet (localStorage) with its
   Idempotency-Key and is sent again until the service answers, across reloads; while the
   service is unreachable the page tells the counter staff so.
   Written without modules or recent syntax so that older tablet browsers run it as well. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("kiosk-config").textContent);
  var base = String(config.api_base || "").replace(/\/+$/, "");
  var currentUrl = base + "/kiosk/" + encodeURIComponent(config.counter) + "/current";
  var ratingsUrl = base + "/ratings";
  // The counter's device token (mã thiết bị), from the device link this page was opened with:
  // without it the service shows this tablet nothing.
  var device = queryParam("device");
  var SCREENS = ["waiting", "rating", "indicators", "thanks", "error"];

  var state = {
    screen: "waiting",
    current: null,       // {dossier_code, procedure_name, applicant_name, session}
    overall: null,
    indicators: {},
    sending: false,
    pending: null,       // {body, key} of the last submission, kept for "Thử lại"
    done: {}             // dossiers already finished on this kiosk: never offered twice
  };
  var timers = { poll: null, idle: null, back: null, resend: null };
  var OUTBOX = "motcua-kiosk-outbox:" + config.counter;
  var RESEND_MS = config.poll_ms;
  var reachable = true;

  function byId(id) { return document.getElementById(id); }

  function queryParam(name) {
    // URLSearchParams is missing from the oldest tablet browsers.
    var pairs = window.location.search.replace(/^\?/, "").split("&");
    for (var i = 0; i < pairs.length; i++) {
      var eq = pairs[i].indexOf("=");
      var key = eq < 0 ? pairs[i] : pairs[i].slice(0, eq);
      if (key === name && eq >= 0) {
        try {
          return decodeURIComponent(pairs[i].slice(eq + 1).replace(/\+/g, " "));
        } catch (e) { return ""; }
      }
    }
    return "";
  }

  // The headers of every call to the service: the device token goes with each of them.
  function headersWith(extra) {
    var headers = { "Accept": "application/json" };
    if (device) { headers["X-Kiosk-Device"] = device; }
    Object.keys(extra || {}).forEach(function (k) { headers[k] = extra[k]; });
    return headers;
  }

  function deviceRefused(refused) {
    byId("device-problem").hidden = !refused;
  }

  function announce(text) { byId("status").textContent = text; }

  function show(name) {
    SCREENS.forEach(function (screen) {
      byId("screen-" + screen).hidden = screen !== name;
    });
    state.screen = name;
    document.body.setAttribute("data-screen", name);
    var title = byId("screen-" + name).querySelector("h1");
    if (title) { title.focus({ preventScroll: true }); announce(title.textContent); }
  }

  function clearTimer(name) {
    if (timers[name] !== null) { clearTimeout(timers[name]); timers[name] = null; }
  }

  function keyOf(item) { return item.dossier_code + "|" + (item.session || ""); }

  // ------------------------------------------------------------------ polling

  function schedulePoll() {
    clearTimer("poll");
    timers.poll = setTimeout(poll, config.poll_ms);
  }

  function poll() {
    // Only the waiting and choice screens follow the counter; a citizen in the middle of the
    // indicators must not see their dossier replaced.
    if (state.screen !== "waiting" && state.screen !== "rating") { schedulePoll(); return; }
    fetch(currentUrl, { cache: "no-store", headers: headersWith() })
      .then(function (response) {
        setReachable(true);
        // 401: this tablet is not (or no longer) the counter's kiosk; say so on the screen.
        deviceRefused(response.status === 401);
        if (response.status === 204 || response.status === 404 || response.status === 401) {
          return null;
        }
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(onCurrent, function (error) {
        // No answer: keep the screen, tell the staff, ask again soon.
        if (error instanceof TypeError) { setReachable(false); }
      })
      .then(schedulePoll, schedulePoll);
  }

  function onCurrent(item) {
    if (state.screen !== "waiting" && state.screen !== "rating") { return; }
    if (!item || !item.dossier_code || state.done[keyOf(item)]) {
      if (state.screen === "rating") { backToWaiting(); }
      return;
    }
    if (state.screen === "rating" && state.current && keyOf(state.current) === keyOf(item)) {
      return;
    }
    state.current = item;
    byId("dossier-code").textContent = item.dossier_code;
    byId("procedure-name").textContent = item.procedure_name || "";
    byId("applicant-name").textContent = item.applicant_name || "";
    byId("applicant-row").hidden = !item.applicant_name;
    show("rating");
  }

  // ------------------------------------------------------------------ choosing

  function chooseLevel(level) {
    if (!state.current) { return; }
    state.overall = level;
    resetIndicators();
    show("indicators");
    touchIdle();
  }

  function resetIndicators() {
    state.indicators = {};
    var buttons = document.querySelectorAll(".score");
    for (var i = 0; i < buttons.length; i++) { buttons[i].setAttribute("aria-checked", "false"); }
  }

  function chooseScore(button) {
    var indicator = button.getAttribute("data-indicator");
    var score = parseInt(button.getAttribute("data-score"), 10);
    var again = state.indicators[indicator] === score;
    // Touching the chosen score again takes it back: every indicator stays optional.
    if (again) { delete state.indicators[indicator]; } else { state.indicators[indicator] = score; }
    var group = button.parentNode.querySelectorAll(".score");
    for (var i = 0; i < group.length; i++) {
      group[i].setAttribute("aria-checked", String(!again && group[i] === button));
    }
    touchIdle();
  }

  function touchIdle() {
    clearTimer("idle");
    // A citizen who walks away still gave an overall answer; send what they chose.
    timers.idle = setTimeout(function () {
      if (state.screen === "indicators") { submit(state.indicators); }
    }, config.idle_ms);
  }

  // ------------------------------------------------------------------ sending

  function newKey() {
    // crypto.randomUUID needs a secure context; a kiosk on the office LAN may use plain http.
    var bytes = new Uint8Array(16);
    if (window.crypto && window.crypto.getRandomValues) {
      window.crypto.getRandomValues(bytes);
    } else {
      for (var i = 0; i < bytes.length; i++) { bytes[i] = Math.floor(Math.random() * 256); }
    }
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  // ------------------------------------------------------------------ the tablet's outbox

  function outbox() {
    try { return JSON.parse(window.localStorage.getItem(OUTBOX) || "[]"); } catch (e) { return []; }
  }

  function saveOutbox(items) {
    try { window.localStorage.setItem(OUTBOX, JSON.stringify(items)); } catch (e) { /* full */ }
    showConnection();
  }

  function keep(pending) {
    var items = outbox().filter(function (p) { return p.key !== pending.key; });
    items.push({ key: pending.key, body: pending.body });
    saveOutbox(items);
  }

  function forget(key) {
    saveOutbox(outbox().filter(function (p) { return p.key !== key; }));
  }

  function showConnection() {
    var waiting = outbox().length;
    byId("offline").hidden = reachable && waiting === 0;
    byId("offline-count").textContent = waiting ? " (" + waiting + " đánh giá chờ gửi)" : "";
  }

  function setReachable(ok) {
    reachable = ok;
    showConnection();
  }

  // One POST of a kept rating: resolves to "sent" (the service answered: stored, or refused for
  // good) or "kept" (no answer, or a transient one: try again later).
  function post(item) {
    return fetch(ratingsUrl, {
      method: "POST",
      headers: headersWith({
        "Content-Type": "application/json",
        // The same key on every attempt: a rating that did arrive is not stored twice.
        "Idempotency-Key": item.key
      }),
      body: JSON.stringify(item.body)
    }).then(function (response) {
      setReachable(true);
      if (response.status >= 500 || response.status === 429) {
        return { outcome: "kept", response: response };
      }
      if (response.status !== 409) {
        forget(item.key);
        return { outcome: "sent", response: response };
      }
      // 409 request_in_progress: an earlier attempt with this key is still being answered.
      return response.clone().json().then(null, function () { return null; }).then(function (b) {
        var busy = !!(b && b.error && b.error.code === "request_in_progress");
        if (!busy) { forget(item.key); }
        return { outcome: busy ? "kept" : "sent", response: response };
      });
    }, function () {
      setReachable(false);
      return { outcome: "kept", response: null };
    });
  }

  function resendKept() {
    clearTimer("resend");
    var items = outbox();
    var chain = Promise.resolve();
    items.forEach(function (item) {
      chain = chain.then(function () { return post(item); });
    });
    chain.then(scheduleResend, scheduleResend);
  }

  function scheduleResend() {
    clearTimer("resend");
    timers.resend = setTimeout(resendKept, outbox().length ? RESEND_MS : RESEND_MS * 5);
  }

  function submit(indicators) {
    if (state.sending || !state.current || !state.overall) { return; }
    clearTimer("idle");
    var scores = {};
    Object.keys(indicators).forEach(function (k) { scores[k] = indicators[k]; });
    state.pending = {
      key: newKey(),
      item: state.current,
      body: {
        dossier_code: state.current.dossier_code,
        overall: state.overall,
        indicators: scores,
        channel: "kiosk",
        kiosk_session: state.current.session
      }
    };
    send();
  }

  function setSending(sending) {
    state.sending = sending;
    byId("sending").hidden = !sending;
    ["btn-send", "btn-skip", "btn-retry"].forEach(function (id) { byId(id).disabled = sending; });
  }

  function send() {
    var pending = state.pending;
    setSending(true);
    // Kept on the tablet before the first attempt: a reload or a crash loses nothing.
    keep(pending);
    post(pending).then(function (result) {
      var response = result.response;
      if (result.outcome === "kept") {
        // The citizen's part is done: the tablet sends the rating when the service is back.
        finished(pending, true);
        scheduleResend();
        return null;
      }
      if (response.ok) { finished(pending, true); return null; }
      return response.json().then(null, function () { return null; }).then(function (body) {
        finished(pending, false);
        showError(messageOf(body, response.status), false);
      });
    }).then(function () { setSending(false); }, function () { setSending(false); });
  }

  function messageOf(body, status) {
    if (body && body.error && body.error.message) { return String(body.error.message); }
    if (body && typeof body.detail === "string") { return body.detail; }
    return "Không gửi được đánh giá (mã lỗi " + status + ").";
  }

  function finished(pending, stored) {
    state.done[keyOf(pending.item)] = true;
    state.pending = null;
    if (stored) {
      show("thanks");
      scheduleBack(config.thanks_ms);
    }
  }

  function showError(message, canRetry) {
    byId("error-message").textContent = message;
    byId("btn-retry").hidden = !canRetry || !state.pending;
    show("error");
    scheduleBack(config.error_ms);
  }

  function scheduleBack(ms) {
    clearTimer("back");
    timers.back = setTimeout(backToWaiting, ms);
  }

  function backToWaiting() {
    clearTimer("back");
    clearTimer("idle");
    state.current = null;
    state.overall = null;
    state.pending = null;
    resetIndicators();
    show("waiting");
  }

  // ------------------------------------------------------------------ wiring

  ["very_satisfied", "satisfied", "dissatisfied"].forEach(function (level) {
    byId("btn-" + level).addEventListener("click", function () { chooseLevel(level); });
  });
  var scoreButtons = document.querySelectorAll(".score");
  for (var i = 0; i < scoreButtons.length; i++) {
    scoreButtons[i].addEventListener("click", function (event) {
      chooseScore(event.currentTarget);
    });
  }
  byId("btn-send").addEventListener("click", function () { submit(state.indicators); });
  byId("btn-skip").addEventListener("click", function () { submit({}); });
  byId("btn-retry").addEventListener("click", function () {
    if (state.pending && !state.sending) { clearTimer("back"); send(); }
  });
  byId("btn-back").addEventListener("click", backToWaiting);

  show("waiting");
  showConnection();
  poll();
  resendKept();
})();
