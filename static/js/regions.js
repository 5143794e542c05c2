// Decision regions of a two-feature data set, as in TensorFlow Playground: the plane coloured by
// what the net predicts (with one output unit, by its output: white at the 0.5 threshold), with
// every sample on top (training samples as dots, validation and test samples as rings) and the
// current step's sample ringed in black.
//
// The grid comes from GET /regions (fetched up to ~10 times a second while training), the samples
// from GET /api/datasets/{name}/samples (once per data set, see samples.js; until they are there,
// or if they cannot be read, the training samples the steps have drawn so far stand in for them).
// Drawn on a canvas, the grid as an image of one pixel per grid point, scaled up smoothly, the
// samples as a layer drawn once per data set and size: a Plotly figure here would cost another
// ~25 ms per redraw (see curves.js).

import { canvasFont, fitCanvas } from './canvas.js';
import { num } from './format.js';
import { classOf } from './net.js';
import { hideTooltip, showTooltip } from './tooltip.js';

const CLASS_COLOURS = ['#e08214', '#5e3c99', '#1b7837', '#b2182b'];
const CLASS_TINTS = [
  [253, 208, 162],
  [203, 193, 226],
  [186, 224, 186],
  [244, 185, 185],
];
const WHITE = [255, 255, 255];
const HELD_OUT = ['validation', 'test'];
const DEFAULT_RANGE = [-0.1, 1.1];
const MARGIN = { left: 40, right: 8, top: 6, bottom: 30 }; // CSS pixels, for the axes
const TICKS = [0, 0.5, 1];

function mix(a, b, t) {
  return a.map((v, k) => Math.round(v + (b[k] - v) * t));
}

/** The points to draw from GET /samples: validation and test first (drawn under the training
 * samples), leaving out those at the place of a training sample (and/or/xor: the same 4 points). */
function pointsOf(samples) {
  const where = (x) => `${x[0]},${x[1]}`;
  const train = samples.train.x.map((x, index) => ({
    x,
    c: samples.train.label[index],
    set: 'training',
    index,
  }));
  const taken = new Set(train.map((p) => where(p.x)));
  const heldOut = HELD_OUT.flatMap((set) =>
    samples[set].x
      .map((x, index) => ({ x, c: samples[set].label[index], set, index }))
      .filter((p) => !taken.has(where(p.x))),
  );
  return { all: [...heldOut, ...train], heldOut: heldOut.length };
}

export class RegionsView {
  /**
   * @param {HTMLCanvasElement} canvas the plot
   * @param {HTMLElement} legend the classes' colours
   * @param {HTMLElement} note shown instead of the plot for data sets without two features
   * @param {Map<string, object>} datasets by name
   */
  constructor(canvas, legend, note, datasets) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.legend = legend;
    this.note = note;
    this.datasets = datasets;
    this.dataset = null;
    this.regions = null;
    this.image = null; // the grid as a canvas of one pixel per grid point
    this.imageOf = null;
    this.sample = null;
    this.points = null; // every sample, from setSamples: [{x, c, set, index}], training last
    this.heldOut = 0; // how many of them are validation or test samples apart from the training ones
    this.seen = new Map(); // until then, the training samples drawn so far: index -> point
    this.layer = null; // the points, drawn once per data set, canvas size and range
    this.layerOf = null;
    this.range = DEFAULT_RANGE;
    fitCanvas(canvas, () => this.paint());
    canvas.addEventListener('pointermove', (event) => this.hover(event));
    canvas.addEventListener('pointerleave', hideTooltip);
  }

  /** Takes the config of a run; a new data set: forgets its samples. */
  configure(config) {
    if (this.dataset?.name === config.dataset) return;
    this.dataset = this.datasets.get(config.dataset);
    this.seen.clear();
    this.points = null;
    this.heldOut = 0;
    this.layerOf = null;
    this.regions = null;
    this.sample = null;
    const twoD = this.dataset.input_count === 2;
    this.canvas.hidden = !twoD;
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
    const classes = this.dataset.class_names.map((name, i) =>
      item('dot', name, CLASS_COLOURS[i % CLASS_COLOURS.length]),
    );
    const markers = [item('dot plain', 'training')];
    if (this.heldOut) markers.push(item('dot hollow', 'validation, test'));
    markers.push(item('dot ring', 'this step\u2019s sample'));
    const shading = document.createElement('span');
    shading.className = 'shading';
    shading.textContent =
      this.dataset.output_count === 1
        ? `shade: output ${this.dataset.output_names[0]}, white at 0.5`
        : 'shade: predicted class';
    this.legend.replaceChildren(...classes, ...markers, shading);
  }

  setRegions(regions) {
    this.regions = regions;
  }

  /** Takes every sample of data set `name` (GET /samples); ignored if another one runs now. */
  setSamples(name, samples) {
    if (this.dataset?.name !== name || this.dataset.input_count !== 2 || this.points) return;
    const { all, heldOut } = pointsOf(samples);
    this.points = all;
    this.heldOut = heldOut;
    this.layerOf = null;
    this.showLegend();
  }

  draw(frame) {
    if (!this.dataset || this.dataset.input_count !== 2) return false;
    const sample = frame.trace?.sample;
    this.sample = sample && sample.x[0] !== null && sample.x[1] !== null ? sample : null;
    if (this.sample && !this.points && !this.seen.has(sample.index)) {
      const point = {
        x: sample.x,
        c: classOf(sample.target),
        set: 'training',
        index: sample.index,
      };
      this.seen.set(sample.index, point);
      this.layerOf = null;
    }
    if (this.regions && this.regions !== this.imageOf) this.makeImage(this.regions);
    this.paint();
    return true;
  }

  /** The grid as an image, row 0 at the top (the largest x2). */
  makeImage(regions) {
    const n1 = regions.x1.length;
    const n2 = regions.x2.length;
    this.image ??= document.createElement('canvas');
    this.image.width = n1;
    this.image.height = n2;
    const context = this.image.getContext('2d');
    const pixels = context.createImageData(n1, n2);
    const oneOutput = this.dataset.output_count === 1;
    for (let i = 0; i < n2; i++) {
      const row = n2 - 1 - i;
      for (let j = 0; j < n1; j++) {
        let rgb;
        if (oneOutput) {
          const y = regions.output[i][j];
          const t = y === null ? 0.5 : Math.max(0, Math.min(1, y));
          rgb = t < 0.5 ? mix(CLASS_TINTS[0], WHITE, t * 2) : mix(WHITE, CLASS_TINTS[1], t * 2 - 1);
        } else {
          rgb = CLASS_TINTS[regions.predicted[i][j] % CLASS_TINTS.length];
        }
        const k = 4 * (row * n1 + j);
        pixels.data[k] = rgb[0];
        pixels.data[k + 1] = rgb[1];
        pixels.data[k + 2] = rgb[2];
        pixels.data[k + 3] = 255;
      }
    }
    context.putImageData(pixels, 0, 0);
    // each grid value is the colour of a cell centred on it: the image reaches half a cell out
    const half = (regions.x1[1] - regions.x1[0]) / 2;
    this.range = [regions.x1[0] - half, regions.x1[n1 - 1] + half];
    this.imageOf = regions;
  }

  /** The plot area in backing-store pixels, and the maps from data to pixels. */
  frame() {
    const ratio = window.devicePixelRatio || 1;
    const { width, height } = this.canvas;
    const top = MARGIN.top * ratio;
    const across = width - (MARGIN.left + MARGIN.right) * ratio;
    const size = Math.min(across, height - top - MARGIN.bottom * ratio);
    const left = MARGIN.left * ratio + (across - size) / 2; // the square, centred
    const [lo, hi] = this.range;
    const scale = size / (hi - lo);
    return {
      ratio,
      left,
      top,
      size,
      x: (v) => left + (v - lo) * scale,
      y: (v) => top + size - (v - lo) * scale,
      fromX: (px) => lo + (px - left) / scale,
      fromY: (py) => lo + (top + size - py) / scale,
    };
  }

  paint() {
    const { ctx, canvas } = this;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (!this.dataset || this.dataset.input_count !== 2) return;
    const f = this.frame();
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(f.left, f.top, f.size, f.size);
    if (this.image && this.regions) {
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(this.image, f.left, f.top, f.size, f.size);
    }
    this.paintAxes(f);
    ctx.drawImage(this.pointsLayer(f), 0, 0);
    if (this.sample) {
      ctx.beginPath();
      ctx.arc(f.x(this.sample.x[0]), f.y(this.sample.x[1]), 7.5 * f.ratio, 0, 2 * Math.PI);
      ctx.lineWidth = 2.2 * f.ratio;
      ctx.strokeStyle = '#1f2328';
      ctx.stroke();
    }
  }

  /** The samples drawn now, with where (CSS pixels in the canvas) and in which colour (for the
   * tests): `[{set, index, x, colour, at: [left, top]}]`, training samples last. */
  shown() {
    if (this.canvas.hidden || this.layerOf === null) return [];
    const f = this.frame();
    return [...(this.points ?? this.seen).values()].map(({ x, c, set, index }) => ({
      set,
      index,
      x,
      colour: CLASS_COLOURS[c % CLASS_COLOURS.length],
      at: [f.x(x[0]) / f.ratio, f.y(x[1]) / f.ratio],
    }));
  }

  /** The samples as a canvas the size of the plot's, drawn again only when they, the size or
   * the range changed (a few hundred arcs would take a millisecond or two on every draw). */
  pointsLayer(f) {
    const { width, height } = this.canvas;
    const key = `${width}x${height} ${this.range}`; // and null after the points changed
    if (this.layer && this.layerOf === key) return this.layer;
    this.layer ??= document.createElement('canvas');
    this.layer.width = width;
    this.layer.height = height;
    const ctx = this.layer.getContext('2d');
    for (const { x, c, set } of (this.points ?? this.seen).values()) {
      const colour = CLASS_COLOURS[c % CLASS_COLOURS.length];
      ctx.beginPath();
      if (set === 'training') {
        ctx.arc(f.x(x[0]), f.y(x[1]), 3.6 * f.ratio, 0, 2 * Math.PI);
        ctx.fillStyle = colour;
        ctx.fill();
        ctx.lineWidth = f.ratio;
        ctx.strokeStyle = '#ffffff';
        ctx.stroke();
      } else {
        ctx.arc(f.x(x[0]), f.y(x[1]), 3.2 * f.ratio, 0, 2 * Math.PI);
        ctx.lineWidth = 1.6 * f.ratio;
        ctx.strokeStyle = colour;
        ctx.stroke();
      }
    }
    this.layerOf = key;
    return this.layer;
  }

  paintAxes(f) {
    const { ctx } = this;
    ctx.strokeStyle = '#8c959f';
    ctx.lineWidth = f.ratio;
    ctx.strokeRect(f.left, f.top, f.size, f.size);
    ctx.fillStyle = '#57606a';
    ctx.font = canvasFont(10);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const t of TICKS) ctx.fillText(String(t), f.x(t), f.top + f.size + 3 * f.ratio);
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const t of TICKS) ctx.fillText(String(t), f.left - 4 * f.ratio, f.y(t));
    const [name1, name2] = this.dataset.feature_names;
    ctx.font = canvasFont(11);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'bottom';
    ctx.fillText(name1, f.left + f.size / 2, this.canvas.height - 1);
    ctx.save();
    ctx.translate(f.left - 32 * f.ratio, f.top + f.size / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = 'middle';
    ctx.fillText(name2, 0, 0);
    ctx.restore();
  }

  hover(event) {
    if (!this.dataset || this.dataset.input_count !== 2) return;
    const rect = this.canvas.getBoundingClientRect();
    const f = this.frame();
    const px = (event.clientX - rect.left) * f.ratio;
    const py = (event.clientY - rect.top) * f.ratio;
    const x1 = f.fromX(px);
    const x2 = f.fromY(py);
    const [lo, hi] = this.range;
    if (x1 < lo || x1 > hi || x2 < lo || x2 > hi) {
      hideTooltip();
      return;
    }
    const [name1, name2] = this.dataset.feature_names;
    const lines = [`${name1} = ${num(x1, 2)}, ${name2} = ${num(x2, 2)}`];
    const r = this.regions;
    if (r) {
      const nearest = (axis, v) =>
        Math.max(
          0,
          Math.min(
            axis.length - 1,
            Math.round(((v - axis[0]) / (axis[axis.length - 1] - axis[0])) * (axis.length - 1)),
          ),
        );
      const i = nearest(r.x2, x2);
      const j = nearest(r.x1, x1);
      const predicted = this.dataset.class_names[r.predicted[i][j]];
      lines.push(
        this.dataset.output_count === 1
          ? `output ${num(r.output[i][j], 3)}: predicts ${predicted}`
          : `predicts ${predicted}`,
      );
    }
    // the sample under the pointer, the training one where they overlap (drawn last, on top)
    const points = [...(this.points ?? this.seen).values()];
    const hit = points.findLast(
      (p) => Math.hypot(f.x(p.x[0]) - px, f.y(p.x[1]) - py) <= 6 * f.ratio,
    );
    if (hit) lines.push(`${hit.set} sample #${hit.index}: ${this.dataset.class_names[hit.c]}`);
    showTooltip(lines, event.clientX, event.clientY);
  }
}
