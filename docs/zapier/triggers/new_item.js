'use strict';

const { hookTrigger } = require('../lib/rest_hook');
const samples = require('../lib/samples');

// REST hook on `item.created`: POST /v1/hooks on turn-on, DELETE /v1/hooks/{id} on turn-off,
// GET /v1/hooks/events/item.created for samples.
module.exports = hookTrigger({
  key: 'new_item',
  event: 'item.created',
  noun: 'Item',
  label: 'New Item',
  description: 'Triggers when an item (ticket or task) is created.',
  sample: samples.itemCreated,
  outputFields: samples.itemOutputFields,
});
