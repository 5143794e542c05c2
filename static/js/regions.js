// Decision regions of a two-feature data set, as in TensorFlow Playground: the plane coloured by
// what the net predicts (with one output unit, by its output, white at the 0.5 threshold), with
// the training samples the steps have drawn so far on top and the current one ringed.
//
// The grid comes from GET /regions (fetched up to ~10 times a second while training); the samples
// come from the frames' records. Drawn with Plotly, created once per data set, then restyled.

import { PLOT_CONFIG, PLOT_FONT } from './plotly.js';

const CLASS_COLOURS = ['#e08214', '#5e3c99', '#1b7837', '#b2182b'];
const CLASS_TINTS = ['#fdd9a8', '#cdc3e3', '#b9dfb9', '#f4b9b9'];
const AXIS_RANGE = [-0.1, 1.1];

/** The class of a target vector: one unit, 0 or 1; several, the hot one. */
export function classOf(target) {
  if (target.length === 1) return target[0] > 0.5 ? 1 : 0;
  return target.indexOf(Math.max(...target));
}

export class RegionsView {
  /**
   * @param {HTMLElement} element the plot
   * @param {HTMLElement} note shown instead for data sets without two features
   * @param {Map<string, object>} datasets by name
   */
  constructor(element, note, datasets) {
    this.element = element;
    this.note = note;
    this.datasets = datasets;
    this.Plotly = null;
    this.dataset = null;
    this.regions = null;
    this.regionsDrawn = null;
    this.seen = new Map(); // training samples drawn so far: index -> [x1, x2, class]
    this.built = null;
  }

  attach(Plotly) {
    this.Plotly = Plotly;
  }

  /** Takes the config of a new run: forgets the samples seen and, for a new data set, the plot. */
  configure(config) {
    this.dataset = this.datasets.get(config.dataset);
    this.seen.clear();
    const twoD = this.dataset.input_count === 2;
    this.element.hidden = !twoD;
    this.note.hidden = twoD;
    if (!twoD) {
      this.note.textContent =
        `Decision regions need a data set with two features; ${this.dataset.name} has ` +
        `${this.dataset.input_count}. Try xor, circle, spiral or blobs.`;
    }
  }

  setRegions(regions) {
    this.regions = regions;
  }

  build() {
    const dataset = this.dataset;
    const classes = dataset.class_names;
    const oneOutput = dataset.output_count === 1;
    const k = classes.length;
    const colourscale = oneOutput
      ? [
          [0, CLASS_TINTS[0]],
          [0.5, '#ffffff'],
          [1, CLASS_TINTS[1]],
        ]
      : classes.flatMap((_, i) => [
          [i / k, CLASS_TINTS[i % CLASS_TINTS.length]],
          [(i + 1) / k, CLASS_TINTS[i % CLASS_TINTS.length]],
        ]);
    const heatmap = {
      type: 'heatmap',
      x: [],
      y: [],
      z: [],
      colorscale: colourscale,
      zmin: oneOutput ? 0 : -0.5,
      zmax: oneOutput ? 1 : k - 0.5,
      showscale: false,
      zsmooth: 'fast',
      hovertemplate: oneOutput
        ? `${dataset.feature_names[0]} %{x:.2f}, ${dataset.feature_names[1]} %{y:.2f}<br>` +
          `output (${dataset.output_names[0]}) %{z:.3f}<extra></extra>`
        : `${dataset.feature_names[0]} %{x:.2f}, ${dataset.feature_names[1]} %{y:.2f}<br>` +
          'predicted class %{text}<extra></extra>',
    };
    const points = classes.map((name, i) => ({
      type: 'scatter',
      mode: 'markers',
      x: [],
      y: [],
      name,
      marker: {
        color: CLASS_COLOURS[i % CLASS_COLOURS.length],
        size: 7,
        line: { color: '#ffffff', width: 1 },
      },
      hovertemplate: `${name}: (%{x:.2f}, %{y:.2f})<extra></extra>`,
    }));
    const current = {
      type: 'scatter',
      mode: 'markers',
      x: [],
      y: [],
      name: 'this step',
      marker: { symbol: 'circle-open', size: 15, color: '#1f2328', line: { width: 2.5 } },
      hovertemplate: 'this step\u2019s sample<extra></extra>',
    };
    const axis = (title) => ({
      range: AXIS_RANGE,
      fixedrange: true,
      zeroline: false,
      title: { text: title, standoff: 2 },
    });
    const layout = {
      font: PLOT_FONT,
      margin: { l: 40, r: 8, t: 8, b: 34 },
      showlegend: true,
      legend: { orientation: 'h', x: 0, y: -0.2, font: { size: 11 } },
      xaxis: axis(dataset.feature_names[0]),
      yaxis: { ...axis(dataset.feature_names[1]), scaleanchor: 'x' },
      paper_bgcolor: 'rgba(0,0,0,0)',
      plot_bgcolor: '#ffffff',
    };
    this.built = dataset.name;
    this.regionsDrawn = null;
    return this.Plotly.newPlot(this.element, [heatmap, ...points, current], layout, PLOT_CONFIG);
  }

  draw(frame) {
    if (!this.Plotly || !this.dataset || this.dataset.input_count !== 2) return false;
    if (this.built !== this.dataset.name) this.build();
    const sample = frame.trace?.sample;
    if (sample && sample.x[0] !== null && sample.x[1] !== null) {
      this.seen.set(sample.index, [sample.x[0], sample.x[1], classOf(sample.target)]);
    }
    const classes = this.dataset.class_names.length;
    const xs = Array.from({ length: classes }, () => []);
    const ys = Array.from({ length: classes }, () => []);
    for (const [x1, x2, c] of this.seen.values()) {
      xs[c].push(x1);
      ys[c].push(x2);
    }
    const update = {
      x: [...xs, sample ? [sample.x[0]] : []],
      y: [...ys, sample ? [sample.x[1]] : []],
    };
    const traces = Array.from({ length: classes + 1 }, (_, i) => i + 1);
    const regions = this.regions;
    if (regions && regions !== this.regionsDrawn) {
      const oneOutput = this.dataset.output_count === 1;
      update.x.unshift(regions.x1);
      update.y.unshift(regions.x2);
      update.z = [oneOutput ? regions.output : regions.predicted];
      if (!oneOutput) {
        const names = this.dataset.class_names;
        update.text = [regions.predicted.map((row) => row.map((c) => names[c]))];
      }
      traces.unshift(0);
      this.regionsDrawn = regions;
    }
    if (update.z) {
      // z and text belong to the heatmap only: give the other traces theirs unchanged
      const rest = traces.length - 1;
      update.z = [...update.z, ...Array(rest).fill(undefined)];
      if (update.text) update.text = [...update.text, ...Array(rest).fill(undefined)];
    }
    this.Plotly.restyle(this.element, update, traces);
    return true;
  }
}
