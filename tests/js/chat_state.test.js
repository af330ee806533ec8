// Chat state: what each server frame does to the visitor's messenger, the agents' waiting list and an open
// conversation — never a duplicate message, an ended chat stays ended, another chat's frames change nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  chatOn,
  conversationReduce,
  initialVisitorState,
  mergeMessage,
  unconfirmedFrames,
  visitorReduce,
  waitedFor,
  waitingReduce,
} from "../../static_portal/js/chat_state.js";

const chat = (over = {}) => ({ id: "ch1", state: "waiting", visitor: { name: "Vera", email: "vera@clinic.example" }, created_at: "2026-03-02T10:00:00Z", ...over });
const agentMsg = (id, text) => ({ id, author: { id: "u1", name: "Andy Agent", role: "agent" }, text, created_at: "2026-03-02T10:01:00Z" });
const visitorMsg = (id, text, client_id) => ({ id, author: { name: "Vera", role: "visitor" }, text, created_at: "2026-03-02T10:01:00Z", client_id });

function started() {
  return visitorReduce(initialVisitorState(), { type: "start", name: "Vera", email: "vera@clinic.example", text: "My login fails", client_id: "s1", now: "2026-03-02T10:00:00Z" });
}

test("mergeMessage: the same id updates in place, our pending copy is replaced by the server's, others append", () => {
  let list = [{ id: null, client_id: "c1", text: "hello", local: true, pending: true, author: { role: "visitor" } }];
  list = mergeMessage(list, visitorMsg("m1", "hello", "c1"));
  assert.equal(list.length, 1);
  assert.deepEqual([list[0].id, list[0].pending, list[0].client_id], ["m1", false, "c1"]);
  list = mergeMessage(list, visitorMsg("m1", "hello", "c1"));
  assert.equal(list.length, 1, "a second delivery of the same message is not a second message");
  list = mergeMessage(list, agentMsg("m2", "Hi Vera"));
  assert.deepEqual(list.map((m) => m.id), ["m1", "m2"]);
});

test("mergeMessage: without an echoed client_id our pending message is matched by its text, on our side only", () => {
  const pending = [{ id: null, client_id: "c1", text: "ok", local: true, pending: true, author: { role: "visitor" } }];
  const theirs = mergeMessage(pending, agentMsg("m9", "ok"));
  assert.equal(theirs.length, 2, "the agent saying the same words is another message");
  assert.equal(theirs[0].pending, true);
  const ours = mergeMessage(pending, { id: "m3", author: { role: "customer", name: "Vera" }, text: "ok" });
  assert.equal(ours.length, 1);
  assert.deepEqual([ours[0].id, ours[0].client_id, ours[0].pending], ["m3", "c1", false]);
});

test("a visitor's chat: start shows the first message at once, then waiting, accepted, the agent's answer", () => {
  let s = started();
  assert.equal(s.phase, "starting");
  assert.deepEqual(s.messages.map((m) => [m.text, m.pending]), [["My login fails", true]]);
  s = visitorReduce(s, { type: "chat.waiting", chat: chat() });
  assert.equal(s.phase, "waiting");
  assert.equal(s.chat.id, "ch1");
  assert.equal(s.messages[0].pending, false, "the chat exists, so its opening message arrived");
  s = visitorReduce(s, { type: "chat.accepted", chat: chat({ state: "active", agent: { name: "Andy Agent" } }) });
  assert.equal(s.phase, "active");
  s = visitorReduce(s, { type: "chat.message", chat: chat({ state: "active" }), message: agentMsg("m2", "Let me check") });
  assert.deepEqual(s.messages.map((m) => m.text), ["My login fails", "Let me check"]);
  assert.equal(s.unread, 1);
  assert.equal(visitorReduce(s, { type: "seen" }).unread, 0);
});

test("the server's echo of the visitor's own message confirms it and is not counted as unread", () => {
  let s = visitorReduce(started(), { type: "chat.waiting", chat: chat() });
  s = visitorReduce(s, { type: "send", text: "Still there?", client_id: "c2", now: "2026-03-02T10:02:00Z" });
  assert.equal(s.messages.at(-1).pending, true);
  s = visitorReduce(s, { type: "chat.message", chat: chat(), message: visitorMsg("m5", "Still there?", "c2") });
  assert.equal(s.messages.length, 2);
  assert.deepEqual([s.messages[1].id, s.messages[1].pending], ["m5", false]);
  assert.equal(s.unread, 0);
});

test("a missed chat stays missed: a late 'waiting' frame does not reopen it, and nothing more can be sent", () => {
  let s = visitorReduce(started(), { type: "chat.waiting", chat: chat() });
  s = visitorReduce(s, { type: "chat.missed", chat: chat({ state: "missed", item_ref: "T-7" }) });
  assert.equal(s.phase, "missed");
  s = visitorReduce(s, { type: "chat.waiting", chat: chat() });
  assert.equal(s.phase, "missed");
  assert.equal(visitorReduce(s, { type: "send", text: "hello?", client_id: "c3" }), s);
  assert.deepEqual(unconfirmedFrames(s), []);
});

test("frames about another chat (an old tab of the same visitor) change nothing", () => {
  const s = visitorReduce(started(), { type: "chat.waiting", chat: chat() });
  assert.equal(visitorReduce(s, { type: "chat.message", chat: chat({ id: "other" }), message: agentMsg("x", "?") }), s);
  assert.equal(visitorReduce(initialVisitorState(), { type: "chat.waiting", chat: chat() }).phase, "form", "no chat was started here");
});

test("a refused start goes back to the form with the reason; a refused message is marked not sent", () => {
  const refused = visitorReduce(started(), { type: "error", client_id: "s1", message: "Chat is switched off" });
  assert.deepEqual([refused.phase, refused.error, refused.messages.length], ["form", "Chat is switched off", 0]);
  let s = visitorReduce(started(), { type: "chat.waiting", chat: chat() });
  s = visitorReduce(s, { type: "send", text: "x".repeat(3), client_id: "c4" });
  s = visitorReduce(s, { type: "error", client_id: "c4", message: "Too long" });
  assert.deepEqual([s.messages.at(-1).failed, s.messages.at(-1).error, s.messages.at(-1).pending], [true, "Too long", false]);
});

test("reset after a chat ended keeps the visitor's name and email for the next one", () => {
  let s = visitorReduce(started(), { type: "chat.waiting", chat: chat() });
  s = visitorReduce(s, { type: "chat.closed", chat: chat({ state: "closed" }) });
  s = visitorReduce(s, { type: "reset" });
  assert.deepEqual([s.phase, s.chat, s.messages, s.visitor], ["form", null, [], { name: "Vera", email: "vera@clinic.example" }]);
});

test("unconfirmedFrames: the messages to send again after a reload, with their client_ids, oldest first", () => {
  let s = visitorReduce(started(), { type: "chat.waiting", chat: chat() });
  s = visitorReduce(s, { type: "send", text: "one", client_id: "c1" });
  s = visitorReduce(s, { type: "send", text: "two", client_id: "c2" });
  s = visitorReduce(s, { type: "chat.message", chat: chat(), message: visitorMsg("m1", "one", "c1") });
  assert.deepEqual(unconfirmedFrames(s), [{ action: "send", chat_id: "ch1", text: "two", client_id: "c2" }]);
});

test("the waiting list: a new chat joins oldest first, once; accepted, closed or missed chats leave it", () => {
  let list = waitingReduce([], { type: "chat.waiting", chat: chat({ id: "b", created_at: "2026-03-02T10:05:00Z" }) });
  list = waitingReduce(list, { type: "chat.waiting", chat: chat({ id: "a", created_at: "2026-03-02T10:01:00Z" }) });
  list = waitingReduce(list, { type: "chat.waiting", chat: chat({ id: "b", created_at: "2026-03-02T10:05:00Z" }) });
  assert.deepEqual(list.map((c) => c.id), ["a", "b"]);
  list = waitingReduce(list, { type: "chat.message", chat: { id: "a" }, message: visitorMsg("m", "hello?", null) });
  assert.deepEqual(list.map((c) => c.id), ["a", "b"], "a message keeps a waiting chat waiting");
  assert.deepEqual(waitingReduce(list, { type: "chat.accepted", chat: chat({ id: "a", state: "active" }) }).map((c) => c.id), ["b"]);
  assert.deepEqual(waitingReduce(list, { type: "chat.missed", chat: chat({ id: "b", state: "missed" }) }).map((c) => c.id), ["a"]);
  assert.deepEqual(waitingReduce(list, { type: "chat.closed", chat: { id: "a" } }).map((c) => c.id), ["b"]);
  assert.equal(waitingReduce(list, { type: "noise" }), list);
});

test("an open conversation takes its own chat's frames only; a closed chat stays closed", () => {
  const conv = { chat: chat({ state: "active" }), messages: [visitorMsg("m1", "hello", null)] };
  assert.equal(conversationReduce(conv, { type: "chat.message", chat: { id: "zz" }, message: agentMsg("m9", "?") }), conv);
  let next = conversationReduce(conv, { type: "chat.message", chat: { id: "ch1" }, message: visitorMsg("m2", "anyone?", null) });
  next = conversationReduce(next, { type: "chat.message", chat: { id: "ch1" }, message: visitorMsg("m2", "anyone?", null) });
  assert.deepEqual(next.messages.map((m) => m.id), ["m1", "m2"]);
  next = conversationReduce(next, { type: "chat.closed", chat: { id: "ch1" } });
  assert.equal(next.chat.state, "closed");
  assert.equal(conversationReduce(next, { type: "chat.accepted", chat: { id: "ch1" } }).chat.state, "closed");
});

test("waitedFor says how long a chat has waited; chatOn is off unless the module says true", () => {
  const now = Date.parse("2026-03-02T11:05:30Z");
  assert.equal(waitedFor("2026-03-02T11:05:00Z", now), "under a minute");
  assert.equal(waitedFor("2026-03-02T11:01:00Z", now), "4 min");
  assert.equal(waitedFor("2026-03-02T10:00:00Z", now), "1 h 5 min");
  assert.equal(waitedFor("2026-03-02T09:05:00Z", now), "2 h");
  assert.equal(waitedFor("not a date", now), "");
  assert.deepEqual([chatOn({ chat: true }), chatOn({}), chatOn(undefined), chatOn({ chat: "yes" })], [true, false, false, false]);
});
