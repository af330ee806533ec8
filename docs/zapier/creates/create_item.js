'use strict';

const { api, given } = require('../lib/http');
const samples = require('../lib/samples');

// POST /v1/items (ItemCreate: type_id and title required) → 201 Item.
const perform = async (z, bundle) => {
  const body = given(bundle.inputData, ['type_id', 'title', 'description', 'priority', 'requester', 'project_id']);
  if (bundle.inputData.tags) {
    body.tags = [].concat(bundle.inputData.tags).filter(Boolean);
  }
  const response = await z.request({ url: api(bundle, '/v1/items'), method: 'POST', body });
  return response.data;
};

module.exports = {
  key: 'create_item',
  noun: 'Item',
  display: { label: 'Create Item', description: 'Creates a ticket or task.' },
  operation: {
    inputFields: [
      { key: 'type_id', label: 'Item type', required: true, dynamic: 'item_type.id.name' },
      { key: 'title', label: 'Title', required: true },
      { key: 'description', label: 'Description', type: 'text' },
      { key: 'priority', label: 'Priority', helpText: 'e.g. low, normal, high, urgent' },
      { key: 'requester', label: 'Requester email', helpText: 'The customer the item is for.' },
      { key: 'project_id', label: 'Project ID' },
      { key: 'tags', label: 'Tags', list: true },
    ],
    perform,
    sample: { ...samples.item, version: 1 },
  },
};
