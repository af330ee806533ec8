'use strict';

const zapier = require('zapier-platform-core');

const authentication = require('./authentication');
const { addBearer, handleErrors } = require('./lib/http');
const newItem = require('./triggers/new_item');
const itemUpdated = require('./triggers/item_updated');
const statusChanged = require('./triggers/status_changed');
const newMessage = require('./triggers/new_message');
const itemType = require('./triggers/item_type');
const createItem = require('./creates/create_item');
const updateItem = require('./creates/update_item');
const addMessage = require('./creates/add_message');
const findItem = require('./searches/find_item');

const byKey = (...defs) => Object.fromEntries(defs.map((d) => [d.key, d]));

module.exports = {
  version: require('./package.json').version,
  platformVersion: zapier.version,
  authentication,
  beforeRequest: [addBearer],
  afterResponse: [handleErrors],
  triggers: byKey(newItem, itemUpdated, statusChanged, newMessage, itemType),
  creates: byKey(createItem, updateItem, addMessage),
  searches: byKey(findItem),
  searchOrCreates: {
    find_item: {
      key: 'find_item',
      display: { label: 'Find or Create Item', description: 'Finds an item by reference, or creates one.' },
      search: 'find_item',
      create: 'create_item',
    },
  },
};
