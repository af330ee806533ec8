// Live updates by polling `GET /v1/changes` with If-None-Match: a 304 (nothing new) costs one small
// request every few seconds; a new stamp makes the open screen refresh itself. Nothing is polled while
// the tab is hidden, and the first answer after it shows again is asked for at once.

/**
 * createPoller({fetchChanges, onChange, onUnread, interval, doc, timers}) → {start, stop, pollNow}
 * fetchChanges(etag) resolves to {status, etag, data: {stamp, unread}} (status 304: no data).
 * onChange(data) runs when the stamp differs from the last one seen (not on the first answer);
 * onUnread(count) runs on every answer that has a body.
 */
export function createPoller({
  fetchChanges,
  onChange,
  onUnread,
  interval = 5000,
  doc = globalThis.document,
  timers = { set: (fn, ms) => setTimeout(fn, ms), clear: (id) => clearTimeout(id) },
}) {
  let etag = null;
  let stamp = null;
  let timer = null;
  let running = false;
  let inFlight = null;
  const hidden = () => doc?.visibilityState === "hidden";

  const schedule = () => {
    if (running && timer === null && !hidden()) timer = timers.set(tick, interval);
  };

  async function poll() {
    const res = await fetchChanges(etag);
    if (!res || res.status === 304 || !res.data) return;
    etag = res.etag || null;
    const changed = stamp !== null && res.data.stamp !== stamp;
    stamp = res.data.stamp;
    onUnread?.(res.data.unread);
    if (changed) await onChange?.(res.data);
  }

  async function tick() {
    timer = null;
    if (!running || hidden() || inFlight) return;
    inFlight = poll()
      .catch(() => {
        // Offline or a deploy in progress: keep what is shown, ask again at the next tick.
      })
      .finally(() => {
        inFlight = null;
        schedule();
      });
    await inFlight;
  }

  const onVisibility = () => {
    if (!running) return;
    if (hidden()) {
      if (timer !== null) timers.clear(timer);
      timer = null;
    } else if (timer === null && !inFlight) {
      tick();
    }
  };

  return {
    start() {
      if (running) return;
      running = true;
      doc?.addEventListener?.("visibilitychange", onVisibility);
      tick();
    },
    stop() {
      running = false;
      if (timer !== null) timers.clear(timer);
      timer = null;
      doc?.removeEventListener?.("visibilitychange", onVisibility);
    },
    /** Ask now (after the person changed something): resolves when that answer is handled. */
    async pollNow() {
      if (inFlight) await inFlight;
      if (timer !== null) timers.clear(timer);
      await tick();
    },
    get running() {
      return running;
    },
  };
}
