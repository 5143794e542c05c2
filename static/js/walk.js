// Step through: the step shown walked phase by phase from its record, with no server call: the
// sample drawn, the feedforward layer by layer, the error, the output delta, each hidden delta
// from the next, the updates, the weights after. The current phase's lines of the step in numbers
// (their `data-phase`, see equations.js) and its layers are highlighted, the rest dimmed.
// Keys: ] forward, [ back, Escape ends.

import { count } from './format.js';

/** The phases of a step of an `L`-layer net, in the order backpropagation takes them. */
export function phasesOf(L) {
  const layers = Array.from({ length: L }, (_, l) => l);
  return [
    { key: 'sample', title: 'the sample drawn: x and its target t', layers: [] },
    ...layers.map((l) => ({
      key: `forward-${l}`,
      title: `the feedforward, layer ${l + 1}: net = W\u00b7[input;1], then its output f(net)`,
      layers: [l],
      views: 'bars',
    })),
    {
      key: 'error',
      title: 'the error at the output, e = t \u2212 y',
      layers: [L - 1],
      views: 'bars',
    },
    {
      key: `delta-${L - 1}`,
      title: 'the output delta: the base case',
      layers: [L - 1],
      views: 'bars',
    },
    ...layers
      .slice(0, -1)
      .reverse()
      .map((l) => ({
        key: `delta-${l}`,
        title: `layer ${l + 1}\u2019s delta, from layer ${l + 2}\u2019s sent back through its weights`,
        layers: [l, l + 1],
        views: 'bars',
      })),
    {
      key: 'update',
      title: 'the updates \u0394W = \u03b7 \u03b4 [input;1]\u1d40',
      layers,
      views: 'heatmaps',
    },
    {
      key: 'after',
      title: 'the weights after, W + \u0394W, and the sample\u2019s loss before and after',
      layers,
      views: 'heatmaps',
    },
  ];
}

export class StepThrough {
  /**
   * @param {{start: HTMLButtonElement, back: HTMLButtonElement, next: HTMLButtonElement,
   *   phase: HTMLElement, controls: HTMLElement, numbers: HTMLElement, layers: HTMLElement}} elements
   */
  constructor(elements) {
    this.elements = elements;
    this.frame = null; // the frame shown
    this.step = null; // the step walked, null when not walking
    this.phases = [];
    this.index = 0;
    elements.start.addEventListener('click', () =>
      this.step === null ? this.begin() : this.end(),
    );
    elements.back.addEventListener('click', () => this.go(-1));
    elements.next.addEventListener('click', () => this.go(1));
    document.addEventListener('keydown', (event) => {
      if (event.target.closest?.('input, select, textarea') || this.step === null) return;
      if (event.key === ']') this.go(1);
      else if (event.key === '[') this.go(-1);
      else if (event.key === 'Escape') this.end();
    });
  }

  /** The frame shown: a new step ends the walk; without a step there is nothing to walk. */
  draw(frame) {
    this.frame = frame;
    this.elements.start.disabled = !frame.trace;
    if (this.step !== null && frame.trace?.step !== this.step) this.end();
    else if (this.step !== null) this.highlight(); // the lines may have been laid out again
  }

  begin() {
    const trace = this.frame?.trace;
    if (!trace) return;
    this.step = trace.step;
    this.phases = phasesOf(trace.layers.length);
    this.index = 0;
    this.elements.controls.hidden = false;
    this.elements.start.textContent = 'End step-through';
    this.elements.start.setAttribute('aria-pressed', 'true');
    this.highlight();
  }

  end() {
    this.step = null;
    this.elements.controls.hidden = true;
    this.elements.start.textContent = 'Step through';
    this.elements.start.setAttribute('aria-pressed', 'false');
    this.clear();
  }

  go(by) {
    if (this.step === null) return;
    this.index = Math.min(Math.max(this.index + by, 0), this.phases.length - 1);
    this.highlight();
  }

  clear() {
    const { numbers, layers } = this.elements;
    for (const element of numbers.querySelectorAll('.current, .dimmed')) {
      element.classList.remove('current', 'dimmed');
    }
    for (const element of layers.querySelectorAll('.layer')) element.classList.remove('dimmed');
    delete layers.dataset.walk;
  }

  highlight() {
    this.clear();
    const phase = this.phases[this.index];
    const { numbers, layers, phase: label, back, next } = this.elements;
    label.dataset.phase = phase.key;
    label.textContent = `Step ${count(this.step)}, phase ${this.index + 1} of ${this.phases.length}: ${phase.title}.`;
    back.disabled = this.index === 0;
    next.disabled = this.index === this.phases.length - 1;
    for (const element of numbers.querySelectorAll('[data-phase]')) {
      if (element === label) continue;
      element.classList.add(element.dataset.phase === phase.key ? 'current' : 'dimmed');
    }
    layers.querySelectorAll('.layer').forEach((element) => {
      const l = Number(element.id.split('-').pop()) - 1;
      if (!phase.layers.includes(l)) element.classList.add('dimmed');
    });
    if (phase.views) layers.dataset.walk = phase.views;
  }
}
