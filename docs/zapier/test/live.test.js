'use strict';

// The app against a running Tandem: TANDEM_BASE_URL and TANDEM_API_KEY (scopes items:read, items:write, hooks);
// deliveries must reach 127.0.0.1, so the stack runs with TANDEM_ALLOW_PRIVATE_WEBHOOKS=1.
// tests/e2e/test_zapier_example.py starts such a stack, makes the key and runs this file.

// zapier-platform-core prints a memory line per call unless it knows it runs under a test
process.env.NODE_ENV = process.env.NODE_ENV || 'test';

const assert = require('node:assert/strict');
const http = require('node:http');
const { after, before, describe, test } = require('node:test');

const zapier = require('zapier-platform-core');
const App = require('../index');

const BASE_URL = process.env.TANDEM_BASE_URL;
const API_KEY = process.env.TANDEM_API_KEY;
const SKIP = !BASE_URL || !API_KEY ? 'set TANDEM_BASE_URL and TANDEM_API_KEY to run against a Tandem' : false;
const DELIVERY_WITHIN_MS = 60_000;

const appTester = zapier.createAppTester(App);
const authData = { api_key: API_KEY, base_url: BASE_URL };
const HOOK_TRIGGERS = ['new_item', 'item_updated', 'status_changed', 'new_message'];

/** A receiver on 127.0.0.1 that keeps every POST (path, headers, raw body) and answers 200. */
const startReceiver = () =>
  new Promise((resolve) => {
    const got = [];
    const server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        got.push({ path: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200).end();
      });
    });
    server.listen(0, '127.0.0.1', () => {
      resolve({ server, got, url: (path) => `http://127.0.0.1:${server.address().port}${path}` });
    });
  });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const waitFor = async (what, predicate) => {
  const deadline = Date.now() + DELIVERY_WITHIN_MS;
  for (;;) {
    const found = predicate();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
};

/** Straight to the API with the same key (to check what the app's functions did). */
const apiGet = async (path) => {
  const r = await fetch(`${BASE_URL.replace(/\/+$/, '')}${path}`, { headers: { Authorization: `Bearer ${API_KEY}` } });
  assert.equal(r.status, 200, `GET ${path}`);
  return r.json();
};

describe('the Zapier app against a running Tandem', { skip: SKIP, timeout: 180_000 }, () => {
  let receiver;
  const hooks = {};
  let item;

  const deliveries = (trigger) => receiver.got.filter((g) => g.path === `/${trigger}`);
  const deliveredFor = (trigger, match) =>
    waitFor(`a ${trigger} delivery`, () => deliveries(trigger).find((g) => match(JSON.parse(g.body))));
  const performOn = (trigger, delivery, content = delivery.body) =>
    appTester(App.triggers[trigger].operation.perform, {
      authData,
      subscribeData: hooks[trigger],
      cleanedRequest: JSON.parse(delivery.body),
      rawRequest: { method: 'POST', headers: delivery.headers, content },
    });

  before(async () => {
    receiver = await startReceiver();
  });
  after(() => receiver.server.close());

  test('the connection test answers the key name, which labels the connection', async () => {
    const answer = await appTester(App.authentication.test, { authData });
    assert.equal(typeof answer.tenant, 'string');
    assert.ok(answer.name, 'name');
    assert.equal(App.authentication.connectionLabel, '{{name}}');
    await assert.rejects(
      appTester(App.authentication.test, { authData: { ...authData, api_key: 'tdk_not_a_key' } }),
      /refused the API key/,
    );
  });

  test('performSubscribe creates one hook per trigger, with its secret', async () => {
    for (const trigger of HOOK_TRIGGERS) {
      const op = App.triggers[trigger].operation;
      hooks[trigger] = await appTester(op.performSubscribe, { authData, targetUrl: receiver.url(`/${trigger}`) });
      assert.match(hooks[trigger].secret, /^whsec_/);
    }
    const listed = (await apiGet('/v1/hooks')).items;
    for (const trigger of HOOK_TRIGGERS) {
      const hook = listed.find((h) => h.id === hooks[trigger].id);
      assert.ok(hook, trigger);
      assert.equal(hook.target_url, receiver.url(`/${trigger}`));
    }
  });

  test('create item → a signed delivery that perform turns into the trigger output', async () => {
    const types = await appTester(App.triggers.item_type.operation.perform, { authData });
    const ticket = types.find((t) => t.kind === 'ticket');
    item = await appTester(App.creates.create_item.operation.perform, {
      authData,
      inputData: { type_id: ticket.id, title: 'Zapped in', description: 'From the Zapier example', priority: '' },
    });
    assert.match(item.ref, /^[A-Z]+-\d+$/);
    assert.equal(item.title, 'Zapped in');

    const delivery = await deliveredFor('new_item', (p) => p.data.ref === item.ref);
    const output = await performOn('new_item', delivery);
    assert.equal(output.length, 1);
    assert.deepEqual(output[0], JSON.parse(delivery.body));
    assert.deepEqual(Object.keys(output[0]).sort(), ['created_at', 'data', 'id', 'type']);
    assert.equal(output[0].type, 'item.created');
    assert.equal(output[0].data.title, 'Zapped in');
    // A body that does not match its signature starts nothing
    const forged = delivery.body.replace('Zapped in', 'Forged!!!');
    await assert.rejects(performOn('new_item', delivery, forged), /signature/);
  });

  test('performList returns the same shape as a delivery, newest first with unique ids', async () => {
    const delivered = JSON.parse((await deliveredFor('new_item', (p) => p.data.ref === item.ref)).body);
    const listed = await appTester(App.triggers.new_item.operation.performList, { authData });
    const mine = listed.find((p) => p.data.ref === item.ref);
    assert.ok(mine, 'the new item is in the polling list');
    assert.deepEqual(Object.keys(mine).sort(), Object.keys(delivered).sort());
    assert.deepEqual(Object.keys(mine.data).sort(), Object.keys(delivered.data).sort());
    assert.equal(mine.id, delivered.id);
    assert.equal(new Set(listed.map((p) => p.id)).size, listed.length);
    const times = listed.map((p) => p.created_at);
    assert.deepEqual(times, [...times].sort().reverse());
  });

  test('update item → item updated and status changed deliveries', async () => {
    const updated = await appTester(App.creates.update_item.operation.perform, {
      authData,
      inputData: { ref: item.ref, title: 'Zapped and updated', status: 'open', description: '' },
    });
    assert.equal(updated.title, 'Zapped and updated');
    assert.equal(updated.status, 'open');
    assert.equal(updated.description, 'From the Zapier example', 'blank fields are left alone');

    const changed = await deliveredFor('item_updated', (p) => p.data.ref === item.ref);
    const [output] = await performOn('item_updated', changed);
    assert.equal(output.type, 'item.updated');
    const polled = await appTester(App.triggers.item_updated.operation.performList, { authData });
    const same = polled.find((p) => p.id === output.id);
    assert.ok(same, 'the polling list names the delivered event with the same id');
    assert.deepEqual(Object.keys(same.data).sort(), Object.keys(output.data).sort());
    const status = await deliveredFor('status_changed', (p) => p.data.ref === item.ref);
    const [statusOutput] = await performOn('status_changed', status);
    assert.equal(statusOutput.type, 'item.status_changed');
    assert.equal(statusOutput.data.status, 'open');
  });

  test('add message → a new message delivery', async () => {
    const message = await appTester(App.creates.add_message.operation.perform, {
      authData,
      inputData: { ref: item.ref, body: 'Hello from Zapier', visibility: 'public' },
    });
    assert.equal(message.body, 'Hello from Zapier');
    assert.equal(message.visibility, 'public');
    const delivery = await deliveredFor('new_message', (p) => p.data.item_ref === item.ref);
    const [output] = await performOn('new_message', delivery);
    assert.equal(output.type, 'message.created');
    assert.equal(output.data.body, 'Hello from Zapier');
    const listed = await appTester(App.triggers.new_message.operation.performList, { authData });
    assert.ok(listed.some((p) => p.id === output.id), 'the polling list has the delivered message event');
  });

  test('find item by reference; an unknown reference finds nothing', async () => {
    const found = await appTester(App.searches.find_item.operation.perform, {
      authData,
      inputData: { ref: ` ${item.ref} ` },
    });
    assert.equal(found.length, 1);
    assert.equal(found[0].ref, item.ref);
    assert.equal(found[0].title, 'Zapped and updated');
    const none = await appTester(App.searches.find_item.operation.perform, {
      authData,
      inputData: { ref: 'T-999999' },
    });
    assert.deepEqual(none, []);
  });

  test('an action with a bad field fails with the API message', async () => {
    await assert.rejects(
      appTester(App.creates.update_item.operation.perform, {
        authData,
        inputData: { ref: item.ref, due_date: 'next week' },
      }),
      /due_date/,
    );
  });

  test('performUnsubscribe removes the hooks; later events are not delivered', async () => {
    for (const trigger of HOOK_TRIGGERS) {
      const op = App.triggers[trigger].operation;
      await appTester(op.performUnsubscribe, { authData, subscribeData: hooks[trigger] });
    }
    const ids = new Set((await apiGet('/v1/hooks')).items.map((h) => h.id));
    for (const trigger of HOOK_TRIGGERS) {
      assert.equal(ids.has(hooks[trigger].id), false, trigger);
    }
    const before = receiver.got.length;
    await appTester(App.creates.add_message.operation.perform, {
      authData,
      inputData: { ref: item.ref, body: 'Nobody listens', visibility: 'private' },
    });
    await sleep(5_000);
    assert.equal(receiver.got.length, before);
  });
});
