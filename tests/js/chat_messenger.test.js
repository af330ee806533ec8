// The widget's messenger over the real socket client and a fake WebSocket: start, live messages both ways,
// a reconnect that resends what the server did not confirm (same client_id), a reload that picks the chat up
// again, and a missed chat that hangs up.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createChatSocket } from "../../static_portal/js/chat_socket.js";
import { createMessenger } from "../../static_portal/widget/messenger.js";
import { fakeWebSocketClass, manualTimers, memoryStorage } from "./chat_fakes.mjs";

function harness(storage = memoryStorage()) {
  const ws = fakeWebSocketClass();
  const timers = manualTimers();
  const queries = [];
  const make = () =>
    createMessenger({
      slug: "acme",
      storage,
      now: () => "2026-03-02T10:00:00Z",
      makeSocket: ({ query, onEvent, onStatus }) => {
        queries.push(query);
        return createChatSocket({ url: `ws://desk.test/v1/ws?${new URLSearchParams(query)}`, WebSocketImpl: ws.FakeWebSocket, timers, random: () => 1, pingEvery: 0, onEvent, onStatus });
      },
    });
  return { ws, timers, storage, queries, make };
}

const waiting = { type: "chat.waiting", chat: { id: "ch1", state: "waiting" } };

test("start connects as this visitor and sends the start frame with the page; 'waiting' confirms it", () => {
  const { ws, queries, make } = harness();
  const m = make();
  m.start({ name: "Vera", email: "vera@clinic.example", text: "My login fails", pageUrl: "https://intranet.clinic.example/rota" });
  assert.equal(m.state.phase, "starting");
  ws.last().open();
  const [frame] = ws.last().sent;
  assert.deepEqual({ ...frame, client_id: "?" }, { action: "start", name: "Vera", email: "vera@clinic.example", page_url: "https://intranet.clinic.example/rota", text: "My login fails", client_id: "?" });
  assert.equal(queries[0].tenant, "acme");
  assert.ok(queries[0].visitor, "an anonymous visitor is known by a random key");
  ws.last().receive(waiting);
  assert.equal(m.state.phase, "waiting");
  assert.equal(m.state.messages[0].pending, false);
});

test("the visitor key is kept: the next messenger of this browser connects with the same one", () => {
  const h = harness();
  h.make().start({ name: "V", email: "v@x.example", text: "hi" });
  const again = harness(h.storage);
  again.make().start({ name: "V", email: "v@x.example", text: "hi" });
  assert.equal(again.queries[0].visitor, h.queries[0].visitor);
});

test("messages both ways; a drop before the server confirmed one resends it once, with the same client_id", () => {
  const { ws, timers, make } = harness();
  const m = make();
  m.start({ name: "Vera", email: "vera@clinic.example", text: "My login fails" });
  ws.last().open();
  ws.last().receive(waiting);
  ws.last().receive({ type: "chat.accepted", chat: { id: "ch1", state: "active", agent: { name: "Andy" } } });
  ws.last().receive({ type: "chat.message", chat: { id: "ch1" }, message: { id: "a1", author: { name: "Andy", role: "agent" }, text: "Hello Vera", created_at: "2026-03-02T10:01:00Z" } });
  assert.equal(m.send("It says password expired"), true);
  const sent = ws.last().sent.at(-1);
  assert.equal(sent.action, "send");
  assert.equal(sent.chat_id, "ch1");
  ws.last().drop();
  timers.fire();
  ws.last().open();
  assert.deepEqual(ws.last().sent, [sent], "only the unconfirmed message, not the start, is sent again");
  ws.last().receive({ type: "chat.message", chat: { id: "ch1" }, message: { id: "v2", author: { name: "Vera", role: "visitor" }, text: sent.text, client_id: sent.client_id } });
  assert.deepEqual(m.state.messages.map((x) => [x.text, !!x.pending]), [["My login fails", false], ["Hello Vera", false], ["It says password expired", false]]);
  ws.last().drop();
  timers.fire();
  ws.last().open();
  assert.deepEqual(ws.last().sent, [], "a confirmed message is never sent again");
});

test("a reload of the panel resumes the chat and resends the unconfirmed message with its client_id", () => {
  const first = harness();
  const m = first.make();
  m.start({ name: "Vera", email: "vera@clinic.example", text: "hello" });
  first.ws.last().open();
  first.ws.last().receive(waiting);
  m.send("are you there?");
  const lost = first.ws.last().sent.at(-1);
  // The host page navigates: a new panel, a new messenger over the same storage.
  const second = harness(first.storage);
  const again = second.make();
  assert.equal(again.state.phase, "waiting");
  assert.equal(again.resume(), true);
  second.ws.last().open();
  assert.deepEqual(second.ws.last().sent, [lost]);
  assert.equal(second.queries[0].visitor, first.queries[0].visitor);
});

test("a start the server never answered is sent again after a reload, with the same client_id", () => {
  const first = harness();
  first.make().start({ name: "Vera", email: "vera@clinic.example", text: "hello" });
  first.ws.last().open();
  const start = first.ws.last().sent[0];
  const second = harness(first.storage);
  const again = second.make();
  again.resume();
  second.ws.last().open();
  assert.deepEqual(second.ws.last().sent, [start]);
});

test("a missed chat tells the visitor and hangs up; nothing is resumed after a reload", () => {
  const h = harness();
  const m = h.make();
  m.start({ name: "Vera", email: "vera@clinic.example", text: "hello" });
  h.ws.last().open();
  h.ws.last().receive(waiting);
  h.ws.last().receive({ type: "chat.missed", chat: { id: "ch1", state: "missed", item_ref: "T-9" } });
  assert.equal(m.state.phase, "missed");
  assert.equal(h.ws.last().closedWith, 1000);
  assert.equal(h.timers.count(), 0, "no reconnect is scheduled");
  const again = harness(h.storage).make();
  assert.equal(again.state.phase, "missed");
  assert.equal(again.resume(), false);
  again.reset();
  assert.equal(again.state.phase, "form");
  assert.equal(again.state.visitor.email, "vera@clinic.example");
});

test("subscribers hear every change, the connection status among them", () => {
  const { ws, make } = harness();
  const m = make();
  const heard = [];
  m.subscribe((state, connection) => heard.push([state.phase, connection]));
  m.start({ name: "V", email: "v@x.example", text: "hi" });
  ws.last().open();
  assert.deepEqual(heard.at(-1), ["starting", "open"]);
  ws.last().receive(waiting);
  assert.deepEqual(heard.at(-1), ["waiting", "open"]);
});
