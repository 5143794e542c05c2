// The REST API (issue 3): one function per call, and errors turned into plain sentences.
//
// Every failure becomes an `ApiError` whose message says what went wrong in words the page can
// show as it is: the server's own one-line message for a 422 (it names the field and the bad
// value), its `detail` for a 404/409/503, or what happened to the connection.

export class ApiError extends Error {
  /** @param {number} status HTTP status, 0 when the server could not be reached */
  constructor(status, message, fields = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.fields = fields; // the request fields a 422 names, e.g. ["learning_rate"]
  }

  /** The session is gone (deleted, evicted, or the server restarted). */
  get sessionLost() {
    return this.status === 404;
  }
}

function messageOf(status, body, text) {
  if (body && typeof body.message === 'string') return body.message;
  if (body && typeof body.detail === 'string') return body.detail;
  if (body && Array.isArray(body.detail)) {
    return body.detail
      .map((d) => `${(d.loc || []).filter((p) => p !== 'body').join('.')}: ${d.msg}`)
      .join('; ');
  }
  if (status === 413) {
    return 'it is larger than the server accepts (its PLAYGROUND_MAX_BODY_SIZE setting)';
  }
  const snippet = text.trim().slice(0, 160);
  return `the server answered ${status}${snippet ? `: ${snippet}` : ''}`;
}

function fieldsOf(body) {
  if (!body || !Array.isArray(body.detail)) return [];
  return body.detail
    .map((d) => (d.loc || []).filter((p) => p !== 'body' && p !== 'query')[0])
    .filter((f) => typeof f === 'string');
}

/** Sends a request; resolves to the answer's text and its JSON (null when it is not JSON). */
async function send(method, path, body, contentType = 'application/json') {
  const init = { method, headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = contentType;
    init.body = typeof body === 'string' ? body : JSON.stringify(body); // a string: as it is
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    throw new ApiError(0, `the server cannot be reached (${error.message}); is it still running?`);
  }
  if (response.status === 204) return { text: '', data: null };
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: the message falls back to the text
  }
  if (!response.ok) {
    throw new ApiError(response.status, messageOf(response.status, data, text), fieldsOf(data));
  }
  return { text, data };
}

async function request(method, path, body) {
  return (await send(method, path, body)).data;
}

const session = (id) => `/api/sessions/${encodeURIComponent(id)}`;

export const api = {
  createSession: (config) => request('POST', '/api/sessions', config),
  readSession: (id) => request('GET', session(id)),
  step: (id, n) => request('POST', `${session(id)}/step`, { n }),
  reset: (id, config) => request('POST', `${session(id)}/reset`, config),
  setLearningRate: (id, learningRate) =>
    request('PATCH', session(id), { learning_rate: learningRate }),
  gradientCheck: (id) => request('GET', `${session(id)}/gradient-check`),
  /** Sets W[row][column] of layer `layer` (0: the first weight layer) to `value`. */
  setWeight: (id, weight) => request('PATCH', session(id), { weight }),
  history: (id) => request('GET', `${session(id)}/history`),
  regions: (id, resolution) => request('GET', `${session(id)}/regions?resolution=${resolution}`),
  deleteSession: (id) => request('DELETE', session(id)),
  /** The session's snapshot: the server's text as it came (for the file) and its JSON. */
  snapshot: async (id) => {
    const { text, data } = await send('GET', `${session(id)}/snapshot`);
    return { text, document: data };
  },
  /** A new session from a snapshot's JSON text, sent as it is (not parsed and written again).
   * The caller has checked that `text` is one JSON value (parsed it once), so that nothing but
   * the snapshot reaches the body. */
  restoreSnapshot: (text) => request('POST', '/api/sessions', `{"snapshot": ${text}}`),
  /** One's own step checked against the engine's: the verdict (see docs/check.md). */
  check: (problem, answer) => request('POST', '/api/check', { problem, answer }),
  /** Every sample of a data set: `{train, validation, test}`, each `{x, label, target, plane}`;
   * a 2-D set's with its `features` and `noise`. */
  samples: (name, features, noise) => {
    const query = new URLSearchParams();
    for (const feature of features ?? []) query.append('features', feature);
    if (noise) query.set('noise', String(noise));
    const suffix = query.size ? `?${query}` : '';
    return request('GET', `/api/datasets/${encodeURIComponent(name)}/samples${suffix}`);
  },
  /** One data set's descriptor, built-in or uploaded. */
  dataset: (name) => request('GET', `/api/datasets/${encodeURIComponent(name)}`),
  /** Uploads a CSV text as a data set (`task`: classification or regression): its descriptor. */
  uploadDataset: async (text, task) =>
    (await send('POST', `/api/datasets?task=${encodeURIComponent(task)}`, text, 'text/csv')).data,
};
