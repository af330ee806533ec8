'use strict';

const { api, DEFAULT_BASE_URL } = require('./lib/http');

// Custom auth: an API key made in Tandem (Settings → API keys, scopes items:read, items:write, hooks),
// sent as `Authorization: Bearer tdk_…` by the beforeRequest middleware in lib/http.js.
module.exports = {
  type: 'custom',
  fields: [
    {
      key: 'api_key',
      label: 'API key',
      required: true,
      type: 'password',
      helpText:
        'An API key from Tandem (Settings → API keys) with the scopes `items:read`, `items:write` and `hooks`. ' +
        'It starts with `tdk_`.',
    },
    {
      key: 'base_url',
      label: 'Tandem URL',
      required: false,
      type: 'string',
      default: DEFAULT_BASE_URL,
      helpText: `Where your Tandem answers, e.g. https://help.example.com (default ${DEFAULT_BASE_URL}).`,
    },
  ],
  // GET /v1/auth/test → {tenant, name}; any non-2xx fails the connection test.
  test: async (z, bundle) => {
    const response = await z.request({ url: api(bundle, '/v1/auth/test') });
    return response.data;
  },
  connectionLabel: '{{name}}',
};
