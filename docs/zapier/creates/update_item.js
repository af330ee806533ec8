'use strict';

const { api, given } = require('../lib/http');
const samples = require('../lib/samples');

// PATCH /v1/items/{ref} (ItemPatch: every field optional; only the ones filled in are sent) → Item.
const perform = async (z, bundle) => {
  const body = given(bundle.inputData, ['title', 'description', 'status', 'priority', 'project_id', 'due_date']);
  if (bundle.inputData.tags) {
    body.tags = [].concat(bundle.inputData.tags).filter(Boolean);
  }
  const ref = encodeURIComponent(bundle.inputData.ref);
  const response = await z.request({ url: api(bundle, `/v1/items/${ref}`), method: 'PATCH', body });
  return response.data;
};

module.exports = {
  key: 'update_item',
  noun: 'Item',
  display: { label: 'Update Item', description: 'Changes the title, status, priority… of an item.' },
  operation: {
    inputFields: [
      { key: 'ref', label: 'Item reference', required: true, helpText: 'e.g. T-42' },
      { key: 'title', label: 'Title' },
      { key: 'description', label: 'Description', type: 'text' },
      { key: 'status', label: 'Status', helpText: "A status of the item's workflow, e.g. open or resolved" },
      { key: 'priority', label: 'Priority' },
      { key: 'project_id', label: 'Project ID' },
      { key: 'due_date', label: 'Due date', helpText: 'YYYY-MM-DD' },
      { key: 'tags', label: 'Tags (replace all)', list: true },
    ],
    perform,
    sample: { ...samples.item, status: 'open', status_category: 'open', version: 2 },
  },
};
