'use strict';

const { api } = require('../lib/http');
const samples = require('../lib/samples');

// POST /v1/items/{ref}/messages (MessageCreate: body, visibility public|private) → 201 Message.
const perform = async (z, bundle) => {
  const body = { body: bundle.inputData.body, visibility: bundle.inputData.visibility || 'public' };
  const ref = encodeURIComponent(bundle.inputData.ref);
  const response = await z.request({ url: api(bundle, `/v1/items/${ref}/messages`), method: 'POST', body });
  return response.data;
};

module.exports = {
  key: 'add_message',
  noun: 'Message',
  display: { label: 'Add Message', description: 'Replies to the requester or adds a private note to an item.' },
  operation: {
    inputFields: [
      { key: 'ref', label: 'Item reference', required: true, helpText: 'e.g. T-42' },
      { key: 'body', label: 'Message', required: true, type: 'text' },
      {
        key: 'visibility',
        label: 'Visibility',
        choices: { public: 'Public reply', private: 'Private note' },
        default: 'public',
      },
    ],
    perform,
    sample: {
      id: samples.message.id,
      author: samples.message.author_id,
      author_name: 'Zapier',
      body: samples.message.body,
      visibility: 'public',
      via: 'api',
      created_at: samples.message.created_at,
      mentions: [],
      attachments: [],
      html: null,
      quoted: '',
    },
  },
};
