// The controls: the run's settings, the transport (step, play, speed, reset), the keyboard, and
// the URL, which holds the settings so that a link reproduces the run.
//
// Values are only parsed here (a number, a list of layer sizes); whether they are allowed is the
// server's call, and its answer is shown as it gives it.

export const FIELDS = [
  'dataset',
  'activation',
  'hidden',
  'learning_rate',
  'max_weight',
  'seed',
  'sampling',
];
const NUMBERS = new Set(['learning_rate', 'max_weight', 'seed']);
const MIN_SPEED = 1;
const MAX_SPEED = 20_000;
const SPEED_STEPS_PER_DECADE = 100; // the slider is logarithmic: 100 positions per factor of 10

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

/** Speed from the slider's position, rounded to two significant digits: 1, 1.2, …, 20,000. */
function speedAt(position) {
  const raw = 10 ** (position / SPEED_STEPS_PER_DECADE);
  return Math.min(MAX_SPEED, Math.max(MIN_SPEED, Number(raw.toPrecision(2))));
}

function positionOf(speed) {
  return Math.round(SPEED_STEPS_PER_DECADE * Math.log10(speed));
}

/** A field's value from its text; `InputError` for text that is not of the field's form. */
function parseField(field, text) {
  if (field === 'hidden') return parseHidden(text);
  if (NUMBERS.has(field)) return parseNumber(field, text);
  return text;
}

/** A field's value in `config` as the form and the URL show it. */
function formatField(config, field) {
  return field === 'hidden' ? config.hidden.join(',') : String(config[field]);
}

export class Controls {
  /**
   * @param {HTMLFormElement} form the settings and transport
   * @param {object} handlers onChange(config) (any field changed: the whole form's config),
   *   onStep(n), onTogglePlay(), onSpeed(s), onReset(config), onFitScales(), onInvalid(InputError)
   */
  constructor(form, handlers) {
    this.form = form;
    this.handlers = handlers;
    this.inputs = Object.fromEntries(FIELDS.map((f) => [f, form.elements.namedItem(f)]));
    this.speedInput = form.elements.namedItem('speed');
    this.speedOutput = form.querySelector('output[for="speed"]');
    this.playButton = form.querySelector('#play');
    this.stepButtons = [...form.querySelectorAll('[data-steps]')];
    this.speedInput.max = String(positionOf(MAX_SPEED));

    form.addEventListener('submit', (event) => event.preventDefault());
    for (const field of FIELDS) {
      this.inputs[field].addEventListener('change', () => this.changed(field));
    }
    this.speedInput.addEventListener('input', () => {
      const speed = speedAt(Number(this.speedInput.value));
      this.showSpeed(speed);
      handlers.onSpeed(speed);
    });
    for (const button of this.stepButtons) {
      button.addEventListener('click', () => handlers.onStep(Number(button.dataset.steps)));
    }
    this.playButton.addEventListener('click', () => handlers.onTogglePlay());
    form.querySelector('#reset').addEventListener('click', () => this.reset());
    form.querySelector('#fit-scales').addEventListener('click', () => handlers.onFitScales());
    document.addEventListener('keydown', (event) => this.key(event));
  }

  /** The settings and speed in the page's URL (`problems`: parts that could not be read). */
  readUrl(defaults) {
    const params = new URLSearchParams(window.location.search);
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
      speed: Number.isFinite(speed) && speed >= MIN_SPEED ? Math.min(speed, MAX_SPEED) : null,
      problems,
    };
  }

  /** Puts `config` (the server's) and the speed into the URL, replacing the history entry. */
  writeUrl(config, speed) {
    const params = new URLSearchParams();
    for (const field of FIELDS) {
      params.set(field, formatField(config, field));
    }
    params.set('speed', String(speed));
    const url = `${window.location.pathname}?${params}`;
    if (url !== `${window.location.pathname}${window.location.search}`) {
      window.history.replaceState(null, '', url);
    }
  }

  /** Shows the config the server runs; the fields that were wrong are right again. */
  show(config) {
    for (const field of FIELDS) {
      const input = this.inputs[field];
      input.value = formatField(config, field);
      input.removeAttribute('aria-invalid');
    }
  }

  showSpeed(speed) {
    this.speedOutput.value = `${speed.toLocaleString('en-US')} steps/s`;
    this.speedInput.setAttribute(
      'aria-valuetext',
      `${speed.toLocaleString('en-US')} steps per second`,
    );
  }

  setSpeed(speed) {
    this.speedInput.value = String(positionOf(speed));
    this.showSpeed(speed);
  }

  setPlaying(playing) {
    this.playButton.textContent = playing ? 'Pause' : 'Play';
    this.playButton.setAttribute('aria-pressed', String(playing));
    for (const button of this.stepButtons) button.disabled = playing;
  }

  /** Marks the field the server (or the parser) named as wrong. */
  markInvalid(field) {
    this.inputs[field]?.setAttribute('aria-invalid', 'true');
  }

  /** The settings in the form; `InputError` for a value that is not of the right form. */
  readConfig() {
    const config = {};
    for (const field of FIELDS) {
      config[field] = parseField(field, this.inputs[field].value);
    }
    return config;
  }

  /** A field changed: the whole form goes, so that what it shows is what runs, or is refused
   * with a reason (a value refused earlier is sent again until it is fixed). */
  changed(field) {
    this.inputs[field].removeAttribute('aria-invalid');
    try {
      this.handlers.onChange(this.readConfig());
    } catch (error) {
      this.handlers.onInvalid(error);
    }
  }

  reset() {
    try {
      this.handlers.onReset(this.readConfig());
    } catch (error) {
      this.handlers.onInvalid(error);
    }
  }

  /** Space plays or pauses, → takes a step, r resets; not while typing in a field. */
  key(event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target instanceof Element ? event.target : null;
    if (target?.closest('input, select, textarea, [contenteditable="true"]')) return;
    if (event.key === ' ') {
      if (target?.closest('button, a, summary')) return; // the focused control takes the space
      event.preventDefault();
      this.handlers.onTogglePlay();
    } else if (event.key === 'ArrowRight') {
      event.preventDefault();
      if (!this.stepButtons[0].disabled) this.handlers.onStep(1);
    } else if (event.key === 'r' || event.key === 'R') {
      event.preventDefault();
      this.reset();
    }
  }
}
