'use strict';

// Standard Webhooks verification (https://www.standardwebhooks.com): `webhook-signature` holds one or more
// space-separated `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed by the base64 part of `whsec_…`.

const crypto = require('crypto');

const TOLERANCE_SECONDS = 5 * 60;

/** The header's value whatever its spelling: `webhook-id`, `Webhook-Id` or Zapier's `Http-Webhook-Id`. */
const header = (headers, name) => {
  for (const [key, value] of Object.entries(headers || {})) {
    const k = key.toLowerCase().replace(/_/g, '-');
    if (k === name || k === `http-${name}`) {
      return Array.isArray(value) ? value[0] : value;
    }
  }
  return undefined;
};

/** The `v1,…` signature of one message. */
const sign = (secret, id, timestamp, body) => {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const mac = crypto.createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return `v1,${mac}`;
};

/** True when one of the signatures matches and the timestamp is within five minutes of `now` (seconds). */
const verifyWebhook = (secret, headers, body, now = Date.now() / 1000) => {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures || !/^\d+$/.test(timestamp)) {
    return false;
  }
  if (Math.abs(now - Number(timestamp)) > TOLERANCE_SECONDS) {
    return false;
  }
  const expected = Buffer.from(sign(secret, id, timestamp, body));
  return signatures.split(' ').some((candidate) => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && crypto.timingSafeEqual(given, expected);
  });
};

module.exports = { sign, verifyWebhook };
