'use strict';

// Checks that need no running Tandem: the app is a valid Zapier app definition, and the Standard Webhooks
// verification agrees with the spec's published test vector.

const assert = require('node:assert/strict');
const { test } = require('node:test');

const schema = require('zapier-platform-core/src/tools/schema');
const App = require('../index');
const { sign, verifyWebhook } = require('../lib/signature');

const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: '1614265330',
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

test('the app validates against the Zapier platform schema', () => {
  assert.deepEqual(schema.validateApp(schema.prepareApp(App)), []);
  assert.deepEqual(Object.keys(App.triggers).sort(), [
    'item_type',
    'item_updated',
    'new_item',
    'new_message',
    'status_changed',
  ]);
  for (const key of ['new_item', 'item_updated', 'status_changed', 'new_message']) {
    const op = App.triggers[key].operation;
    assert.equal(op.type, 'hook', key);
    for (const fn of ['performSubscribe', 'performUnsubscribe', 'perform', 'performList']) {
      assert.equal(typeof op[fn], 'function', `${key}.${fn}`);
    }
  }
});

test('signing matches the Standard Webhooks test vector', () => {
  assert.equal(sign(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.body), VECTOR.signature);
});

test('verification accepts the vector, a rotated pair and Zapier header spelling; refuses tampering and age', () => {
  const now = Number(VECTOR.timestamp) + 10;
  const headers = {
    'webhook-id': VECTOR.id,
    'webhook-timestamp': VECTOR.timestamp,
    'webhook-signature': VECTOR.signature,
  };
  assert.equal(verifyWebhook(VECTOR.secret, headers, VECTOR.body, now), true);
  const rotated = { ...headers, 'webhook-signature': `v1,bm90IHRoZSByaWdodCBvbmU= ${VECTOR.signature}` };
  assert.equal(verifyWebhook(VECTOR.secret, rotated, VECTOR.body, now), true);
  const zapierStyle = {
    'Http-Webhook-Id': VECTOR.id,
    'Http-Webhook-Timestamp': VECTOR.timestamp,
    'Http-Webhook-Signature': VECTOR.signature,
  };
  assert.equal(verifyWebhook(VECTOR.secret, zapierStyle, VECTOR.body, now), true);
  assert.equal(verifyWebhook(VECTOR.secret, headers, '{"test": 2432232315}', now), false);
  assert.equal(verifyWebhook(VECTOR.secret, headers, VECTOR.body, now + 600), false);
  assert.equal(verifyWebhook(VECTOR.secret, { 'webhook-id': VECTOR.id }, VECTOR.body, now), false);
});
