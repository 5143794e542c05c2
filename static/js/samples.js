// Every sample of a data set (GET /api/datasets/{name}/samples), for the decision regions: fetched
// once per data set and kept for the page's life (a data set never changes while the server runs).

import { api } from './api.js';

const loaded = new Map(); // data set, features and noise -> Promise of {train, validation, test}

/** The samples of data set `name` (a 2-D set's with `features` and `noise`): `{train,
 * validation, test}`, each `{x, label, target, plane}`. A failed request is forgotten, so that
 * the next call asks again. */
export function loadSamples(name, features, noise) {
  const key = JSON.stringify([name, features ?? null, noise ?? 0]);
  if (!loaded.has(key)) {
    const request = api.samples(name, features, noise);
    loaded.set(key, request);
    request.catch(() => loaded.delete(key));
  }
  return loaded.get(key);
}
