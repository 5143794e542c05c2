// One card per layer, output layer first (backpropagation's order): its weights W, the step's
// update ΔW = η δ [x;1]ᵀ, and the vectors delta is built from, all in the rows of the layer's
// units. The output layer is the recursion's base case, δ = e ∘ f'(net); a hidden layer's delta is
// f'(net) ∘ Wᵀδ_next, with Wᵀδ_next (the error sent back through the next layer's weights before
// the step, bias column left out) computed here from the step's record.

import { num, signed } from './format.js';
import { MatrixView } from './heatmap.js';
import { layerMark, sentBack, unitNames } from './net.js';
import { WideningRange } from './scale.js';
import { BarKind, BarsView } from './vectors.js';

const NARROW_AFTER_FRAMES = 30;
const MATRIX_COLUMN_PX = 40; // the width a heatmap grows to per column, at most

class LayerCard {
  constructor(parent, { index, layerCount, inputNames, units, config, maxSlope }) {
    const m = layerMark(index, layerCount);
    const next = layerMark(index + 1, layerCount);
    const isOutput = index === layerCount - 1;
    this.index = index;
    this.isOutput = isOutput;
    this.units = units;
    this.inputNames = inputNames;
    this.current = null;

    const card = document.createElement('section');
    card.className = 'layer';
    card.id = `layer-${index + 1}`;
    const heading = document.createElement('h2');
    const kind = isOutput ? 'output layer' : 'hidden layer';
    heading.textContent =
      layerCount > 1 ? `Layer ${index + 1} of ${layerCount}: ${kind}` : 'The one weight layer';
    const count = (n, what) => `${n} ${what}${n === 1 ? '' : 's'}`;
    const sizes = `${count(units.length, 'unit')}, ${count(inputNames.length - 1, 'input')} + bias. `;
    const sub = document.createElement('p');
    sub.className = 'layer-rule';
    sub.textContent = isOutput
      ? sizes +
        `${layerCount > 1 ? 'Base case' : 'The tutorial\u2019s rule'}: ` +
        `\u03b4${m} = e \u2218 f\u2032(net${m}), the error vector scaled by the slope.`
      : sizes +
        `Recursion: \u03b4${m} = f\u2032(net${m}) \u2218 (W${next})\u1d40\u03b4${next}, ` +
        `the next layer\u2019s delta sent back through its weights.`;
    const body = document.createElement('div');
    body.className = 'layer-body';
    body.style.setProperty('--rows', String(units.length));
    const rowLabels = (className) => {
      const labels = document.createElement('div');
      labels.className = className;
      labels.setAttribute('aria-hidden', 'true');
      const spacer = document.createElement('div');
      spacer.className = 'spacer';
      const names = document.createElement('div');
      names.className = 'names';
      for (const name of units) {
        const span = document.createElement('span');
        span.textContent = name;
        span.title = name;
        names.append(span);
      }
      labels.append(spacer, names);
      return labels;
    };
    body.append(rowLabels('row-labels'));
    card.append(heading, sub, body);
    parent.append(card);

    const n = index + 1;
    const cell = (row, col) => `${units[row]} \u2190 ${inputNames[col]}`;
    const fresh = { narrowAfter: NARROW_AFTER_FRAMES }; // made anew each step (see scale.js)
    this.ranges = {
      weights: new WideningRange('symmetric', Math.max(config.max_weight, 0.05)),
      update: new WideningRange('symmetric', 1e-4, fresh),
      delta: new WideningRange('symmetric', 1e-3, fresh),
      error: isOutput
        ? new WideningRange('symmetric', 1)
        : new WideningRange('symmetric', 1e-3, fresh),
      // up to the activation's largest slope from the start: the axis is right from the first step
      slope: new WideningRange('positive', maxSlope),
      output: new WideningRange('span', 1),
    };
    this.weights = new MatrixView(body, {
      id: `weights-${n}`,
      title: `W${m} after the step`,
      label: `Weights of layer ${n}: one row per unit, one column per input and the bias`,
      colLabels: inputNames,
      range: this.ranges.weights,
      describe: (row, col) => {
        const layer = this.current?.trace?.layers[index];
        const lines = [
          `W${m}[${cell(row, col)}] = ${num(this.current.layers[index].weights[row][col], 6)}`,
        ];
        if (layer) {
          lines.push(`last update \u0394W = ${signed(layer.weight_update[row][col], 4)}`);
          lines.push(`before it: ${num(layer.weights_before[row][col], 6)}`);
        }
        return lines;
      },
    });
    this.update = new MatrixView(body, {
      id: `update-${n}`,
      title: `\u0394W${m} = \u03b7 \u03b4${m} [${index ? `a${layerMark(index - 1, layerCount)}` : 'x'};1]\u1d40`,
      label: `Last weight update of layer ${n}: learning rate times delta times the input`,
      colLabels: inputNames,
      range: this.ranges.update,
      describe: (row, col) => {
        const layer = this.current?.trace?.layers[index];
        if (!layer) return null;
        const x = col < layer.input.length ? layer.input[col] : 1;
        return [
          `\u0394W${m}[${cell(row, col)}] = ${signed(layer.weight_update[row][col], 4)}`,
          `= \u03b7 \u00d7 \u03b4 \u00d7 input = ${num(this.current.trace.learning_rate)} \u00d7 ` +
            `${num(layer.delta[row], 4)} \u00d7 ${num(x, 4)}`,
        ];
      },
    });
    // the units' names again, for narrow screens, where the bars go under the heatmaps
    body.append(rowLabels('row-labels repeat'));
    const bars = (key, title, label, kind, range, describe) =>
      new BarsView(body, { id: `${key}-${n}`, title, label, kind, range, describe });
    const at = (name, row) => this.current?.trace?.layers[index][name][row];
    this.delta = bars(
      'delta',
      `\u03b4${m}`,
      `Delta of layer ${n}, one bar per unit`,
      BarKind.SIGNED,
      this.ranges.delta,
      (row) => [
        `\u03b4${m}[${units[row]}] = ${num(at('delta', row), 6)}`,
        `= ${isOutput ? 'e' : `(W${next})\u1d40\u03b4${next}`} ${num(this.error?.[row], 4)} ` +
          `\u00d7 f\u2032(net) ${num(at('activation_diff', row), 4)}`,
      ],
    );
    this.error = null;
    this.errorBars = bars(
      isOutput ? 'error' : 'sent-back',
      isOutput ? 'e = t \u2212 y' : `(W${next})\u1d40\u03b4${next}`,
      isOutput
        ? 'Error vector, target minus output, one bar per output unit'
        : `Error sent back to layer ${n} through the next layer's weights, one bar per unit`,
      BarKind.SIGNED,
      this.ranges.error,
      (row) => [
        `${isOutput ? 'e' : `(W${next})\u1d40\u03b4${next}`}[${units[row]}] = ${num(this.error?.[row], 6)}`,
      ],
    );
    this.slope = bars(
      'slope',
      `f\u2032(net${m})`,
      `Slope of the activation at each unit's net input, layer ${n}`,
      BarKind.SLOPE,
      this.ranges.slope,
      (row) => [
        `f\u2032(net)[${units[row]}] = ${num(at('activation_diff', row), 6)}`,
        `net = ${num(at('net', row), 6)}`,
      ],
    );
    this.output = isOutput
      ? bars(
          'output',
          'y and t',
          'Output of each unit (bar) and its target (black mark)',
          BarKind.OUTPUT,
          this.ranges.output,
          (row) => [
            `y[${units[row]}] = ${num(at('output', row), 6)}`,
            `target t = ${num(this.current?.trace?.sample.target[row], 6)}`,
          ],
        )
      : null;
  }

  drawWeights(frame) {
    this.current = frame;
    this.weights.draw(frame.layers[this.index].weights);
  }

  drawUpdate(frame) {
    this.current = frame;
    const layer = frame.trace?.layers[this.index];
    this.update.draw(layer ? layer.weight_update : null);
  }

  drawVectors(frame, nextLayer) {
    this.current = frame;
    const layer = frame.trace?.layers[this.index];
    if (!layer) {
      this.error = null;
      for (const view of [this.delta, this.errorBars, this.slope, this.output]) view?.draw(null);
      return;
    }
    this.error = this.isOutput
      ? frame.trace.error
      : sentBack(nextLayer.weights_before, nextLayer.delta);
    this.delta.draw(layer.delta);
    this.errorBars.draw(this.error);
    this.slope.draw(layer.activation_diff);
    this.output?.draw(layer.output, frame.trace.sample.target);
  }

  /** Restarts the colour and bar scales: from the values shown now (`redraw`), or from those of
   * the next frame drawn. */
  fitScales(redraw = true) {
    for (const range of Object.values(this.ranges)) range.reset();
    if (redraw && this.current) {
      this.drawWeights(this.current);
      this.drawUpdate(this.current);
    }
  }
}

/** The layer cards of the current net; rebuilt when the data set or the architecture changes. */
export class NetworkView {
  /**
   * @param {HTMLElement} container
   * @param {Map<string, object>} datasets by name, as the server lists them
   * @param {Map<string, object>} activations by name, as the server lists them (`max_slope`)
   */
  constructor(container, datasets, activations) {
    this.container = container;
    this.datasets = datasets;
    this.activations = activations;
    this.cards = [];
    this.shape = null;
    this.lastStep = -1;
    this.frame = null;
  }

  /** Builds the cards for `config` unless they match it already; true when rebuilt. */
  configure(config) {
    const shape = JSON.stringify([
      config.dataset,
      config.hidden,
      config.activation,
      config.max_weight,
    ]);
    if (shape === this.shape) return false;
    this.shape = shape;
    const dataset = this.datasets.get(config.dataset);
    const units = unitNames(dataset, config.hidden);
    const inputs = [dataset.feature_names, ...units.slice(0, -1)].map((names) => [
      ...names,
      'bias',
    ]);
    this.container.replaceChildren();
    const widest = Math.max(...inputs.map((names) => names.length));
    this.container.style.setProperty('--matrix-w', `${Math.max(110, widest * MATRIX_COLUMN_PX)}px`);
    // output layer first: the order in which backpropagation computes the deltas
    this.cards = new Array(units.length);
    for (let index = units.length - 1; index >= 0; index--) {
      this.cards[index] = new LayerCard(this.container, {
        index,
        layerCount: units.length,
        inputNames: inputs[index],
        units: units[index],
        config,
        maxSlope: this.activations.get(config.activation).max_slope,
      });
    }
    this.lastStep = -1;
    return true;
  }

  /** A new run starts (a reset, another session, a snapshot): its first frame fits the scales. */
  restart() {
    this.lastStep = Infinity;
  }

  /** Takes a new frame: rebuilds for a new config; after a reset, the scales start again from
   * this frame's values (not from those of the run before, shown until it is drawn). */
  accept(frame) {
    const rebuilt = this.configure(frame.config);
    if (!rebuilt && frame.step < this.lastStep) {
      for (const card of this.cards) card.fitScales(false);
    }
    this.lastStep = frame.step;
    this.frame = frame;
  }

  drawWeights(frame) {
    for (const card of this.cards) card.drawWeights(frame);
  }

  drawUpdates(frame) {
    for (const card of this.cards) card.drawUpdate(frame);
  }

  drawVectors(frame) {
    this.cards.forEach((card, i) => card.drawVectors(frame, frame.trace?.layers[i + 1]));
  }

  /** Restarts every colour and bar scale from the values shown now. */
  fitScales() {
    for (const card of this.cards) card.fitScales();
    if (this.frame) this.drawVectors(this.frame);
  }

  /** The numbers each plot drew last, layer by layer from input to output (for the tests). */
  shown() {
    return this.cards.map((card) => ({
      weights: card.weights.z,
      update: card.update.z,
      delta: card.delta.values,
      error: card.errorBars.values,
      slope: card.slope.values,
      output: card.output?.values ?? null,
      target: card.output?.marks ?? null,
      weightsRange: [card.ranges.weights.lo, card.ranges.weights.hi],
    }));
  }
}
