// "Check numerically": the engine's delta and update beside the server's central differences of
// the sample's loss (GET /api/sessions/{id}/gradient-check), for the step shown. Nothing is
// computed here but which layer's relative difference is the largest.

import { num, vector } from './format.js';
import { layerMark } from './net.js';

const DIGITS = 8; // enough to see the two columns agree far below the equations' 3 digits
const SHOWN = 4;

const v = (values) => vector(values, DIGITS, SHOWN);

export class NumericalCheck {
  /**
   * @param {{toggle: HTMLInputElement, panel: HTMLElement, body: HTMLTableSectionElement,
   *   summary: HTMLElement}} elements
   * @param {() => Promise<object>} read the session's gradient check (its last step)
   */
  constructor({ toggle, panel, body, summary }, read) {
    this.toggle = toggle;
    this.panel = panel;
    this.body = body;
    this.summary = summary;
    this.read = read;
    this.wanted = null; // the step shown, which the check is to be of
    this.asked = null; // the step a check was asked for last
    this.busy = false;
    toggle.addEventListener('change', () => {
      panel.hidden = !toggle.checked;
      this.asked = null;
      this.fetch();
    });
    panel.hidden = !toggle.checked;
  }

  /** The frame shown: with the switch on, its step is checked (one request at a time). */
  draw(frame) {
    if (frame.held) {
      // its central differences are the held-back δ and ΔW: shown once they are revealed
      this.wanted = null;
      this.asked = null; // the same step is checked once it is revealed
      this.summary.textContent =
        'Held back, as δ and ΔW: shown once you have checked your prediction.';
      delete this.summary.dataset.value;
      this.body.replaceChildren();
      return;
    }
    this.wanted = frame.trace ? frame.trace.step : null;
    if (this.wanted === null) {
      this.asked = null;
      this.summary.textContent = 'No step to check yet: take a step.';
      delete this.summary.dataset.value;
      this.body.replaceChildren();
    }
    this.fetch();
  }

  async fetch() {
    if (!this.toggle.checked || this.busy || this.wanted === null) return;
    if (this.asked === this.wanted) return;
    this.busy = true;
    this.asked = this.wanted;
    try {
      const check = await this.read();
      if (this.wanted !== null) this.show(check); // not while the step is held back
    } catch (error) {
      this.summary.textContent = `The check could not be made: ${error.message}`;
      delete this.summary.dataset.value;
    } finally {
      this.busy = false;
    }
    this.fetch(); // the step shown moved on meanwhile
  }

  show(check) {
    const L = check.layers.length;
    const rows = [];
    const row = (symbols, engine, numerical) => {
      const tr = document.createElement('tr');
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = symbols;
      const cells = [engine, numerical].map((text) => {
        const td = document.createElement('td');
        td.textContent = text;
        return td;
      });
      tr.append(th, ...cells);
      rows.push(tr);
    };
    let largest = 0;
    for (let l = L - 1; l >= 0; l--) {
      const layer = check.layers[l];
      const m = layerMark(l, L);
      row(`\u03b4${m}`, v(layer.delta), v(layer.numerical_delta));
      row(`\u0394W${m}`, v(layer.weight_update.flat()), v(layer.numerical_weight_update.flat()));
      row(`largest relative difference, layer ${l + 1}`, num(layer.max_relative_difference), '');
      largest = Math.max(largest, layer.max_relative_difference ?? NaN); // null: overflowed
    }
    this.body.replaceChildren(...rows);
    this.summary.dataset.value = String(largest);
    this.summary.dataset.step = String(check.step);
    this.summary.textContent =
      `Step ${check.step}, central differences with \u03b5 = ${num(check.epsilon)}: ` +
      `the largest relative difference from the engine's chain rule is ${num(largest)}.`;
  }
}
