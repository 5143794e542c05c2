// "Check your own backprop": the shown step as an exercise (JSON, or a NumPy snippet that loads
// it), a box for the learner's answer, and the server's verdict, quantity by quantity, the first
// wrong one highlighted and the known mistake said in words (POST /api/check).

import { api } from './api.js';
import { num } from './format.js';

const SYMBOLS = {
  net: 'net',
  output: 'y = f(net)',
  activation_diff: 'f\u2032(net)',
  error: 'e = t \u2212 y',
  delta: '\u03b4',
  weight_update: '\u0394W',
  weights: 'W after the step',
};
const STATUS_WORDS = {
  correct: 'right',
  wrong: 'wrong',
  convention: 'right, in Wikipedia\u2019s sign convention',
};

/** The problem of a step: what one's own code starts from (the API's exercise). */
export function problemOf(frame) {
  const trace = frame.trace;
  return {
    activation: frame.config.activation,
    loss: frame.config.loss ?? 'squared_error',
    learning_rate: trace.learning_rate,
    x: trace.sample.x,
    target: trace.sample.target,
    weights: trace.layers.map((layer) => layer.weights_before),
  };
}

/** A short Python snippet that loads `problem` into NumPy arrays. */
export function numpySnippet(problem) {
  return [
    'import json',
    'import numpy as np',
    '',
    `problem = json.loads('${JSON.stringify(problem)}')`,
    'x = np.array(problem["x"])  # the sample',
    'target = np.array(problem["target"])',
    'weights = [np.array(w) for w in problem["weights"]]  # before the step, bias column last',
    'learning_rate = problem["learning_rate"]',
    `# activation ${problem.activation}, loss ${problem.loss}`,
  ].join('\n');
}

/** Numbers typed in: separated by commas or spaces (a vector), rows by ";" or new lines. */
export function parseNumbers(text, matrix) {
  const row = (part) =>
    part
      .split(/[\s,]+/)
      .filter((s) => s !== '')
      .map((s) => {
        const value = Number(s.replace('\u2212', '-'));
        if (!Number.isFinite(value)) throw new SyntaxError(`"${s}" is not a number`);
        return value;
      });
  if (!matrix) return row(text);
  return text
    .split(/[;\n]+/)
    .map((part) => row(part))
    .filter((r) => r.length);
}

export class CheckPanel {
  /**
   * @param {object} elements the panel's parts: `exercise` (pre), `copyJson`, `copyNumpy`,
   *   `answer` (textarea), `delta`, `update` (inputs), `check` (button), `verdict`
   * @param {object} options `onChecked()`: the learner's answer has been checked
   */
  constructor(elements, { onChecked }) {
    this.el = elements;
    this.onChecked = onChecked;
    this.problem = null;
    this.frame = null; // the last frame shown
    this.playing = false;
    this.shownAs = 'json';
    elements.copyJson.addEventListener('click', () => this.copy('json'));
    elements.copyNumpy.addEventListener('click', () => this.copy('numpy'));
    elements.check.addEventListener('click', () => this.check());
  }

  /** Whether the session is playing: the steps then go by too fast to be an exercise, and the
   * panel waits for the pause (and costs a playing frame nothing). */
  setPlaying(playing) {
    this.playing = playing;
    if (playing) {
      this.el.exercise.textContent = 'Pause to take the shown step as an exercise.';
      for (const button of [this.el.copyJson, this.el.copyNumpy, this.el.check]) {
        button.disabled = true;
      }
      this.problem = null;
    } else if (this.frame) {
      this.setFrame(this.frame);
    }
  }

  /** A new step is shown: it becomes the exercise (the verdict of the last one is cleared). */
  setFrame(frame) {
    this.frame = frame;
    if (this.playing || !frame.trace) return;
    const problem = problemOf(frame);
    if (JSON.stringify(problem) === JSON.stringify(this.problem)) return;
    this.problem = problem;
    this.show();
    this.el.verdict.replaceChildren();
    for (const button of [this.el.copyJson, this.el.copyNumpy, this.el.check]) {
      button.disabled = false;
    }
  }

  show() {
    this.el.exercise.textContent =
      this.shownAs === 'numpy'
        ? numpySnippet(this.problem)
        : JSON.stringify(this.problem, null, 1).replace(/\n\s+(?=[\d\-\]])/g, ' ');
  }

  async copy(format) {
    this.shownAs = format;
    this.show();
    const text = format === 'numpy' ? numpySnippet(this.problem) : JSON.stringify(this.problem);
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // no clipboard here (an insecure page, or refused): the text is shown to copy by hand
      window.getSelection().selectAllChildren(this.el.exercise);
    }
  }

  /** The learner's answer: the JSON box if filled, else the output layer's typed δ and ΔW. */
  answer() {
    const json = this.el.answer.value.trim();
    if (json) return JSON.parse(json);
    const layers = this.problem.weights.map(() => ({}));
    const output = layers[layers.length - 1];
    if (this.el.delta.value.trim()) output.delta = parseNumbers(this.el.delta.value, false);
    if (this.el.update.value.trim()) {
      output.weight_update = parseNumbers(this.el.update.value, true);
    }
    return { layers };
  }

  async check() {
    let answer;
    try {
      answer = this.answer();
    } catch (error) {
      this.message(`Your answer cannot be read: ${error.message}`);
      return;
    }
    try {
      this.render(await api.check(this.problem, answer));
    } catch (error) {
      this.message(`The server refused the answer: ${error.message}`);
      return;
    }
    this.onChecked();
  }

  message(text) {
    const p = document.createElement('p');
    p.className = 'verdict-error';
    p.textContent = text;
    this.el.verdict.replaceChildren(p);
  }

  render(verdict) {
    const first = verdict.first_wrong;
    const summary = document.createElement('p');
    summary.className = 'verdict-summary';
    const given = verdict.quantities.filter((q) => q.status !== 'not_given');
    if (!given.length) summary.textContent = 'Nothing given to check.';
    else if (verdict.correct) summary.textContent = 'Every number you gave is right.';
    else
      summary.textContent = `First wrong: ${SYMBOLS[first.quantity]} of layer ${first.layer + 1}.`;
    const list = document.createElement('ol');
    for (const q of given) {
      const item = document.createElement('li');
      item.className = `quantity ${q.status}`;
      const isFirst = first && first.layer === q.layer && first.quantity === q.quantity;
      if (isFirst) item.classList.add('first-wrong');
      item.dataset.quantity = q.quantity;
      item.dataset.layer = String(q.layer);
      const difference =
        q.max_abs_difference === null || q.status !== 'wrong'
          ? ''
          : ` (largest difference ${num(q.max_abs_difference)})`;
      item.textContent = `Layer ${q.layer + 1}, ${SYMBOLS[q.quantity]}: ${STATUS_WORDS[q.status]}${difference}`;
      for (const mistake of q.mistakes) {
        const p = document.createElement('p');
        p.className = `mistake ${mistake.kind}`;
        p.dataset.mistake = mistake.id;
        const detail = mistake.detail ? ` (${mistake.detail})` : '';
        p.textContent = `${mistake.sentence}${detail} It breaks ${mistake.equation}.`;
        item.append(p);
      }
      list.append(item);
    }
    this.el.verdict.replaceChildren(summary, list);
  }
}
