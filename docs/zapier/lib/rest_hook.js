'use strict';

// One factory for the four REST-hook triggers: subscribe on turn-on, unsubscribe on turn-off, the delivered
// body as the trigger's output, and the polling list of the same event for Zapier's sample and test step.

const { api } = require('./http');
const { verifyWebhook } = require('./signature');

const subscribe = (event) => async (z, bundle) => {
  const response = await z.request({
    url: api(bundle, '/v1/hooks'),
    method: 'POST',
    body: { target_url: bundle.targetUrl, event },
  });
  // {id, event, target_url, secret, …}: Zapier keeps it as bundle.subscribeData for unsubscribe and perform.
  return response.data;
};

const unsubscribe = async (z, bundle) => {
  await z.request({ url: api(bundle, `/v1/hooks/${encodeURIComponent(bundle.subscribeData.id)}`), method: 'DELETE' });
  return {};
};

/**
 * A delivery arrived: its body `{id, type, created_at, data}` is the trigger's output (Zapier dedupes on `id`).
 * When Zapier hands over the raw request and the subscription's secret, the Standard Webhooks signature is
 * checked first, so a forged POST to the Zap's hook URL starts nothing.
 */
const perform = (event) => (z, bundle) => {
  const secret = bundle.subscribeData && bundle.subscribeData.secret;
  const raw = bundle.rawRequest;
  if (secret && raw && typeof raw.content === 'string' && raw.headers) {
    if (!verifyWebhook(secret, raw.headers, raw.content)) {
      throw new z.errors.Error('The webhook signature does not verify', 'bad_signature', 401);
    }
  }
  const payload = bundle.cleanedRequest;
  if (!payload || payload.type !== event) {
    return [];
  }
  return [payload];
};

const performList = (event) => async (z, bundle) => {
  const response = await z.request({ url: api(bundle, `/v1/hooks/events/${encodeURIComponent(event)}`) });
  return response.data.items;
};

/** A Zapier trigger definition of a Tandem event. */
const hookTrigger = ({ key, event, noun, label, description, sample, outputFields }) => ({
  key,
  noun,
  display: { label, description },
  operation: {
    type: 'hook',
    performSubscribe: subscribe(event),
    performUnsubscribe: unsubscribe,
    perform: perform(event),
    performList: performList(event),
    sample,
    outputFields,
  },
});

module.exports = { hookTrigger };
