// The step in numbers: the current sample and each equation of the step with this step's numbers
// substituted, forward pass first, then the deltas from the output layer down, then the update.

import { count, num, signed, vector } from './format.js';
import { classOf, layerMark, sentBack, unitNames } from './net.js';

const DIGITS = 3;
const SHOWN = 5; // vector entries shown before "… n more"

const v = (values) => vector(values, DIGITS, SHOWN);
const PREDICTED = true; // a line of δ or ΔW: what the learner predicts first

/** The entry of largest magnitude of a matrix: [row, col] (the first when all are 0). */
function largest(matrix) {
  let best = [0, 0];
  let max = -1;
  matrix.forEach((row, i) =>
    row.forEach((value, j) => {
      const a = value === null ? Infinity : Math.abs(value);
      if (a > max) {
        max = a;
        best = [i, j];
      }
    }),
  );
  return best;
}

/** This sample's loss before and after its own update (the record's `loss`, `loss_after`). */
function beforeAfter(trace) {
  const change = trace.loss_after - trace.loss;
  return (
    `${num(trace.loss, 6)} \u2192 ${num(trace.loss_after, 6)} ` +
    `(${signed(change, 3)}, ${change < 0 ? 'lower' : 'not lower'} for this sample)`
  );
}

export class EquationsView {
  /**
   * @param {HTMLElement} sample where the current sample is described
   * @param {HTMLTableSectionElement} body the table body of the equations
   * @param {Map<string, object>} datasets by name
   */
  constructor(sample, body, datasets) {
    this.sample = sample;
    this.body = body;
    this.datasets = datasets;
    this.rows = [];
    this.shape = null;
  }

  /** Lays out the equations of `config`'s net (one set of lines per layer). */
  configure(config) {
    const shape = JSON.stringify([config.dataset, config.features, config.hidden, config.loss]);
    if (shape === this.shape) return;
    this.shape = shape;
    const dataset = this.datasets.get(config.dataset);
    const units = unitNames(dataset, config.hidden);
    const L = units.length;
    const m = (l) => layerMark(l, L);
    const inputOf = (l) => (l === 0 ? 'x' : `a${m(l - 1)}`);
    const names = [dataset.feature_names, ...units];
    const lines = [];
    for (let l = 0; l < L; l++) {
      const out = l === L - 1 ? 'y' : `a${m(l)}`;
      lines.push([
        `net${m(l)} = W${m(l)}\u00b7[${inputOf(l)};1]`,
        (t) => v(t.layers[l].net),
        false,
        `forward-${l}`,
      ]);
      lines.push([`${out} = f(net${m(l)})`, (t) => v(t.layers[l].output), false, `forward-${l}`]);
    }
    lines.push([
      'e = t \u2212 y',
      (t) => `${v(t.sample.target)} \u2212 ${v(t.layers[L - 1].output)} = ${v(t.error)}`,
      false,
      'error',
    ]);
    const crossEntropy = config.loss === 'cross_entropy';
    lines.push(
      crossEntropy
        ? // the output's slope cancels against −∂E/∂y (the explanation's one line of algebra)
          [
            `\u03b4${m(L - 1)} = t \u2212 y (f\u2032 cancels)`,
            (t) => v(t.layers[L - 1].delta),
            PREDICTED,
            `delta-${L - 1}`,
          ]
        : [
            `\u03b4${m(L - 1)} = e \u2218 f\u2032(net${m(L - 1)})`,
            (t) => {
              const layer = t.layers[L - 1];
              return `${v(t.error)} \u2218 ${v(layer.activation_diff)} = ${v(layer.delta)}`;
            },
            PREDICTED,
            `delta-${L - 1}`,
          ],
    );
    for (let l = L - 2; l >= 0; l--) {
      lines.push([
        `\u03b4${m(l)} = f\u2032(net${m(l)}) \u2218 (W${m(l + 1)})\u1d40\u03b4${m(l + 1)}`,
        (t) => {
          const back = sentBack(t.layers[l + 1].weights_before, t.layers[l + 1].delta);
          return `${v(t.layers[l].activation_diff)} \u2218 ${v(back)} = ${v(t.layers[l].delta)}`;
        },
        PREDICTED,
        `delta-${l}`,
      ]);
    }
    for (let l = L - 1; l >= 0; l--) {
      const inputs = [...names[l], 'bias'];
      lines.push([
        `\u0394W${m(l)} = \u03b7 \u03b4${m(l)} [${inputOf(l)};1]\u1d40`,
        (t) => {
          const layer = t.layers[l];
          const [i, j] = largest(layer.weight_update);
          const x = j < layer.input.length ? layer.input[j] : 1;
          return (
            `largest entry, ${units[l][i]} \u2190 ${inputs[j]}: ` +
            `${num(t.learning_rate)} \u00d7 ${num(layer.delta[i], DIGITS)} \u00d7 ${num(x, DIGITS)} = ` +
            `${signed(layer.weight_update[i][j], DIGITS)}, so that weight goes ` +
            `${num(layer.weights_before[i][j], 4)} \u2192 ${num(layer.weights[i][j], 4)}`
          );
        },
        PREDICTED,
        'update',
      ]);
    }
    const single = units[L - 1].length === 1;
    const loss = crossEntropy
      ? single
        ? 'E = \u2212[t ln y + (1\u2212t) ln(1\u2212y)]'
        : 'E = \u2212\u03a3 t\u2096 ln y\u2096'
      : 'E = \u00bd\u2016e\u2016\u00b2';
    lines.push([`${loss}, before \u2192 after the update`, (t) => beforeAfter(t), false, 'after']);

    this.rows = lines.map(([symbols, compute, predicted, phase]) => {
      const tr = document.createElement('tr');
      tr.dataset.phase = phase; // the step-through's phase this line belongs to (walk.js)
      if (predicted) tr.className = 'predicted'; // hidden while "predict first" holds it back
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = symbols;
      const td = document.createElement('td');
      tr.append(th, td);
      return { td, compute };
    });
    this.body.replaceChildren(...this.rows.map((r) => r.td.parentElement));
  }

  draw(frame) {
    this.configure(frame.config);
    const trace = frame.trace;
    if (!trace) {
      this.sample.textContent =
        frame.step === 0
          ? 'Step 0: no step taken yet. Press Step (or \u2192) to take one.'
          : `Step ${count(frame.step)}: the weights as they are now; press Step (or \u2192) ` +
            'to see the next step worked out.';
      for (const row of this.rows) row.td.textContent = '\u2014';
      return;
    }
    const dataset = this.datasets.get(frame.config.dataset);
    const target = trace.sample.target;
    const cls = dataset.class_names.length ? ` (${dataset.class_names[classOf(target)]})` : '';
    this.sample.textContent =
      `Step ${count(trace.step)}: ${trace.sample.set} sample #${trace.sample.index}${cls}, ` +
      `x = ${v(trace.sample.x)}, target t = ${v(target)}, \u03b7 = ${num(trace.learning_rate)}`;
    for (const row of this.rows) row.td.textContent = row.compute(trace);
  }
}
