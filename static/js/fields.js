// A run's settings as text: the form's fields and the URL's parameters hold the same text for a
// value, parsed and written here once.
//
// Values are only parsed here (a number, a list of layer sizes); whether they are allowed is the
// server's call, and its answer is shown as it gives it.

import { clampSpeed } from './speed.js';

export const FIELDS = [
  'dataset',
  'activation',
  'loss',
  'hidden',
  'learning_rate',
  'max_weight',
  'seed',
  'sampling',
  'features',
  'noise',
];
const NUMBERS = new Set(['learning_rate', 'max_weight', 'seed', 'noise']);
const LISTS = new Set(['hidden', 'features']);

/** A value that is not even of the right form (the server never sees it). */
export class InputError extends Error {
  constructor(field, message) {
    super(message);
    this.field = field;
  }
}

/** "8, 4" → [8, 4]; "" → []. */
function parseHidden(text) {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  if (!parts.every((p) => /^\d+$/.test(p))) {
    throw new InputError(
      'hidden',
      `hidden layers "${text}" is not a list of whole numbers such as 8,4 (empty for none)`,
    );
  }
  return parts.map(Number);
}

function parseNumber(field, text) {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) {
    throw new InputError(field, `${field.replace('_', ' ')} "${text}" is not a number`);
  }
  if (field === 'seed' && !Number.isInteger(value)) {
    throw new InputError(field, `seed "${text}" is not a whole number`);
  }
  return value;
}

/** A field's value from its text; `InputError` for text that is not of the field's form. */
export function parseField(field, text) {
  if (field === 'hidden') return parseHidden(text);
  if (field === 'features') return text.split(',').filter(Boolean);
  if (NUMBERS.has(field)) return parseNumber(field, text);
  return text;
}

/** A field's value in `config` as the form and the URL show it. */
export function formatField(config, field) {
  return LISTS.has(field) ? config[field].join(',') : String(config[field]);
}

/**
 * The settings and speed in a URL's query string (`search`): `config` holds the fields that could
 * be read, `problems` says why the others could not (and that `defaults`' value is used), `speed`
 * is within `speedRange` or null when the URL has none.
 */
export function readQuery(search, defaults, speedRange) {
  const params = new URLSearchParams(search);
  const config = {};
  const problems = [];
  for (const field of FIELDS) {
    const text = params.get(field);
    if (text === null) continue;
    try {
      config[field] = parseField(field, text);
    } catch (error) {
      problems.push(`${error.message}, so ${JSON.stringify(defaults[field])} is used`);
    }
  }
  const speed = Number(params.get('speed'));
  return {
    config,
    speed: Number.isFinite(speed) && speed >= speedRange.min ? clampSpeed(speed, speedRange) : null,
    problems,
  };
}

/** The query string that `readQuery` reads back as `config` and `speed`. */
export function writeQuery(config, speed) {
  const params = new URLSearchParams();
  for (const field of FIELDS) params.set(field, formatField(config, field));
  params.set('speed', String(speed));
  return `?${params}`;
}
