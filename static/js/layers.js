// The layers of the net, output layer first (backpropagation's order): for each, its weights W,
// the step's update ΔW = η δ [x;1]ᵀ, and the vectors delta is built from, all in the rows of the
// layer's units. The output layer is the recursion's base case, δ = e ∘ f'(net) (δ = t − y with
// cross-entropy, the slope cancelled); a hidden layer's delta is f'(net) ∘ Wᵀδ_next, with Wᵀδ_next
// (the error sent back through the next layer's weights before the step, bias column left out)
// computed here from the step's record.
//
// Every heatmap and every bar chart is drawn in one Plotly figure (live_figure.js, laid out by
// grid.js); this module names the plots, keeps their ranges and hands the figure its numbers.

import { BarKind } from './bars.js';
import { layout } from './grid.js';
import { LiveFigure } from './live_figure.js';
import { layerMark, sentBack, unitNames } from './net.js';
import { WideningRange } from './scale.js';
import { ValuesFigure } from './values.js';

const NARROW_AFTER_FRAMES = 30;

/** A layer's names, ranges and plots' descriptions. */
function describeLayer({ index, layerCount, inputNames, units, config, maxSlope }) {
  const m = layerMark(index, layerCount);
  const next = layerMark(index + 1, layerCount);
  const n = index + 1;
  const isOutput = index === layerCount - 1;
  // a cross-entropy output layer's delta is t − y: its slope cancels (the explanation's algebra)
  const cancels = isOutput && config.loss === 'cross_entropy';
  const fresh = { narrowAfter: NARROW_AFTER_FRAMES }; // made anew each step (see scale.js)
  const ranges = {
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
  const kind = isOutput ? 'output layer' : 'hidden layer';
  const count = (k, what) => `${k} ${what}${k === 1 ? '' : 's'}`;
  const sizes = `${count(units.length, 'unit')}, ${count(inputNames.length - 1, 'input')} + bias. `;
  const sent = `(W${next})\u1d40\u03b4${next}`;
  const errorName = isOutput ? 'e' : sent;
  const input = index ? `a${layerMark(index - 1, layerCount)}` : 'x';
  const heatmaps = [
    {
      name: `weights-${n}`,
      column: 0,
      title: `W${m} after the step`,
      heldTitle: `W${m} before the step`, // while the step's update is held back (predict.js)
      range: ranges.weights,
      hover: (hasTrace) =>
        `W${m}[%{text}] = %{z:.6~g}` +
        (hasTrace
          ? '<br>last update \u0394W = %{customdata[0]:+.4~g}<br>before it: %{customdata[1]:.6~g}'
          : '') +
        '<extra></extra>',
    },
    {
      name: `update-${n}`,
      column: 1,
      title: `\u0394W${m} = \u03b7 \u03b4${m} [${input};1]\u1d40`,
      range: ranges.update,
      hover: () =>
        `\u0394W${m}[%{text}] = %{z:+.4~g}<br>= \u03b7 \u00d7 \u03b4 \u00d7 input = ` +
        '%{customdata[0]} \u00d7 %{customdata[1]:.4~g} \u00d7 %{customdata[2]:.4~g}<extra></extra>',
    },
  ].map((plot) => ({ ...plot, rows: units, cols: inputNames }));
  const bars = [
    {
      name: `delta-${n}`,
      title: `\u03b4${m}`,
      kind: BarKind.SIGNED,
      range: ranges.delta,
      hovertemplate: cancels
        ? `\u03b4${m}[%{customdata[1]}] = %{customdata[0]:.6~g}<br>= t \u2212 y, the slope ` +
          'cancelled<extra></extra>'
        : `\u03b4${m}[%{customdata[1]}] = %{customdata[0]:.6~g}<br>= ${errorName} ` +
          '%{customdata[2]:.4~g} \u00d7 f\u2032(net) %{customdata[3]:.4~g}<extra></extra>',
    },
    {
      name: `${isOutput ? 'error' : 'sent-back'}-${n}`,
      title: isOutput ? 'e = t \u2212 y' : sent,
      kind: BarKind.SIGNED,
      range: ranges.error,
      hovertemplate: `${errorName}[%{customdata[1]}] = %{customdata[0]:.6~g}<extra></extra>`,
    },
    {
      name: `slope-${n}`,
      title: `f\u2032(net${m})`,
      kind: BarKind.SLOPE,
      range: ranges.slope,
      hovertemplate:
        'f\u2032(net)[%{customdata[1]}] = %{customdata[0]:.6~g}<br>net = %{customdata[2]:.6~g}' +
        '<extra></extra>',
    },
    ...(isOutput
      ? [
          {
            name: `output-${n}`,
            title: 'y and t',
            kind: BarKind.OUTPUT,
            range: ranges.output,
            hovertemplate:
              'y[%{customdata[1]}] = %{customdata[0]:.6~g}<br>target t = %{customdata[2]:.6~g}' +
              '<extra></extra>',
          },
        ]
      : []),
  ].map((plot, column) => ({ ...plot, column, rows: units }));
  const heading =
    layerCount > 1 ? `Layer ${index + 1} of ${layerCount}: ${kind}` : 'The one weight layer';
  const outputActivation = units.length > 1 ? 'softmax' : 'sigmoid';
  const rule = cancels
    ? sizes +
      `${layerCount > 1 ? 'Base case' : 'The rule'}, cross-entropy (${outputActivation}): ` +
      `\u03b4${m} = t \u2212 y, the slope cancelled.`
    : isOutput
      ? sizes +
        `${layerCount > 1 ? 'Base case' : 'The tutorial\u2019s rule'}: ` +
        `\u03b4${m} = e \u2218 f\u2032(net${m}), the error vector scaled by the slope.`
      : sizes +
        `Recursion: \u03b4${m} = f\u2032(net${m}) \u2218 ${sent}, ` +
        'the next layer\u2019s delta sent back through its weights.';
  return { index, isOutput, units, inputNames, ranges, heatmaps, bars, heading, rule };
}

/** The live views of the current net; rebuilt when the data set, the architecture or the
 * page's width changes. */
export class NetworkView {
  /**
   * @param {HTMLElement} container
   * @param {Map<string, object>} datasets by name, as the server lists them
   * @param {Map<string, object>} activations by name, as the server lists them (`max_slope`)
   * @param {() => void} onResize the figures are to be made again (the column's width changed)
   */
  constructor(container, datasets, activations, onResize) {
    this.container = container;
    this.datasets = datasets;
    this.activations = activations;
    this.Plotly = null;
    this.layers = []; // input to output
    this.shape = null;
    this.config = null;
    this.lastStep = -1;
    this.frame = null;
    this.figures = null;
    this.width = 0;
    this.run = 0; // counts the runs shown, so that (run, step) names the state of a frame
    this.drawn = { live: null, values: null }; // the state each figure shows
    this.outlines = []; // cells outlined in the heatmaps (see LiveFigure.outline)
    this.onPick = () => {}; // (layer, row, column): a cell of W or ΔW was clicked
    new ResizeObserver(() => {
      if (!this.figures || this.container.clientWidth === this.width) return;
      this.figures = null;
      onResize();
    }).observe(container);
  }

  /** Plotly.js is there: the figures can be made. */
  attach(Plotly) {
    this.Plotly = Plotly;
  }

  /** Describes the layers for `config` unless they match it already; true when rebuilt. */
  configure(config) {
    const shape = JSON.stringify([
      config.dataset,
      config.features,
      config.hidden,
      config.activation,
      config.max_weight,
      config.loss,
    ]);
    if (shape === this.shape) return false;
    this.shape = shape;
    this.config = config;
    const dataset = this.datasets.get(config.dataset);
    const units = unitNames(dataset, config.hidden);
    const inputs = [dataset.feature_names, ...units.slice(0, -1)].map((names) => [
      ...names,
      'bias',
    ]);
    this.layers = units.map((layerUnits, index) =>
      describeLayer({
        index,
        layerCount: units.length,
        inputNames: inputs[index],
        units: layerUnits,
        config,
        maxSlope: this.maxSlope(config, index === units.length - 1),
      }),
    );
    this.figures = null;
    this.lastStep = -1;
    this.run += 1;
    return true;
  }

  /** The largest slope of a layer's activation: a cross-entropy output layer's is the logistic
   * sigmoid's (the softmax's diagonal has the same bound). */
  maxSlope(config, isOutput) {
    const name = isOutput && config.loss === 'cross_entropy' ? 'sigmoid' : config.activation;
    return this.activations.get(name).max_slope;
  }

  /** The figures, made on first use after a new net or width (null without Plotly yet). */
  ready() {
    if (this.figures || !this.Plotly || !this.layers.length) return this.figures;
    this.drawn = { live: null, values: null };
    const shown = [...this.layers].reverse(); // output layer on top
    this.width = this.container.clientWidth;
    const geometry = layout(
      shown.map((l) => ({ rows: l.units.length, names: l.inputNames })),
      this.width,
    );
    const part = (className, id) => {
      const element = document.createElement('div');
      element.className = className;
      element.id = id;
      return element;
    };
    const headings = shown.map((l, band) => {
      const heading = document.createElement('div');
      heading.className = 'layer';
      heading.id = `layer-${l.index + 1}`;
      heading.style.top = `${geometry.bands[band].top}px`;
      const title = document.createElement('h2');
      title.textContent = l.heading;
      const rule = document.createElement('p');
      rule.className = 'layer-rule';
      rule.textContent = l.rule;
      heading.append(title, rule);
      return heading;
    });
    const frame = part('plot live', 'live-frame');
    const live = part('plot live', 'live');
    live.setAttribute('role', 'img');
    live.setAttribute(
      'aria-label',
      'Weights W and last updates ΔW of every layer; its delta, error, slope and output, a bar a unit',
    );
    const values = part('plot values', 'live-values');
    for (const figure of this.container.querySelectorAll('.js-plotly-plot')) {
      this.Plotly.purge(figure);
    }
    this.container.replaceChildren(...headings, frame, live, values);
    this.container.style.height = `${geometry.height}px`;
    const inBand = (plots, band) => plots.map((plot) => ({ ...plot, band }));
    this.figures = {
      live: new LiveFigure({ frame, live }, this.Plotly, geometry, {
        heatmaps: shown.flatMap((l, band) => inBand(l.heatmaps, band)),
        bars: shown.flatMap((l, band) => inBand(l.bars, band)),
      }),
      values: new ValuesFigure(values, this.Plotly, geometry.width, geometry.height),
      order: shown,
    };
    this.figures.values.fadeOnHover(live);
    this.figures.live.onClick((name, row, column) => {
      const layer = Number(name.split('-').pop()) - 1;
      this.onPick(layer, row, column);
    });
    if (this.outlines.length) this.figures.live.outline(this.outlines);
    return this.figures;
  }

  /** A new run starts (a reset, another session, a snapshot): its first frame fits the scales. */
  restart() {
    this.lastStep = Infinity;
    this.run += 1;
  }

  /** Takes a new frame: describes a new net; after a reset, the scales start again from this
   * frame's values (not from those of the run before, shown until it is drawn). */
  accept(frame) {
    const rebuilt = this.configure(frame.config);
    if (!rebuilt && frame.step < this.lastStep) this.resetRanges();
    this.lastStep = frame.step;
    this.frame = frame;
  }

  resetRanges() {
    for (const l of this.layers) for (const range of Object.values(l.ranges)) range.reset();
  }

  /** The next frame is drawn even if it holds the step shown (that step shown with numbers held
   * back until now: static/js/predict.js). */
  redraw() {
    this.drawn = { live: null, values: null };
  }

  /** Whether `figure` is to draw `frame`: Plotly.js is there and it shows another state (a
   * frame of the same step of the same run, such as the answer to a new learning rate, has the
   * same numbers). */
  due(figure, frame) {
    if (!this.ready()) return false;
    const state = `${this.run}:${frame.step}`;
    if (this.drawn[figure] === state) return false;
    this.drawn[figure] = state;
    return true;
  }

  /** Draws W and ΔW and the vectors of every layer; false when there is nothing new to draw
   * (see `due`). */
  drawLive(frame) {
    if (!this.due('live', frame)) return false;
    this.figures.live.draw(this.heatmapData(frame), this.barData(frame), Boolean(frame.held));
    return true;
  }

  /** What the heatmaps show of `frame`: per plot its matrix and the customdata of its cells
   * (null before the first step). */
  heatmapData(frame) {
    const { figures } = this;
    const zs = [];
    const customdata = [];
    for (const l of figures.order) {
      const weights = frame.layers[l.index].weights;
      const layer = frame.trace?.layers[l.index];
      l.ranges.weights.fit(weights);
      zs.push(weights);
      customdata.push(
        layer
          ? layer.weight_update.map((row, i) => row.map((u, j) => [u, layer.weights_before[i][j]]))
          : null,
      );
      if (layer) l.ranges.update.fit(layer.weight_update);
      zs.push(layer ? layer.weight_update : null);
      customdata.push(
        layer
          ? layer.delta.map((d) =>
              l.inputNames.map((_, j) => [
                frame.trace.learning_rate,
                d,
                j < layer.input.length ? layer.input[j] : 1,
              ]),
            )
          : null,
      );
    }
    return { zs, cells: customdata };
  }

  /** What the bars show of `frame`: per plot its values and customdata, and the targets. */
  barData(frame) {
    const { figures } = this;
    const values = [];
    const customdata = [];
    let targets = null;
    for (const l of figures.order) {
      const layer = frame.trace?.layers[l.index];
      if (!layer) {
        values.push(...l.bars.map(() => null));
        customdata.push(...l.bars.map(() => null));
        continue;
      }
      const next = frame.trace.layers[l.index + 1];
      const error = l.isOutput ? frame.trace.error : sentBack(next.weights_before, next.delta);
      l.ranges.delta.fit(layer.delta);
      l.ranges.error.fit(error);
      l.ranges.slope.fit(layer.activation_diff);
      values.push(layer.delta, error, layer.activation_diff);
      customdata.push(
        error.map((e, i) => [e, layer.activation_diff[i]]),
        null,
        layer.net.map((net) => [net]),
      );
      if (l.isOutput) {
        targets = frame.trace.sample.target;
        l.ranges.output.fit(layer.output);
        l.ranges.output.fit(targets);
        values.push(layer.output);
        customdata.push(targets.map((t) => [t]));
      }
    }
    return { values, customdata, targets };
  }

  /** Prints the values of what the heatmaps and bars show (on their own beat: values.js); false
   * when there is nothing new to print. */
  drawValues(frame) {
    if (!this.due('values', frame)) return false;
    const { live, values } = this.figures;
    values.draw(live.valueTexts());
    return true;
  }

  /** Outlines cells of the heatmaps (kept when the figures are made again). */
  outline(boxes) {
    this.outlines = boxes;
    this.figures?.live.outline(boxes);
  }

  /** Restarts every colour and bar scale (from the values drawn next: the caller redraws). */
  fitScales() {
    this.resetRanges();
    this.redraw();
  }
}
