'use strict';

const { api } = require('../lib/http');

// Hidden trigger behind the "Item type" dropdown of Create Item: GET /v1/item-types.
module.exports = {
  key: 'item_type',
  noun: 'Item Type',
  display: { label: 'Item Types', description: 'Lists the item types (for dropdowns).', hidden: true },
  operation: {
    perform: async (z, bundle) => {
      const response = await z.request({ url: api(bundle, '/v1/item-types'), params: { limit: 200 } });
      return response.data.items.map((t) => ({ id: t.id, name: t.name, kind: t.kind }));
    },
    sample: { id: '01m8736ghr064m2x109szey50z', name: 'Support request', kind: 'ticket' },
    outputFields: [
      { key: 'id', label: 'ID' },
      { key: 'name', label: 'Name' },
      { key: 'kind', label: 'Kind' },
    ],
  },
};
