// The numbers printed on the live views: the values in the heatmaps' cells where they fit, the
// colour bars' end values, the values at the bars' ends and the bars' ranges, as one trace of
// Plotly text points in a figure over the live figure, in its CSS pixels (see grid.js).
//
// They are drawn on a beat of their own, 5 a second (main.js), not on every animation frame: at a
// display's rate the numbers change faster than anyone reads them, and Plotly styles and places
// every SVG text again on every draw (on a three-layer net, printing them in every frame halved
// the live views' rate). A heatmap's own cell text (texttemplate) costs the same a text. A draw
// is a Plotly.animate, without transition: it styles each text once, where a restyle styles it
// twice (the trace's plot, then the figure's styles) and redraws the figure's frame too.
// The figure lets the pointer through, and fades while a hover label is up, which it would cover.

import { NO_TRANSITION, PLOT_CONFIG, liveLayout, pixelAxes } from './plotly.js';

export class ValuesFigure {
  /**
   * @param {HTMLElement} element the figure's div, over the live figure
   * @param {object} Plotly
   * @param {number} width px, the live figure's
   * @param {number} height px
   */
  constructor(element, Plotly, width, height) {
    this.element = element;
    this.Plotly = Plotly;
    this.layout = { ...liveLayout(width, height), ...pixelAxes(width, height), hovermode: false };
    this.made = false; // by the first draw, on its beat: not in the live views' first one
    this.trace = {
      type: 'scatter',
      mode: 'text',
      name: 'values',
      x: [],
      y: [],
      text: [],
      hoverinfo: 'skip',
      cliponaxis: false,
      textfont: { color: [], size: [] },
    };
  }

  /** Draws `points` ({x, y, text, position, colour, size} each: px, its text, Plotly's
   * textposition, colour and size): the figure made by the first draw, then one animate. */
  draw(points) {
    const of = (key) => points.map((p) => p[key]);
    const [x, y, text, textposition] = ['x', 'y', 'text', 'position'].map(of);
    const textfont = { color: of('colour'), size: of('size') };
    if (!this.made) {
      this.made = true;
      const trace = { ...this.trace, x, y, text, textposition, textfont };
      this.Plotly.newPlot(this.element, [trace], this.layout, { ...PLOT_CONFIG, staticPlot: true });
      return;
    }
    const data = [{ x, y, text, textposition, textfont }];
    this.Plotly.animate(this.element, { data, traces: [0] }, NO_TRANSITION);
  }

  /** Fades while a hover label is up in `figure` (the values would cover it). */
  fadeOnHover(figure) {
    figure.on('plotly_hover', () => this.element.classList.add('faded'));
    figure.on('plotly_unhover', () => this.element.classList.remove('faded'));
  }
}
