'use strict';

const { hookTrigger } = require('../lib/rest_hook');
const samples = require('../lib/samples');

// REST hook on `item.status_changed`: POST /v1/hooks on turn-on, DELETE /v1/hooks/{id} on turn-off,
// GET /v1/hooks/events/item.status_changed for samples.
module.exports = hookTrigger({
  key: 'status_changed',
  event: 'item.status_changed',
  noun: 'Item',
  label: 'Item Status Changed',
  description: 'Triggers when an item moves to another status.',
  sample: samples.itemStatusChanged,
  outputFields: samples.itemOutputFields,
});
