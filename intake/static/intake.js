// Testimony Intake: the only script. Progressive enhancement: every page works without it.
// 1. Ctrl+Shift+L locks at once. 2. Idle for the configured time locks too (the server also
// enforces this). 3. Interview forms autosave every few seconds while something changed.
"use strict";
(function () {
  const body = document.body;
  const lockForm = document.getElementById("lock-form");
  const lock = () => { if (lockForm) lockForm.submit(); };

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey && event.shiftKey && (event.key === "L" || event.key === "l")) {
      event.preventDefault();
      lock();
    }
  });

  const idleSeconds = Number(body.dataset.idleSeconds || 0);
  if (lockForm && idleSeconds > 0) {
    let timer;
    const restart = () => { clearTimeout(timer); timer = setTimeout(lock, idleSeconds * 1000); };
    ["keydown", "pointerdown", "pointermove", "input", "scroll"].forEach((name) =>
      document.addEventListener(name, restart, { passive: true }));
    restart();
  }

  const form = document.querySelector("form[data-autosave]");
  if (!form) return;
  const status = document.getElementById("autosave-status");
  const every = Math.max(2, Number(body.dataset.autosaveSeconds || 10)) * 1000;
  let dirty = false;
  let saving = false;
  form.addEventListener("input", () => { dirty = true; });
  form.addEventListener("change", () => { dirty = true; });
  form.addEventListener("submit", () => { dirty = false; });

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
})();
