// Fakes shared by the chat tests: a WebSocket the test opens, feeds and drops, timers it runs by hand, a Storage.

/** A WebSocket class whose instances the test drives: open(), receive(frame), drop(); `sent` holds parsed frames. */
export function fakeWebSocketClass() {
  const sockets = [];
  class FakeWebSocket {
    constructor(url) {
      this.url = url;
      this.readyState = 0;
      this.sent = [];
      this.closedWith = null;
      sockets.push(this);
    }
    send(data) {
      if (this.readyState !== 1) throw new Error("not open");
      this.sent.push(JSON.parse(data));
    }
    close(code) {
      this.closedWith = code;
      this.readyState = 3;
      this.onclose?.({ code });
    }
    open() {
      this.readyState = 1;
      this.onopen?.({});
    }
    receive(frame) {
      this.onmessage?.({ data: typeof frame === "string" ? frame : JSON.stringify(frame) });
    }
    drop() {
      this.readyState = 3;
      this.onerror?.({});
      this.onclose?.({ code: 1006 });
    }
  }
  return { FakeWebSocket, sockets, last: () => sockets[sockets.length - 1] };
}

/** Timers that never fire by themselves: `delays` records each wait asked for, fire() runs the pending ones. */
export function manualTimers() {
  const pending = new Map();
  const delays = [];
  let next = 1;
  return {
    delays,
    set: (fn, ms) => {
      delays.push(ms);
      pending.set(next, fn);
      return next++;
    },
    clear: (id) => pending.delete(id),
    count: () => pending.size,
    fire() {
      const fns = [...pending.values()];
      pending.clear();
      fns.forEach((fn) => fn());
    },
  };
}

export function memoryStorage() {
  const data = new Map();
  return {
    getItem: (k) => (data.has(k) ? data.get(k) : null),
    setItem: (k, v) => data.set(k, String(v)),
    removeItem: (k) => data.delete(k),
    data,
  };
}
