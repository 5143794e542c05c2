// The controls: the run's settings, the transport (step, play, speed, reset), the keyboard, and
// the URL, which holds the settings so that a link reproduces the run (their text: fields.js).

import { FIELDS, formatField, parseField, readQuery, writeQuery } from './fields.js';
import { positionOf, speedAt } from './speed.js';

export class Controls {
  /**
   * @param {HTMLFormElement} form the settings and transport
   * @param {{min: number, max: number}} speedRange the speeds the slider offers, steps/s
   * @param {object} handlers onChange(config) (any field changed: the whole form's config),
   *   onStep(n), onTogglePlay(), onSpeed(s), onReset(config), onFitScales(), onInvalid(InputError),
   *   isPlane(name) (whether a data set is a built-in 2-D one, which takes features and noise)
   * @param {object} defaults the server's default config (the features and noise of other sets)
   */
  constructor(form, speedRange, handlers, defaults) {
    this.form = form;
    this.handlers = handlers;
    this.speedRange = speedRange;
    this.defaults = defaults;
    this.inputs = Object.fromEntries(FIELDS.map((f) => [f, form.elements.namedItem(f)]));
    // the features are a group of checkboxes: the group stands for the field
    this.inputs.features = form.querySelector('#features');
    this.featureBoxes = [...this.inputs.features.querySelectorAll('input[type="checkbox"]')];
    this.planeInputs = form.querySelector('#inputs');
    this.noiseOutput = form.querySelector('output[for="noise"]');
    this.speedInput = form.elements.namedItem('speed');
    this.speedOutput = form.querySelector('output[for="speed"]');
    this.playButton = form.querySelector('#play');
    this.stepButtons = [...form.querySelectorAll('[data-steps]')];
    this.speedInput.min = String(positionOf(speedRange.min));
    this.speedInput.max = String(positionOf(speedRange.max));

    form.addEventListener('submit', (event) => event.preventDefault());
    for (const field of FIELDS) {
      this.inputs[field].addEventListener('change', () => this.changed(field));
    }
    this.inputs.noise.addEventListener('input', () => {
      this.noiseOutput.value = this.inputs.noise.value;
    });
    this.speedInput.addEventListener('input', () => {
      const speed = speedAt(Number(this.speedInput.value), speedRange);
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
    return readQuery(window.location.search, defaults, this.speedRange);
  }

  /** Puts `config` (the server's) and the speed into the URL, replacing the history entry. */
  writeUrl(config, speed) {
    const url = `${window.location.pathname}${writeQuery(config, speed)}`;
    if (url !== `${window.location.pathname}${window.location.search}`) {
      window.history.replaceState(null, '', url);
    }
  }

  /** Shows the config the server runs; the fields that were wrong are right again. */
  show(config) {
    for (const field of FIELDS) {
      const input = this.inputs[field];
      if (field === 'features') {
        for (const box of this.featureBoxes) box.checked = config.features.includes(box.value);
      } else {
        input.value = formatField(config, field);
      }
      input.removeAttribute('aria-invalid');
    }
    this.noiseOutput.value = String(config.noise);
    this.planeInputs.hidden = !this.handlers.isPlane(config.dataset);
  }

  /** Adds a data set (an uploaded one) to the choices, if it is not there yet. */
  addDataset(name, description) {
    const select = this.inputs.dataset;
    if ([...select.options].some((option) => option.value === name)) return;
    const option = new Option(name, name);
    option.title = description;
    select.append(option);
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
      if (field === 'features') {
        config.features = this.featureBoxes.filter((box) => box.checked).map((box) => box.value);
      } else {
        config[field] = parseField(field, this.inputs[field].value);
      }
    }
    if (!this.handlers.isPlane(config.dataset)) {
      config.features = this.defaults.features;
      config.noise = this.defaults.noise;
    }
    return config;
  }

  /** A field changed: the whole form goes, so that what it shows is what runs, or is refused
   * with a reason (a value refused earlier is sent again until it is fixed); resolves when the
   * change is applied. */
  changed(field) {
    this.inputs[field].removeAttribute('aria-invalid');
    try {
      return this.handlers.onChange(this.readConfig());
    } catch (error) {
      this.handlers.onInvalid(error);
      return undefined;
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
