// The chat socket: same-origin URL, backoff with jitter, frames queued while closed, and frames with a client_id
// resent after every reconnect until the server acknowledges them (so a resend is never a second message).
import { test } from "node:test";
import assert from "node:assert/strict";
import { backoffDelay, chatSocketUrl, createChatSocket } from "../../static_portal/js/chat_socket.js";
import { fakeWebSocketClass, manualTimers } from "./chat_fakes.mjs";

function setup(extra = {}) {
  const ws = fakeWebSocketClass();
  const timers = manualTimers();
  const events = [];
  const statuses = [];
  const socket = createChatSocket({
    url: "ws://desk.test/v1/ws?tenant=acme",
    WebSocketImpl: ws.FakeWebSocket,
    timers,
    random: () => 1,
    pingEvery: 0,
    onEvent: (e) => events.push(e),
    onStatus: (s) => statuses.push(s),
    ...extra,
  });
  return { ws, timers, events, statuses, socket };
}

test("backoff doubles from the base, stops at the cap, and jitter keeps it between half and all of it", () => {
  const full = (n) => backoffDelay(n, { base: 1000, max: 30000, random: () => 1 });
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 40].map(full), [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  assert.equal(backoffDelay(3, { base: 1000, max: 30000, random: () => 0 }), 4000);
  assert.equal(backoffDelay(3, { base: 1000, max: 30000, random: () => 0.5 }), 6000);
});

test("the socket URL is the page's own origin: ws under http, wss under https, empty values left out", () => {
  assert.equal(chatSocketUrl({ protocol: "http:", host: "127.0.0.1:8000" }, { tenant: "acme", visitor: "v1", token: "" }), "ws://127.0.0.1:8000/v1/ws?tenant=acme&visitor=v1");
  assert.equal(chatSocketUrl({ protocol: "https:", host: "help.example.com" }, { tenant: "acme" }), "wss://help.example.com/v1/ws?tenant=acme");
});

test("frames sent before the socket opens go out in order once it opens; one without client_id only once", () => {
  const { ws, socket, statuses } = setup();
  socket.connect();
  socket.send({ action: "start", text: "Hello", client_id: "c1" });
  socket.send({ action: "typing", chat_id: "ch1" });
  assert.equal(ws.sockets.length, 1);
  assert.equal(ws.last().url, "ws://desk.test/v1/ws?tenant=acme");
  ws.last().open();
  assert.deepEqual(ws.last().sent.map((f) => f.action), ["start", "typing"]);
  assert.deepEqual(statuses, ["connecting", "open"]);
  assert.deepEqual(socket.pending(), ["c1"]);
});

test("server frames are parsed and handed on; text that is not JSON is ignored", () => {
  const { ws, socket, events } = setup();
  socket.connect();
  ws.last().open();
  ws.last().receive("keep-alive");
  ws.last().receive({ type: "chat.waiting", chat: { id: "ch1", state: "waiting" } });
  assert.deepEqual(events, [{ type: "chat.waiting", chat: { id: "ch1", state: "waiting" } }]);
});

test("a drop reconnects after a growing backoff; only a connection that stayed up starts the count again", () => {
  let clock = 0;
  const { ws, timers, socket, statuses } = setup({ now: () => clock });
  socket.connect();
  ws.last().drop();
  assert.equal(statuses.at(-1), "retrying");
  timers.fire();
  ws.last().drop();
  timers.fire();
  ws.last().drop();
  assert.deepEqual(timers.delays, [1000, 2000, 4000]);
  // A server that accepts and hangs up at once is not knocked at faster
  timers.fire();
  ws.last().open();
  clock += 500;
  ws.last().drop();
  assert.equal(timers.delays.at(-1), 8000);
  // A connection that lived past the stable time: the next drop waits the base again
  timers.fire();
  ws.last().open();
  clock += 60_000;
  ws.last().drop();
  assert.deepEqual(timers.delays, [1000, 2000, 4000, 8000, 1000]);
  assert.equal(ws.sockets.length, 5);
});

test("an unacknowledged message is resent with the same client_id after a reconnect; an acknowledged one is not", () => {
  const { ws, timers, socket } = setup();
  socket.connect();
  ws.last().open();
  socket.send({ action: "send", chat_id: "ch1", text: "first", client_id: "m1" });
  socket.send({ action: "send", chat_id: "ch1", text: "second", client_id: "m2" });
  // The server confirms the first by echoing its client_id, then the line drops before the second's answer.
  ws.last().receive({ type: "chat.message", chat: { id: "ch1" }, message: { id: "msg-1", text: "first", client_id: "m1" } });
  ws.last().drop();
  timers.fire();
  ws.last().open();
  assert.deepEqual(ws.last().sent, [{ action: "send", chat_id: "ch1", text: "second", client_id: "m2" }]);
  assert.deepEqual(socket.pending(), ["m2"]);
  ws.last().receive({ type: "chat.message", chat: { id: "ch1" }, message: { id: "msg-2", text: "second", client_id: "m2" } });
  assert.deepEqual(socket.pending(), []);
});

test("sending the same client_id twice queues it once; an error frame naming it stops the resending", () => {
  const { ws, socket } = setup();
  socket.connect();
  socket.send({ action: "send", chat_id: "ch1", text: "hi", client_id: "m1" });
  socket.send({ action: "send", chat_id: "ch1", text: "hi", client_id: "m1" });
  ws.last().open();
  assert.equal(ws.last().sent.length, 1);
  ws.last().receive({ type: "error", client_id: "m1", error: { code: "chat_closed", message: "The chat has ended" } });
  assert.deepEqual(socket.pending(), []);
});

test("close() stops reconnecting and closes the connection normally", () => {
  const { ws, timers, socket, statuses } = setup();
  socket.connect();
  ws.last().open();
  ws.last().drop();
  assert.equal(timers.count(), 1);
  socket.close();
  assert.equal(timers.count(), 0);
  assert.equal(statuses.at(-1), "closed");
  socket.connect();
  ws.last().open();
  socket.close();
  assert.equal(ws.last().closedWith, 1000);
  assert.equal(timers.count(), 0);
});

test("retryNow() skips the rest of the backoff wait", () => {
  const { ws, timers, socket } = setup();
  socket.connect();
  ws.last().drop();
  assert.equal(ws.sockets.length, 1);
  socket.retryNow();
  assert.equal(ws.sockets.length, 2);
  assert.equal(timers.count(), 0);
});

test("a constructor that throws (a blocked URL) is retried like a drop", () => {
  let calls = 0;
  class Refusing {
    constructor() {
      calls += 1;
      throw new Error("SecurityError");
    }
  }
  const timers = manualTimers();
  const socket = createChatSocket({ url: "ws://x/v1/ws", WebSocketImpl: Refusing, timers, random: () => 1 });
  socket.connect();
  assert.equal(calls, 1);
  assert.equal(socket.status, "retrying");
  timers.fire();
  assert.equal(calls, 2);
});

test("an open socket pings now and then so an idle one is not hung up; a closed one stops pinging", () => {
  const { ws, timers, socket } = setup({ pingEvery: 300000 });
  socket.connect();
  ws.last().open();
  assert.deepEqual(timers.delays, [300000]);
  timers.fire();
  timers.fire();
  assert.deepEqual(ws.last().sent, [{ action: "ping" }, { action: "ping" }]);
  socket.close();
  assert.equal(timers.count(), 0);
});
