'use strict';

// Shared request plumbing: the base URL from the connection, the bearer key, readable API errors.

const DEFAULT_BASE_URL = 'http://127.0.0.1:8000';

/** The connection's base URL without a trailing slash (the default is the local stack). */
const baseUrl = (bundle) =>
  String((bundle.authData && bundle.authData.base_url) || DEFAULT_BASE_URL).replace(/\/+$/, '');

/** An absolute URL of an API path on the connection's Tandem. */
const api = (bundle, path) => `${baseUrl(bundle)}${path}`;

/** beforeRequest: every request carries the API key as a bearer token and asks for JSON. */
const addBearer = (request, z, bundle) => {
  if (bundle.authData && bundle.authData.api_key) {
    request.headers.Authorization = `Bearer ${bundle.authData.api_key}`;
  }
  request.headers.Accept = 'application/json';
  return request;
};

/**
 * afterResponse: Tandem's error envelope `{error: {code, message, details}}` becomes a Zapier error with the
 * code and message, so a Zap's history says what was wrong (a 401 asks the user to reconnect).
 * Requests made with `skipThrowForStatus` handle their own status (the search's 404).
 */
const handleErrors = (response, z) => {
  if (response.skipThrowForStatus || response.status < 400) {
    return response;
  }
  let error = {};
  try {
    error = (JSON.parse(response.content) || {}).error || {};
  } catch (e) {
    // not JSON (a proxy's error page): fall back to the status line
  }
  const message = `${error.message || `HTTP ${response.status}`}${
    error.details ? ` ${JSON.stringify(error.details)}` : ''
  }`;
  if (response.status === 401) {
    throw new z.errors.ExpiredAuthError(`Tandem refused the API key: ${message}`);
  }
  throw new z.errors.Error(message, error.code || `http_${response.status}`, response.status);
};

/** Only the fields the user filled in (Zapier sends empty strings for blank optional fields). */
const given = (inputData, keys) => {
  const out = {};
  for (const key of keys) {
    const value = inputData[key];
    if (value !== undefined && value !== null && value !== '') {
      out[key] = value;
    }
  }
  return out;
};

module.exports = { DEFAULT_BASE_URL, baseUrl, api, addBearer, handleErrors, given };
