// Every sample of a data set (GET /api/datasets/{name}/samples), for the decision regions: fetched
// once per data set and kept for the page's life (a data set never changes while the server runs).

import { api } from './api.js';

const loaded = new Map(); // data set name -> Promise of {train, validation, test}

/** The samples of data set `name`: `{train, validation, test}`, each `{x: [[x1, x2]…], label}`.
 * A failed request is forgotten, so that the next call asks again. */
export function loadSamples(name) {
  if (!loaded.has(name)) {
    const request = api.samples(name);
    loaded.set(name, request);
    request.catch(() => loaded.delete(name));
  }
  return loaded.get(name);
}
