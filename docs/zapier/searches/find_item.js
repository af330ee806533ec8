'use strict';

const { api } = require('../lib/http');
const samples = require('../lib/samples');

// GET /v1/items/{ref} → [Item], or [] when there is no such item (404), so "Find or create" can create it.
const perform = async (z, bundle) => {
  const ref = encodeURIComponent(String(bundle.inputData.ref).trim());
  const response = await z.request({ url: api(bundle, `/v1/items/${ref}`), skipThrowForStatus: true });
  if (response.status === 404) {
    return [];
  }
  response.throwForStatus();
  return [response.data];
};

module.exports = {
  key: 'find_item',
  noun: 'Item',
  display: { label: 'Find Item', description: 'Finds an item by its reference (e.g. T-42).' },
  operation: {
    inputFields: [{ key: 'ref', label: 'Item reference', required: true, helpText: 'e.g. T-42' }],
    perform,
    sample: { ...samples.item, version: 1 },
  },
};
