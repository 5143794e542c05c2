// Decision regions of a two-feature data set, as in TensorFlow Playground: the plane coloured by
// what the net predicts (with one output unit, by its output: white at the 0.5 threshold), with
// every sample on top (training samples as dots, validation and test samples as rings) and the
// current step's sample ringed in black. A built-in 2-D set is drawn over its plane (x1, x2)
// whatever features of it the net sees; a regression set's samples are coloured by their target,
// on the scale of the output's shade. Two Plotly figures, one over the other, of the same size and
// axes: under, the grid's heatmap alone, without ticks or titles, redrawn when the grid changes
// (10 times a second while training); over it, the axes and the samples, redrawn only when the
// samples change, and the step's ring moved by Plotly.animate. In one figure every new grid also
// redrew the axes and every sample's marker: 15 ms a draw on spiral, half of it the samples. The
// pointer is the upper figure's: a sample's hover label is its own, and where there is no sample
// under the pointer the grid's is shown in the figure under it (Plotly.Fx.hover). The mode bar's
// PNG download draws both (export.js).
//
// The grid comes from GET /regions (fetched up to ~10 times a second while training), the samples
// from GET /api/datasets/{name}/samples (once per data set, see samples.js; until they are there,
// or if they cannot be read, the training samples the steps have drawn so far stand in for them).

import { classOf } from './net.js';
import { savePng } from './export.js';
import { DOWNLOAD_CONFIG, NO_TRANSITION, PLOT_CONFIG, PLOT_FONT } from './plotly.js';

const CLASS_COLOURS = ['#e08214', '#5e3c99', '#1b7837', '#b2182b'];
const CLASS_TINTS = [
  'rgb(253,208,162)',
  'rgb(203,193,226)',
  'rgb(186,224,186)',
  'rgb(244,185,185)',
];
const HELD_OUT = ['validation', 'test'];
const DEFAULT_RANGE = [-0.1, 1.1];
const TICKS = [0, 0.5, 1];
const TRACE = { heldOut: 0, training: 1, sample: 2 }; // the upper figure's
const PNG_NAME = 'decision-regions';

/** The points to draw from GET /samples (in the plane: a 2-D set's `plane`, else `x`):
 * validation and test first (drawn under the training samples), leaving out those at the place
 * of a training sample (and/or/xor: the same 4 points). */
function pointsOf(samples) {
  const where = (x) => `${x[0]},${x[1]}`;
  const of = (set) =>
    (samples[set].plane ?? samples[set].x).map((x, index) => ({
      x,
      c: samples[set].label[index],
      t: samples[set].target[index][0],
      set: set === 'train' ? 'training' : set,
      index,
    }));
  const train = of('train');
  const taken = new Set(train.map((p) => where(p.x)));
  const heldOut = HELD_OUT.flatMap((set) => of(set).filter((p) => !taken.has(where(p.x))));
  return { heldOut, train };
}

/** A regression target's colour: orange at 0 to purple at 1, as the output's shade. */
function targetColour(t) {
  const rgb = (hex) => [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));
  const [a, b] = [rgb(CLASS_COLOURS[0]), rgb(CLASS_COLOURS[1])];
  const f = Math.max(0, Math.min(1, t));
  const mixed = a.map((v, k) => Math.round(v + (b[k] - v) * f));
  return `rgb(${mixed.join(', ')})`;
}

/** A colour scale of flat bands, one per class index 0…n−1 (z from −0.5 to n − 0.5). */
function classBands(n) {
  return Array.from({ length: n }, (_, i) => [
    [i / n, CLASS_TINTS[i % CLASS_TINTS.length]],
    [(i + 1) / n, CLASS_TINTS[i % CLASS_TINTS.length]],
  ]).flat();
}

export class RegionsView {
  /**
   * @param {{figure: HTMLElement, grid: HTMLElement, samples: HTMLElement}} elements the two
   *   figures' divs (the grid's under the samples') and the element holding both
   * @param {HTMLElement} legend the classes' colours
   * @param {HTMLElement} note shown instead of the plot for data sets without two features
   * @param {Map<string, object>} datasets by name
   */
  constructor({ figure, grid, samples }, legend, note, datasets) {
    this.figureElement = figure;
    this.grid = grid;
    this.element = samples;
    this.sampleHovered = false; // whether a sample's hover label is up (the grid's is not)
    this.hoverForwarded = false; // whether the pointer's moves go to the grid's figure too
    this.legend = legend;
    this.note = note;
    this.datasets = datasets;
    this.Plotly = null;
    this.dataset = null;
    this.regions = null;
    this.drawnRegions = null;
    this.points = null; // from setSamples: {heldOut, train}
    this.seen = new Map(); // until then, the training samples drawn so far: index -> point
    this.pointsChanged = true;
    this.sample = null;
    this.traces = null;
    this.layout = null;
    this.gridTrace = null;
    this.gridLayout = null;
    this.samplesDrawn = false; // whether the upper figure shows the samples (and axes) as set
    this.gridRange = null; // the axes' range set last, as text
  }

  attach(Plotly) {
    this.Plotly = Plotly;
    this.config = {
      ...DOWNLOAD_CONFIG,
      modeBarButtons: [
        [
          {
            name: 'toImage',
            title: 'Download plot as a PNG',
            icon: Plotly.Icons.camera,
            click: () => savePng(Plotly, this.figureElement, `${PNG_NAME}.png`),
          },
        ],
      ],
    };
  }

  /** Takes the config of a run; a new data set (or its features or noise): forgets its
   * samples. */
  configure(config) {
    const key = JSON.stringify([config.dataset, config.features, config.noise]);
    if (this.key === key) return;
    this.key = key;
    this.dataset = this.datasets.get(config.dataset);
    this.twoD = Boolean(this.dataset.plane) || this.dataset.input_count === 2;
    this.regression = this.dataset.task === 'regression';
    this.planeNames = this.dataset.plane_names ?? this.dataset.feature_names;
    this.seen.clear();
    this.points = null;
    this.pointsChanged = true;
    this.regions = null;
    this.drawnRegions = null;
    this.sample = null;
    this.traces = null;
    this.samplesDrawn = false;
    this.gridRange = null;
    const { twoD } = this;
    this.figureElement.hidden = !twoD;
    this.legend.hidden = !twoD;
    this.note.hidden = twoD;
    if (twoD) {
      this.showLegend();
    } else {
      this.note.textContent =
        `Decision regions need a data set with two features; ${this.dataset.name} has ` +
        `${this.dataset.input_count}. Try xor, circle, spiral or blobs.`;
    }
  }

  /** The legend: the classes' colours, the markers (rings only when there are validation or
   * test samples apart from the training ones), and what the shading means. */
  showLegend() {
    const item = (className, text, colour) => {
      const entry = document.createElement('span');
      const mark = document.createElement('span');
      mark.className = className;
      if (colour) mark.style.backgroundColor = colour;
      entry.append(mark, text);
      return entry;
    };
    const classes = this.regression
      ? [item('dot', 'target 0', targetColour(0)), item('dot', 'target 1', targetColour(1))]
      : this.dataset.class_names.map((name, i) =>
          item('dot', name, CLASS_COLOURS[i % CLASS_COLOURS.length]),
        );
    const markers = [item('dot plain', 'training')];
    if (this.points?.heldOut.length) markers.push(item('dot hollow', 'validation, test'));
    markers.push(item('dot ring', 'this step\u2019s sample'));
    const shading = document.createElement('span');
    shading.className = 'shading';
    shading.textContent = this.regression
      ? `shade: output ${this.dataset.output_names[0]}, from 0 to 1 as the targets`
      : this.dataset.output_count === 1
        ? `shade: output ${this.dataset.output_names[0]}, white at 0.5`
        : 'shade: predicted class';
    this.legend.replaceChildren(...classes, ...markers, shading);
  }

  setRegions(regions) {
    this.regions = regions;
  }

  /** Takes every sample of the run `config`'s data set (GET /samples); ignored if another one
   * runs now. */
  setSamples(config, samples) {
    const key = JSON.stringify([config.dataset, config.features, config.noise]);
    if (this.key !== key || !this.twoD || this.points) return;
    this.points = pointsOf(samples);
    this.pointsChanged = true;
    this.showLegend();
  }

  /** The figure's traces and layout for the current data set, made once per data set. */
  figure() {
    if (this.traces) return;
    const { class_names: names } = this.dataset;
    const features = this.planeNames;
    const oneOutput = this.dataset.output_count === 1;
    const scatter = (name, marker) => ({
      type: 'scatter',
      mode: 'markers',
      name,
      x: [],
      y: [],
      text: [],
      marker,
      hovertemplate: '%{text}<extra></extra>',
      cliponaxis: false,
    });
    this.gridTrace = {
      type: 'heatmap',
      x: [],
      y: [],
      z: [],
      zsmooth: 'fast', // one pixel a grid point, scaled smoothly by the browser
      showscale: false,
      ...(oneOutput
        ? {
            zmin: 0,
            zmax: 1,
            colorscale: [
              [0, CLASS_TINTS[0]],
              [0.5, 'rgb(255,255,255)'],
              [1, CLASS_TINTS[1]],
            ],
          }
        : { zmin: -0.5, zmax: names.length - 0.5, colorscale: classBands(names.length) }),
      hovertemplate:
        `${features[0]} = %{x:.2f}, ${features[1]} = %{y:.2f}<br>` +
        (this.regression
          ? 'output %{z:.3f}<extra></extra>'
          : (oneOutput ? 'output %{z:.3f}: ' : '') + 'predicts %{customdata}<extra></extra>'),
    };
    this.traces = [
      // an open symbol's ring takes the marker's colour
      scatter('validation, test', { symbol: 'circle-open', size: 7, line: { width: 1.6 } }),
      // a regression target near 0.5 is pale: a darker edge
      scatter('training', {
        size: 7.5,
        line: { width: 1, color: this.regression ? '#57606a' : '#ffffff' },
      }),
      scatter('this step\u2019s sample', {
        symbol: 'circle-open',
        size: 15,
        color: '#1f2328',
        line: { width: 2.2 },
      }),
    ];
    const axis = (title) => ({
      range: DEFAULT_RANGE,
      tickvals: TICKS,
      showgrid: false,
      zeroline: false,
      showline: true,
      mirror: true,
      linecolor: '#8c959f',
      fixedrange: true,
      title: { text: title, standoff: 4 },
      tickfont: { size: 10, color: '#57606a' },
    });
    this.layout = {
      font: PLOT_FONT,
      margin: { l: 44, r: 8, t: 6, b: 36 },
      showlegend: false,
      hovermode: 'closest',
      dragmode: false,
      paper_bgcolor: 'rgba(0,0,0,0)',
      plot_bgcolor: 'rgba(0,0,0,0)', // the grid's figure shows through
      xaxis: axis(features[0]),
      yaxis: { ...axis(features[1]), scaleanchor: 'x', constrain: 'domain' },
      datarevision: 0,
    };
    // the same plot area, nothing drawn around it
    const bare = { showticklabels: false, ticks: '', showline: false, title: { text: '' } };
    this.gridLayout = {
      ...this.layout,
      plot_bgcolor: '#ffffff',
      xaxis: { ...this.layout.xaxis, ...bare },
      yaxis: { ...this.layout.yaxis, ...bare },
    };
  }

  /** Gives the grid's figure the size of the samples' (which follows the page's width): the
   * same plot area, to the pixel. */
  fitGrid() {
    const { width, height } = this.element._fullLayout;
    if (width === this.gridLayout.width && height === this.gridLayout.height) return false;
    Object.assign(this.gridLayout, { width, height });
    return true;
  }

  /** Shows the grid's hover label where the pointer is over no sample (the grid's figure is
   * under the samples': it gets no pointer events of its own). */
  forwardHover() {
    if (this.hoverForwarded) return;
    this.hoverForwarded = true;
    const { Fx } = this.Plotly;
    this.element.on('plotly_hover', () => {
      this.sampleHovered = true;
      Fx.unhover(this.grid);
    });
    this.element.on('plotly_unhover', () => {
      this.sampleHovered = false;
    });
    this.element.addEventListener('mousemove', (event) => {
      const layout = this.grid._fullLayout; // where Plotly put the plot area
      if (this.sampleHovered || !layout) return;
      const box = this.grid.getBoundingClientRect();
      Fx.hover(this.grid, {
        xpx: event.clientX - box.left - layout.xaxis._offset,
        ypx: event.clientY - box.top - layout.yaxis._offset,
      });
    });
    this.element.addEventListener('mouseleave', () => Fx.unhover(this.grid));
    // the page's width changed the samples' figure: the grid's follows
    this.element.on('plotly_relayout', () => {
      if (this.grid._fullLayout && this.fitGrid()) {
        this.Plotly.relayout(this.grid, {
          width: this.gridLayout.width,
          height: this.gridLayout.height,
        });
      }
    });
  }

  /** Puts `points` (samples) into scatter trace `k`, coloured by class. */
  setPoints(k, points) {
    const names = this.dataset.class_names;
    const colours = points.map((p) =>
      this.regression ? targetColour(p.t) : CLASS_COLOURS[p.c % CLASS_COLOURS.length],
    );
    const what = (p) => (this.regression ? `target ${p.t.toPrecision(3)}` : names[p.c]);
    const trace = this.traces[k];
    trace.x = points.map((p) => p.x[0]);
    trace.y = points.map((p) => p.x[1]);
    trace.text = points.map((p) => `${p.set} sample #${p.index}: ${what(p)}`);
    trace.marker = { ...trace.marker, color: colours };
  }

  /** The step's training sample with its place in the plane: its input, or with engineered
   * features (other numbers) its point among the samples (none until they are there). */
  placed(sample) {
    if (!sample) return null;
    if (this.dataset.engineered) {
      const point = this.points?.train.find((p) => p.index === sample.index);
      return point ? { ...sample, x: point.x } : null;
    }
    return sample.x[0] !== null && sample.x[1] !== null ? sample : null;
  }

  draw(frame) {
    if (!this.Plotly || !this.dataset || !this.twoD) return false;
    this.figure();
    const current = this.placed(frame.trace?.sample);
    if (current && !this.points && !this.seen.has(current.index)) {
      this.seen.set(current.index, {
        x: current.x,
        c: classOf(current.target),
        t: current.target[0],
        set: 'training',
        index: current.index,
      });
      this.pointsChanged = true;
    }
    let samplesChanged = !this.samplesDrawn;
    if (this.pointsChanged) {
      this.setPoints(TRACE.heldOut, this.points?.heldOut ?? []);
      this.setPoints(TRACE.training, this.points?.train ?? [...this.seen.values()]);
      this.pointsChanged = false;
      samplesChanged = true;
    }
    let ringChanged = false;
    if (current?.index !== this.sample?.index || current?.x !== this.sample?.x) {
      this.sample = current;
      const ring = this.traces[TRACE.sample];
      ring.x = current ? [current.x[0]] : [];
      ring.y = current ? [current.x[1]] : [];
      ring.text = current ? [`this step\u2019s sample #${current.index}`] : [];
      ringChanged = true;
    }
    let gridChanged = !this.samplesDrawn; // a new data set's: empty until its grid comes
    if (this.regions && this.regions !== this.drawnRegions) {
      samplesChanged = this.setGrid(this.regions) || samplesChanged; // new axes' ranges
      gridChanged = true;
    }
    if (!samplesChanged && !ringChanged && !gridChanged) return false;
    if (samplesChanged) {
      this.layout.datarevision += 1;
      this.Plotly.react(this.element, this.traces, this.layout, this.config);
      this.samplesDrawn = true;
      this.forwardHover(); // (a Plotly figure now: it has Plotly's events)
    } else if (ringChanged) {
      const { x, y, text } = this.traces[TRACE.sample];
      this.Plotly.animate(
        this.element,
        { data: [{ x, y, text }], traces: [TRACE.sample] },
        NO_TRANSITION,
      );
    }
    if (gridChanged || this.fitGrid()) {
      this.gridLayout.datarevision += 1;
      this.Plotly.react(this.grid, [this.gridTrace], this.gridLayout, PLOT_CONFIG);
    }
    return true;
  }

  /** The grid from GET /regions into the heatmap; the axes reach half a cell beyond it. True
   * when their range changed. */
  setGrid(regions) {
    const names = this.dataset.class_names;
    const grid = this.gridTrace;
    grid.x = regions.x1;
    grid.y = regions.x2;
    grid.z = this.dataset.output_count === 1 ? regions.output : regions.predicted;
    if (!this.regression)
      grid.customdata = regions.predicted.map((row) => row.map((c) => names[c]));
    const half = (regions.x1[1] - regions.x1[0]) / 2;
    const range = [regions.x1[0] - half, regions.x1[regions.x1.length - 1] + half];
    // (compared with the range set, not the layout's: Plotly writes the range it drew there)
    const changed = String(range) !== this.gridRange;
    this.gridRange = String(range);
    for (const layout of [this.layout, this.gridLayout]) {
      layout.xaxis.range = range;
      layout.yaxis.range = range;
    }
    this.drawnRegions = regions;
    return changed;
  }
}
