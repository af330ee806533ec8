'use strict';

const { hookTrigger } = require('../lib/rest_hook');
const samples = require('../lib/samples');

// REST hook on `item.updated`: POST /v1/hooks on turn-on, DELETE /v1/hooks/{id} on turn-off,
// GET /v1/hooks/events/item.updated for samples.
module.exports = hookTrigger({
  key: 'item_updated',
  event: 'item.updated',
  noun: 'Item',
  label: 'Item Updated',
  description: 'Triggers when an item changes (any field).',
  sample: samples.itemUpdated,
  outputFields: samples.itemOutputFields,
});
