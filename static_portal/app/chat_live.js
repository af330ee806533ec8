// The workspace's end of the chat socket: one connection per signed-in agent (while the tenant's chat module is
// on), the waiting chats kept up to date from its frames, and the frames handed to whichever chat screen is open.
// The list is read from the API at start and after every reconnect (frames sent while we were away are lost);
// frames that arrive while that read is in flight are applied again on top of its answer, so a chat accepted
// meanwhile does not come back. Dependencies are passed in: node --test drives it with a fake socket.
import { waitingReduce } from "../js/chat_state.js";

/**
 * createAgentLive({loadWaiting, makeSocket}) → {start, stop, refresh, subscribe, waiting, count, status}
 * loadWaiting() resolves to the waiting chats (GET /v1/chats?state=waiting); makeSocket({onEvent, onStatus})
 * returns a socket like js/chat_socket.js's. subscribe(fn) calls fn({waiting, status, event?}) on every change.
 */
export function createAgentLive({ loadWaiting, makeSocket }) {
  let waiting = [];
  let status = "idle";
  let socket = null;
  let loading = null;
  let heard = null; // frames received while a read is in flight
  let generation = 0;
  const listeners = new Set();

  const emit = (event) => {
    for (const fn of listeners) {
      try {
        fn({ waiting, status, event });
      } catch {
        // one broken screen must not stop the others (or the nav count) from hearing
      }
    }
  };

  function onEvent(event) {
    if (heard) heard.push(event);
    waiting = waitingReduce(waiting, event);
    emit(event);
  }

  function onStatus(next) {
    status = next;
    if (next === "open") refresh().catch(() => {});
    emit(null);
  }

  async function refresh() {
    if (loading) return loading;
    const mine = generation;
    heard = [];
    loading = (async () => {
      try {
        const fresh = await loadWaiting();
        if (mine !== generation) return waiting;
        waiting = (heard || []).reduce(waitingReduce, fresh || []);
        emit(null);
        return waiting;
      } finally {
        heard = null;
        loading = null;
      }
    })();
    return loading;
  }

  return {
    start() {
      if (socket) return;
      generation += 1;
      socket = makeSocket({ onEvent, onStatus });
      socket.connect();
    },
    stop() {
      generation += 1;
      const s = socket;
      socket = null;
      s?.close();
      waiting = [];
      status = "idle";
      emit(null);
    },
    refresh,
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    get waiting() {
      return waiting;
    },
    get count() {
      return waiting.length;
    },
    get status() {
      return status;
    },
    get running() {
      return !!socket;
    },
  };
}
