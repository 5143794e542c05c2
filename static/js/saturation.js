// Saturation: a unit whose slope f′(net) is under a tenth of its activation's largest slope
// (`max_slope`, the server's) passes on only a sliver of its error, δ = incoming · f′(net), so it
// learns slowly however wrong it is. The units of the step shown that are so are named here. A
// cross-entropy output layer is never damped: its slope cancels (δ = t − y).

import { num } from './format.js';
import { layerMark } from './net.js';

export const DAMPED_BELOW = 0.1; // of the activation's largest slope

/** The saturated units of `frame`'s step: `{layer, row, slope, maxSlope}`, input layer first. */
export function saturatedUnits(frame, network) {
  if (!frame.trace) return [];
  const L = frame.trace.layers.length;
  const units = [];
  frame.trace.layers.forEach((record, layer) => {
    const isOutput = layer === L - 1;
    if (isOutput && frame.config.loss === 'cross_entropy') return;
    const maxSlope = network.maxSlope(frame.config, isOutput);
    record.activation_diff.forEach((slope, row) => {
      if (slope < DAMPED_BELOW * maxSlope) units.push({ layer, row, slope, maxSlope });
    });
  });
  return units;
}

export class SaturationView {
  /**
   * @param {HTMLElement} element where the saturated units are named
   * @param {object} network the NetworkView: units' names, `maxSlope`
   */
  constructor(element, network) {
    this.element = element;
    this.network = network;
  }

  draw(frame) {
    const units = saturatedUnits(frame, this.network);
    this.element.hidden = units.length === 0;
    this.element.dataset.units = JSON.stringify(units.map(({ layer, row }) => [layer, row]));
    if (!units.length) return;
    const L = frame.trace.layers.length;
    const names = units.map(
      ({ layer, row, slope }) =>
        `${this.network.layers[layer].units[row]}${L > 1 ? ` (layer ${layer + 1})` : ''}: ` +
        `f\u2032(net${layerMark(layer, L)}) = ${num(slope)}`,
    );
    this.element.textContent =
      `Saturated, f\u2032(net) under a tenth of f\u2019s largest slope ` +
      `${num(units[0].maxSlope)}: ${names.join('; ')}. ` +
      'Its delta is damped whatever its error: it learns slowly, however wrong.';
  }
}
