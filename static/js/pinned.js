// A pinned weight: every factor of its update with this step's numbers, from the step's record:
//   ΔW[k][j] = η · δ_k · x_j  (x_j = 1 for the bias column)
//   δ_k = (incoming)_k · f′(net_k)   (t_k − y_k exactly at a cross-entropy output layer)
//   incoming_k = t_k − y_k at the output; Σ_m Wⁿᵉˣᵗ[m][k] · δⁿᵉˣᵗ_m in a hidden layer, term by term:
//   column k of the next layer's weights (outlined in its heatmap), the transpose made visible.
// Its recent values as a small line; its value can be set (PATCH). Each number shown carries its
// full value in `data-value` (for the curious and the tests).

import { num, signed } from './format.js';
import { layerMark } from './net.js';
import { PLOT_CONFIG, PLOT_FONT } from './plotly.js';
import { DAMPED_BELOW } from './saturation.js';

const DIGITS = 5;
const HISTORY = 300; // recent values kept for the line
const PINNED_COLOUR = '#111111';
const COLUMN_COLOUR = '#e08214';

export class PinnedPanel {
  /**
   * @param {{panel: HTMLElement, title: HTMLElement, lines: HTMLElement, history: HTMLElement,
   *   value: HTMLInputElement, set: HTMLButtonElement, unpin: HTMLButtonElement}} elements
   * @param {object} network the NetworkView: its layers' names, `outline`
   * @param {(weight: object) => Promise<object | null>} setWeight the PATCH
   */
  constructor(elements, network, setWeight) {
    this.elements = elements;
    this.network = network;
    this.Plotly = null;
    this.pin = null; // {layer, row, column}
    this.values = { step: [], value: [] };
    this.lastStep = null;
    elements.unpin.addEventListener('click', () => this.unpinned());
    elements.set.addEventListener('click', async () => {
      const value = Number(elements.value.value);
      if (!this.pin || elements.value.value.trim() === '') return;
      await setWeight({ ...this.pin, value });
    });
  }

  attach(Plotly) {
    this.Plotly = Plotly;
  }

  /** Pins W[row][column] of layer `layer`. */
  pinned(layer, row, column) {
    this.pin = { layer, row, column };
    this.values = { step: [], value: [] };
    this.lastStep = null;
    this.elements.panel.hidden = false;
    this.elements.value.value = '';
    this.outline();
  }

  unpinned() {
    this.pin = null;
    this.elements.panel.hidden = true;
    this.network.outline([]);
  }

  /** The pinned cell in W and ΔW and, for a hidden layer, column k of the next layer's W. */
  outline() {
    const { layer, row, column } = this.pin;
    const n = layer + 1;
    const cell = { rows: [row, row], cols: [column, column], color: PINNED_COLOUR };
    const boxes = [
      { name: `weights-${n}`, ...cell },
      { name: `update-${n}`, ...cell },
    ];
    const next = this.network.layers[layer + 1];
    if (next) {
      boxes.push({
        name: `weights-${n + 1}`,
        rows: [0, next.units.length - 1],
        cols: [row, row],
        color: COLUMN_COLOUR,
      });
    }
    this.network.outline(boxes);
  }

  /** A new run: the pin stays while the net has the cell, its history starts again. */
  restart() {
    this.values = { step: [], value: [] };
    this.lastStep = null;
  }

  draw(frame) {
    if (!this.pin) return true; // nothing to show
    const { layer, row, column } = this.pin;
    const weights = frame.layers[layer]?.weights;
    if (!weights || row >= weights.length || column >= weights[0].length) {
      this.unpinned(); // another net
      return false;
    }
    if (frame.held) {
      // the weight's factors are the step's δ and ΔW, held back (predict.js); and its value
      // after the step is the next one to come
      const p = document.createElement('p');
      p.textContent =
        'This step\u2019s \u03b4 and \u0394W are held back until you have checked your prediction.';
      this.elements.lines.replaceChildren(p);
      return true;
    }
    if (frame.step !== this.lastStep) {
      this.lastStep = frame.step;
      this.values.step.push(frame.step);
      this.values.value.push(weights[row][column]);
      if (this.values.step.length > HISTORY) {
        this.values.step.shift();
        this.values.value.shift();
      }
    }
    this.showLines(frame);
    this.drawHistory();
    return true;
  }

  showLines(frame) {
    const { layer, row, column } = this.pin;
    const L = frame.layers.length;
    const m = layerMark(layer, L);
    const next = layerMark(layer + 1, L);
    const names = this.network.layers[layer];
    const unit = names.units[row];
    const input = names.inputNames[column];
    const bias = column === names.inputNames.length - 1;
    const k = `[${unit}]`;
    this.elements.title.textContent = `Pinned: W${m}[${unit} \u2190 ${input}]`;
    const lines = [];
    const line = (...parts) => {
      const p = document.createElement('p');
      p.append(...parts.map((part) => (typeof part === 'string' ? part : value(...part))));
      lines.push(p);
      return p;
    };
    const now = frame.layers[layer].weights[row][column];
    const trace = frame.trace;
    if (!trace) {
      line(`W${m}${k}[${input}] = `, ['weight', now]);
      line('Take a step to see its update worked out.');
      this.elements.lines.replaceChildren(...lines);
      return;
    }
    const record = trace.layers[layer];
    const isOutput = layer === L - 1;
    const crossEntropy = isOutput && frame.config.loss === 'cross_entropy';
    const x = bias ? 1 : record.input[column];
    line(
      `W${m} = `,
      ['weight-before', record.weights_before[row][column]],
      ' + ',
      ['update', record.weight_update[row][column]],
      ' = ',
      ['weight', now],
      ' (before the step + \u0394W = after)',
    );
    line(
      `\u0394W${m} = \u03b7 \u00b7 \u03b4${m}${k} \u00b7 ${bias ? '1 (the bias)' : `x[${input}]`} = `,
      ['learning-rate', trace.learning_rate],
      ' \u00d7 ',
      ['delta', record.delta[row]],
      ' \u00d7 ',
      ['x', x],
      ' = ',
      ['update-product', record.weight_update[row][column], (u) => signed(u, DIGITS)],
    );
    if (crossEntropy) {
      line(
        `\u03b4${m}${k} = t${k} \u2212 y${k} = `,
        ['target', trace.sample.target[row]],
        ' \u2212 ',
        ['output', record.output[row]],
        ' = ',
        ['delta-product', record.delta[row]],
        ' (cross-entropy: the slope cancelled)',
      );
      this.elements.lines.replaceChildren(...lines);
      return;
    }
    const incomingName = isOutput ? `(t \u2212 y)${k}` : `((W${next})\u1d40\u03b4${next})${k}`;
    line(
      `\u03b4${m}${k} = ${incomingName} \u00b7 f\u2032(net${m}${k}) = `,
      ['incoming', record.incoming[row]],
      ' \u00d7 ',
      ['slope', record.activation_diff[row]],
      ' = ',
      ['delta-product', record.delta[row]],
    );
    if (isOutput) {
      line(
        `(t \u2212 y)${k} = `,
        ['target', trace.sample.target[row]],
        ' \u2212 ',
        ['output', record.output[row]],
        ' = ',
        ['incoming-sum', record.incoming[row]],
      );
    } else {
      const after = trace.layers[layer + 1];
      const terms = [];
      after.delta.forEach((d, i) => {
        if (i) terms.push(' + ');
        terms.push(['term-weight', after.weights_before[i][row]], ' \u00d7 ', ['term-delta', d]);
      });
      const sum = line(
        `\u03a3\u2098 W${next}[m][${unit}] \u00b7 \u03b4${next}\u2098 = `,
        ...terms,
        ' = ',
        ['incoming-sum', record.incoming[row]],
      );
      sum.className = 'terms';
      line(
        `(column ${unit} of W${next}, before the step, outlined in its heatmap: a row of W${next} ` +
          `is a unit of layer ${layer + 2}, a column one of its inputs, so this unit's error ` +
          `comes back along a column: the transpose.)`,
      ).className = 'aside';
    }
    const maxSlope = this.network.maxSlope(frame.config, isOutput);
    if (record.activation_diff[row] < DAMPED_BELOW * maxSlope) {
      line(
        `Saturated: f\u2032(net${m}${k}) is under a tenth of f\u2019s largest slope ` +
          `${num(maxSlope)}, so its delta is damped whatever its error.`,
      ).className = 'saturated';
    }
    this.elements.lines.replaceChildren(...lines);
  }

  drawHistory() {
    if (!this.Plotly) return;
    this.Plotly.react(
      this.elements.history,
      [
        {
          type: 'scatter',
          mode: 'lines',
          // new arrays: react redraws only data it has not seen (it compares by reference)
          x: [...this.values.step],
          y: [...this.values.value],
          line: { color: PINNED_COLOUR, width: 1.5 },
          hovertemplate: 'step %{x}: %{y:.6~g}<extra></extra>',
        },
      ],
      {
        height: 110,
        font: PLOT_FONT,
        margin: { l: 56, r: 8, t: 6, b: 26 },
        paper_bgcolor: 'rgba(0,0,0,0)',
        plot_bgcolor: 'rgba(0,0,0,0)',
        xaxis: { title: { text: 'step', standoff: 2 }, fixedrange: true },
        yaxis: { fixedrange: true, tickformat: '.4~g' },
        showlegend: false,
      },
      PLOT_CONFIG,
    );
  }
}

/** A number shown with `format` (negative factors in parentheses), its full value in `data-value` and its part in `data-part`. */
function value(part, number, format = (v) => (v < 0 ? `(${num(v, DIGITS)})` : num(v, DIGITS))) {
  const span = document.createElement('span');
  span.dataset.part = part;
  span.dataset.value = String(number);
  span.textContent = format(number);
  return span;
}
