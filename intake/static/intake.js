// Testimony Intake: the only script. Progressive enhancement: every page works without it.
// 1. Ctrl+Shift+L locks at once. 2. Idle for the configured time locks too (the server also
// enforces this). 3. Interview forms autosave every few seconds while something changed.
// 4. With the survivor's consent to audio, the interviewer can record in the page; the recording
// is posted (and encrypted by the server) when they stop, or before they leave the page.
// 5. A chosen file or a recording is sent in pieces, each its own small request, with progress
// (the server encrypts each piece as it arrives: intake/web/uploads.py).
"use strict";
let uploading = 0;  // uploads in progress: the page does not lock itself for idleness meanwhile
(function () {
  const body = document.body;
  const lockForm = document.getElementById("lock-form");
  const recorder = setUpRecorder(document.querySelector("[data-recorder]"));
  const recording = () => recorder !== null && recorder.isRecording();
  // A recording in progress is saved before the page locks.
  const lock = () => {
    if (lockForm) (recording() ? recorder.stop() : Promise.resolve()).then(() => lockForm.submit());
  };

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey && event.shiftKey && (event.key === "L" || event.key === "l")) {
      event.preventDefault();
      lock();
    }
  });

  const idleSeconds = Number(body.dataset.idleSeconds || 0);
  if (lockForm && idleSeconds > 0) {
    let timer;
    const restart = () => {
      clearTimeout(timer);
      timer = setTimeout(() => (recording() || uploading ? restart() : lock()), idleSeconds * 1000);
    };
    ["keydown", "pointerdown", "pointermove", "input", "scroll"].forEach((name) =>
      document.addEventListener(name, restart, { passive: true }));
    restart();
  }

  setUpAutosave(document.querySelector("form[data-autosave]"), recorder);
  document.querySelectorAll("form[data-pieces]").forEach(setUpPiecesForm);
  window.addEventListener("beforeunload", (event) => { if (uploading) event.preventDefault(); });
})();

// Send `blob` in pieces: start the upload (its size and `fields`), then one PATCH per piece at
// its offset. A piece that fails on the network is sent once more; a 409 answer says from which
// byte the server wants it. Resolves to the last answer; rejects with a one-line message to show:
// the server's (its JSON `error`, or the line of its error page), or one of `labels` (the sending
// element's data-lost-label, data-gone-label).
async function sendInPieces(startUrl, fields, blob, token, progress, labels) {
  const ask = async (url, options) => {
    let response;
    for (let attempt = 0; ; attempt++) {
      try {
        response = await fetch(url, { credentials: "same-origin", redirect: "manual", ...options });
        break;
      } catch (error) {
        if (attempt === 1) throw new Error(labels.lostLabel);
      }
    }
    if (response.type === "opaqueredirect") throw new Error(labels.goneLabel);  // signed out, locked
    const text = await response.text();
    let result;
    try {
      result = JSON.parse(text);
    } catch (error) {
      const line = new DOMParser().parseFromString(text, "text/html").querySelector("main p");
      result = { error: line ? line.textContent : String(response.status) };
    }
    return { status: response.status, ok: response.ok, result: result };
  };
  const refused = (answer) => new Error(answer.result.error || String(answer.status));
  uploading++;
  try {
    const params = new URLSearchParams({ csrf_token: token, size: String(blob.size), ...fields });
    const started = await ask(startUrl, { method: "POST", body: params,
                                          headers: { "X-Requested-With": "fetch" } });
    if (!started.ok) throw refused(started);
    const { url, piece } = started.result;
    let offset = 0, resent = 0, answer = started;
    if (progress) { progress.hidden = false; progress.value = 0; }
    while (offset < blob.size) {
      answer = await ask(url, { method: "PATCH", body: blob.slice(offset, offset + piece), headers: {
        "X-CSRFToken": token, "Upload-Offset": String(offset),
        "Content-Type": "application/offset+octet-stream" } });
      if (answer.status === 409 && Number.isInteger(answer.result.offset) && resent++ < 3) {
        offset = answer.result.offset;  // resend from where the server is
        continue;
      }
      if (!answer.ok) throw refused(answer);
      offset = Math.min(offset + piece, blob.size);
      resent = 0;
      if (progress) progress.value = offset / blob.size;
    }
    return answer.result;
  } finally {
    uploading--;
  }
}

// A form with data-pieces (an attachment, a bundle) sends its chosen file in pieces; without
// this script it posts the file whole, up to the size of one request.
function setUpPiecesForm(form) {
  const input = form.querySelector("input[type=file]");
  const progress = form.querySelector("progress");
  const status = form.querySelector("[data-upload-status]");
  const button = form.querySelector("button[type=submit]");
  form.addEventListener("submit", async (event) => {
    const file = input.files[0];
    if (!file) return;  // the server says what is missing
    event.preventDefault();
    const fields = { filename: file.name, type: file.type };
    form.querySelectorAll("select, input[type=hidden]").forEach((field) => {
      if (field.name !== "csrf_token") fields[field.name] = field.value;
    });
    button.disabled = true;
    status.textContent = form.dataset.sendingLabel;
    try {
      const result = await sendInPieces(form.dataset.pieces, fields, file,
                                        form.querySelector("input[name=csrf_token]").value, progress,
                                        form.dataset);
      if (result.location) {
        location.assign(result.location);  // the bundle was checked: that page says how it went
        return;
      }
      addAttachment(result.html);
      form.reset();
      status.textContent = form.dataset.doneLabel;
    } catch (error) {
      status.textContent = form.dataset.failedLabel + error.message;
    } finally {
      button.disabled = false;
      progress.hidden = true;
    }
  });
}

function addAttachment(html) {
  document.querySelector("[data-attachment-list]").insertAdjacentHTML("beforeend", html);
  const empty = document.querySelector("[data-attachment-empty]");
  if (empty) empty.remove();
}

function setUpAutosave(form, recorder) {
  if (!form) return;
  const body = document.body;
  const status = document.getElementById("autosave-status");
  const every = Math.max(2, Number(body.dataset.autosaveSeconds || 10)) * 1000;
  let dirty = false;
  let saving = false;
  form.addEventListener("input", () => { dirty = true; });
  form.addEventListener("change", () => { dirty = true; });
  form.addEventListener("submit", (event) => {
    dirty = false;
    if (recorder && recorder.isRecording()) {  // save the recording first, then go on
      event.preventDefault();
      const button = event.submitter;
      recorder.stop().then(() => form.requestSubmit(button));
    }
  });

  async function autosave() {
    if (!dirty || saving) return;
    saving = true;
    dirty = false;
    try {
      const response = await fetch(form.action, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: { "X-Autosave": "1" }, redirect: "error",
      });
      const result = await response.json().catch(() => ({}));
      if (!response.ok && !result.error) throw new Error(String(response.status));
      // Answers the testimony format cannot hold (too long, say) are marked; the rest is saved.
      form.querySelectorAll("[aria-invalid]").forEach((field) => field.removeAttribute("aria-invalid"));
      const refused = result.not_saved || [];
      refused.forEach((id) => document.getElementById(id)?.setAttribute("aria-invalid", "true"));
      if (!status) return;
      if (result.error) status.textContent = result.error;
      else if (refused.length) status.textContent = form.dataset.partialLabel;
      else status.textContent = (form.dataset.savedLabel || "✓") + " " + result.saved_at;
    } catch (error) {
      dirty = true;
      if (status) status.textContent = form.dataset.failedLabel || "✗";
    } finally {
      saving = false;
    }
  }
  setInterval(autosave, every);
  document.addEventListener("visibilitychange", () => { if (document.hidden) autosave(); });
}

function setUpRecorder(panel) {
  if (!panel || !navigator.mediaDevices || !window.MediaRecorder) return null;
  panel.hidden = false;
  const label = (name) => panel.querySelector(`[data-${name}-label]`).textContent;
  const state = panel.querySelector("[data-recorder-state]");
  const clock = panel.querySelector("[data-recorder-clock]");
  const startButton = panel.querySelector("[data-recorder-start]");
  const stopButton = panel.querySelector("[data-recorder-stop]");
  const progress = panel.querySelector("progress");
  const token = document.querySelector("[data-attachment-form] input[name=csrf_token]").value;
  let media = null, pieces = [], startedAt = 0, ticker = 0, keepAlive = 0, finished = null;

  const show = (seconds) => {
    const s = Math.floor(seconds);
    clock.textContent = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  };

  async function start() {
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (error) {
      state.textContent = panel.dataset.deniedLabel;
      return;
    }
    pieces = [];
    media = new MediaRecorder(stream);
    media.addEventListener("dataavailable", (event) => { if (event.data.size) pieces.push(event.data); });
    finished = new Promise((resolve) => media.addEventListener("stop", resolve, { once: true }));
    media.start(1000);
    startedAt = performance.now();
    ticker = setInterval(() => show((performance.now() - startedAt) / 1000), 250);
    // The interview goes on while it records: keep the server-side session from timing out.
    keepAlive = setInterval(() => fetch(location.href, { method: "HEAD", credentials: "same-origin" }), 60000);
    state.textContent = label("recording");
    startButton.disabled = true;
    stopButton.disabled = false;
  }

  async function stop() {
    if (!media) return;
    const seconds = (performance.now() - startedAt) / 1000;
    clearInterval(ticker);
    clearInterval(keepAlive);
    show(seconds);
    stopButton.disabled = true;
    media.stop();
    media.stream.getTracks().forEach((track) => track.stop());
    await finished;
    const type = media.mimeType || "audio/webm";
    media = null;
    state.textContent = label("saving");
    const recorded = new Blob(pieces, { type: type });
    pieces = [];
    const fields = { kind: "audio", duration: seconds.toFixed(1), back: panel.dataset.back || "",
                     type: type, filename: "recording." + (type.includes("ogg") ? "ogg" : "webm") };
    try {
      addAttachment((await sendInPieces(panel.dataset.pieces, fields, recorded, token, progress,
                                         panel.dataset)).html);
      state.textContent = label("saved");
    } catch (error) {
      state.textContent = panel.dataset.failedLabel + error.message;
    } finally {
      startButton.disabled = false;
      progress.hidden = true;
    }
  }

  startButton.addEventListener("click", start);
  stopButton.addEventListener("click", stop);
  window.addEventListener("beforeunload", (event) => { if (media) event.preventDefault(); });
  return { isRecording: () => media !== null, stop: stop };
}
