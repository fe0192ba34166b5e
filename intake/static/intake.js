// Testimony Intake: the only script. Progressive enhancement: every page works without it.
// 1. Ctrl+Shift+L locks at once. 2. Idle for the configured time locks too (the server also
// enforces this). 3. Interview forms autosave every few seconds while something changed.
// 4. With the survivor's consent to audio, the interviewer can record in the page; the recording
// is posted (and encrypted by the server) when they stop, or before they leave the page.
"use strict";
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
      timer = setTimeout(() => (recording() ? restart() : lock()), idleSeconds * 1000);
    };
    ["keydown", "pointerdown", "pointermove", "input", "scroll"].forEach((name) =>
      document.addEventListener(name, restart, { passive: true }));
    restart();
  }

  setUpAutosave(document.querySelector("form[data-autosave]"), recorder);
})();

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
      if (!response.ok) throw new Error(String(response.status));
      const result = await response.json();
      if (status) status.textContent = (form.dataset.savedLabel || "✓") + " " + result.saved_at;
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
  const list = document.querySelector("[data-attachment-list]");
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
    const data = new FormData();
    data.append("csrf_token", token);
    data.append("kind", "audio");
    data.append("duration", seconds.toFixed(1));
    data.append("back", panel.dataset.back || "");
    data.append("file", new Blob(pieces, { type: type }), "recording." + (type.includes("ogg") ? "ogg" : "webm"));
    pieces = [];
    try {
      const response = await fetch(panel.dataset.action, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" }, redirect: "error",
      });
      // A refusal answers JSON with its reason; a page (too large, signed out) only a status.
      const result = await response.json().catch(() => ({ error: String(response.status) }));
      if (!response.ok) throw new Error(result.error || String(response.status));
      list.insertAdjacentHTML("beforeend", result.html);
      const empty = document.querySelector("[data-attachment-empty]");
      if (empty) empty.remove();
      state.textContent = label("saved");
    } catch (error) {
      state.textContent = panel.dataset.failedLabel + error.message;
    } finally {
      startButton.disabled = false;
    }
  }

  startButton.addEventListener("click", start);
  stopButton.addEventListener("click", stop);
  window.addEventListener("beforeunload", (event) => { if (media) event.preventDefault(); });
  return { isRecording: () => media !== null, stop: stop };
}
