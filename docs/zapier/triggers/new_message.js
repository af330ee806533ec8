'use strict';

const { hookTrigger } = require('../lib/rest_hook');
const samples = require('../lib/samples');

// REST hook on `message.created`: POST /v1/hooks on turn-on, DELETE /v1/hooks/{id} on turn-off,
// GET /v1/hooks/events/message.created for samples.
module.exports = hookTrigger({
  key: 'new_message',
  event: 'message.created',
  noun: 'Message',
  label: 'New Message',
  description: 'Triggers when a reply or note is added to an item.',
  sample: samples.messageCreated,
  outputFields: samples.messageOutputFields,
});
