// The workspace's chat feed: the waiting list read at start and after each reconnect, kept live by frames, and
// frames that arrive while a read is in flight applied on top of its (older) answer.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createAgentLive } from "../../static_portal/app/chat_live.js";

function fakeSocket() {
  const s = { connected: 0, closed: 0, handlers: null };
  s.make = (handlers) => {
    s.handlers = handlers;
    return { connect: () => (s.connected += 1), close: () => (s.closed += 1) };
  };
  return s;
}
const chat = (id, created_at = "2026-03-02T10:00:00Z") => ({ id, state: "waiting", created_at, visitor: { name: id } });

test("the waiting list comes from the API and follows the socket's frames", async () => {
  const socket = fakeSocket();
  const live = createAgentLive({ loadWaiting: async () => [chat("a")], makeSocket: socket.make });
  const seen = [];
  live.subscribe(({ waiting }) => seen.push(waiting.length));
  live.start();
  await live.refresh();
  assert.equal(live.count, 1);
  socket.handlers.onEvent({ type: "chat.waiting", chat: chat("b", "2026-03-02T10:02:00Z") });
  assert.deepEqual(live.waiting.map((c) => c.id), ["a", "b"]);
  socket.handlers.onEvent({ type: "chat.accepted", chat: { id: "a", state: "active" } });
  assert.deepEqual(live.waiting.map((c) => c.id), ["b"]);
  assert.equal(seen.at(-1), 1);
});

test("a chat accepted while the list is being read does not come back with the (older) answer", async () => {
  const socket = fakeSocket();
  let answer;
  const live = createAgentLive({ loadWaiting: () => new Promise((resolve) => (answer = resolve)), makeSocket: socket.make });
  live.start();
  const reading = live.refresh();
  socket.handlers.onEvent({ type: "chat.accepted", chat: { id: "a", state: "active" } });
  socket.handlers.onEvent({ type: "chat.waiting", chat: chat("c", "2026-03-02T10:09:00Z") });
  answer([chat("a"), chat("b", "2026-03-02T10:01:00Z")]);
  await reading;
  assert.deepEqual(live.waiting.map((c) => c.id), ["b", "c"]);
});

test("every (re)opened connection reads the list again: frames sent while away are not lost", async () => {
  const socket = fakeSocket();
  let reads = 0;
  const live = createAgentLive({ loadWaiting: async () => (reads += 1, [chat(`x${reads}`)]), makeSocket: socket.make });
  live.start();
  socket.handlers.onStatus("open");
  await new Promise((r) => setImmediate(r));
  socket.handlers.onStatus("retrying");
  socket.handlers.onStatus("open");
  await new Promise((r) => setImmediate(r));
  assert.equal(reads, 2);
  assert.equal(live.status, "open");
  assert.deepEqual(live.waiting.map((c) => c.id), ["x2"]);
});

test("stop() hangs up and empties the list; start() twice opens one socket", () => {
  const socket = fakeSocket();
  const live = createAgentLive({ loadWaiting: async () => [], makeSocket: socket.make });
  live.start();
  live.start();
  assert.equal(socket.connected, 1);
  socket.handlers.onEvent({ type: "chat.waiting", chat: chat("a") });
  live.stop();
  assert.equal(socket.closed, 1);
  assert.equal(live.count, 0);
  assert.equal(live.running, false);
});
