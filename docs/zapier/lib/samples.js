'use strict';

// Sample outputs (the shapes the local stack delivers; see GET /v1/hooks/events/{event}).

const item = {
  id: '01m8736gnb33fxc4f3sy22w33r',
  ref: 'T-1',
  kind: 'ticket',
  type_id: '01m8736ghr064m2x109szey50z',
  title: 'Printer on floor 2 is jammed',
  description: 'It blinks orange.',
  status: 'new',
  status_category: 'new',
  priority: 'normal',
  requester_id: null,
  organization_id: null,
  assignees: [],
  followers: [],
  project_id: '01m8736ghr064m2x109szey50y',
  fields: {},
  due_date: null,
  tags: [],
  portal_visible: true,
  via: 'api',
  created_at: '2026-11-24T15:36:10.155Z',
  updated_at: '2026-11-24T15:36:10.155Z',
};

const event = (type, data) => ({
  id: 'evt_ac26437053361cbb6d5afcd142',
  type,
  created_at: data.updated_at || data.created_at,
  data,
});

const message = {
  id: '01m8736gq33bdzd6zz9rtfza14',
  item_id: item.id,
  item_ref: item.ref,
  author_id: 'apikey:01m8736gk08w1mmnqt8xrm615t',
  body: 'We are on it.',
  visibility: 'public',
  via: 'api',
  created_at: '2026-11-24T15:36:10.211Z',
};

const itemOutputFields = [
  { key: 'id', label: 'Event ID' },
  { key: 'type', label: 'Event type' },
  { key: 'created_at', label: 'Event time', type: 'datetime' },
  { key: 'data__ref', label: 'Item reference' },
  { key: 'data__title', label: 'Title' },
  { key: 'data__status', label: 'Status' },
  { key: 'data__status_category', label: 'Status category' },
  { key: 'data__priority', label: 'Priority' },
  { key: 'data__kind', label: 'Kind' },
  { key: 'data__description', label: 'Description' },
  { key: 'data__updated_at', label: 'Updated at', type: 'datetime' },
];

const messageOutputFields = [
  { key: 'id', label: 'Event ID' },
  { key: 'type', label: 'Event type' },
  { key: 'data__item_ref', label: 'Item reference' },
  { key: 'data__body', label: 'Message' },
  { key: 'data__visibility', label: 'Visibility' },
  { key: 'data__author_id', label: 'Author' },
  { key: 'data__created_at', label: 'Sent at', type: 'datetime' },
];

module.exports = {
  item,
  message,
  itemCreated: event('item.created', item),
  itemUpdated: event('item.updated', { ...item, title: 'Printer on floor 2 is jammed again' }),
  itemStatusChanged: event('item.status_changed', { ...item, status: 'open', status_category: 'open' }),
  messageCreated: event('message.created', message),
  itemOutputFields,
  messageOutputFields,
};
