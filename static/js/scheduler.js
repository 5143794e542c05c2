// Frame scheduling: every view draws from requestAnimationFrame, only the latest frame.
//
// Frames (a session's state after some steps) may arrive faster than the screen refreshes, or in
// bursts. `submit` keeps only the newest one and asks for one animation frame; on it, each view
// that has not drawn that frame yet draws it once. Frames that arrived in between are skipped,
// never queued, so the page cannot fall behind the server. Live views (`interval` 0) draw on every
// animation frame that brings something new; slower views (learning curves, decision regions, the
// equations' text) on a steady beat of one draw per `interval` ms (a late draw does not push the
// next one back), within a few milliseconds per animation frame as their calls measure them, so
// that a slow view's long redraw (a Plotly restyle) has a frame to itself. A Plotly animate's call
// measures little, its work following in promise callbacks, so two animated views (the values, the
// curves) may share a frame; letting each have a frame of its own starved them on a slow machine,
// where frames come 10 to 20 times a second (docs/benchmarks.md). A view out of sight
// (`setVisible`: its figure scrolled off the screen) is not drawn at all, and draws the newest
// frame as soon as it is in sight again: nobody sees its draws, and on a slow machine they took
// frames from the live views (the decision regions, below the fold of a laptop's screen;
// docs/benchmarks.md).
//
// When an animation frame takes a new frame, before drawing it, `onTaken` is called: the page
// then asks the server for the next one (live.js), which so arrives well before the next
// animation frame.
//
// Per-view counts and timings are kept in `stats` (exposed as `window.playgroundStats`): the
// browser tests compare the counts, make page-bench turns them into rates.

const CATCH_UP = 3; // intervals a slow view may fall behind and still catch up
const SLOW_BUDGET_MS = 4; // time for slow views in one animation frame, once it is used up

export class FrameScheduler {
  /**
   * @param {object} [clock] the browser's, unless a test brings its own
   * @param {(tick: (now: number) => void) => void} [clock.requestFrame] asks for an animation
   *   frame, on which `tick(now)` runs
   * @param {() => number} [clock.now] ms, for the time a draw takes
   */
  constructor({
    requestFrame = (tick) => requestAnimationFrame(tick),
    now = () => performance.now(),
  } = {}) {
    this.requestFrame = requestFrame;
    this.now = now;
    this.frame = null;
    this.version = 0;
    this.taken = 0; // the version the last animation frame took
    this.onTaken = () => {};
    this.views = [];
    this.requested = false;
    this.tick = this.tick.bind(this);
    this.stats = { framesReceived: 0, ticks: 0, views: {} };
    this.onError = (name, error) => console.error(`view ${name} failed to draw`, error);
  }

  /**
   * Adds a view: `draw(frame)` paints it and returns false when it could not (not ready yet).
   * @param {string} name for the stats
   * @param {(frame: object) => boolean | void} draw
   * @param {{interval?: number}} options minimum ms between two draws (0: every frame)
   */
  add(name, draw, { interval = 0 } = {}) {
    this.views.push({ name, draw, interval, drawn: -1, due: -Infinity, visible: true });
    // draws, when (ms since navigation), how long, the step of the state drawn last, and whether
    // the view is in sight (drawn at all)
    this.stats.views[name] = {
      visible: true,
      draws: 0,
      first: null,
      last: null,
      totalMs: 0,
      maxMs: 0,
      step: null,
    };
  }

  /** Takes the newest frame; older ones not drawn yet are dropped. */
  submit(frame) {
    this.frame = frame;
    this.version += 1;
    this.stats.framesReceived += 1;
    this.request();
  }

  /** Makes view `name` draw the current frame again (its own data changed, or its size). */
  invalidate(name) {
    const view = this.views.find((v) => v.name === name);
    if (view) view.drawn = -1;
    this.request();
  }

  /** Marks view `name` in sight or out of it: out of sight it is not drawn; back in sight it
   * draws the newest frame (if it has not drawn it yet). */
  setVisible(name, visible) {
    const view = this.views.find((v) => v.name === name);
    if (!view || view.visible === visible) return;
    view.visible = visible;
    this.stats.views[name].visible = visible;
    if (visible) this.request();
  }

  request() {
    if (!this.requested && this.frame) {
      this.requested = true;
      this.requestFrame(this.tick);
    }
  }

  tick(now) {
    this.requested = false;
    this.stats.ticks += 1;
    if (this.taken !== this.version) {
      this.taken = this.version;
      this.onTaken(); // before drawing: the server works on the next frame while this one draws
    }
    let waiting = false;
    let slowMs = 0;
    // live views first; then the slow ones that are due, the longest due first, while this
    // animation frame's time for slow views lasts
    const slow = this.views.filter((v) => v.interval > 0).sort((a, b) => a.due - b.due);
    for (const view of [...this.views.filter((v) => v.interval === 0), ...slow]) {
      if (view.drawn === this.version || !view.visible) continue;
      if (view.interval > 0 && (slowMs > SLOW_BUDGET_MS || now < view.due)) {
        waiting = true;
        continue;
      }
      const took = this.draw(view);
      if (took === null || view.interval === 0) continue;
      slowMs += took;
      // on the beat: the next draw is due one interval after this one was due, so that a late
      // draw (animation frames come every 16.7 ms) is made up by an earlier next one; after an
      // idle time (nothing new to draw for a few intervals) the beat restarts from now
      const next = view.due + view.interval;
      view.due = next > now - CATCH_UP * view.interval ? next : now + view.interval;
    }
    if (waiting) {
      this.requested = true;
      this.requestFrame(this.tick);
    }
  }

  /** Draws the current frame on `view`; the ms it took, or null when it did not draw. */
  draw(view) {
    const { frame, version } = this;
    const start = this.now();
    let drawn;
    try {
      drawn = view.draw(frame) !== false;
    } catch (error) {
      view.drawn = version; // do not retry a failing frame on every tick
      this.onError(view.name, error);
      return null;
    }
    const end = this.now();
    if (!drawn) return null;
    view.drawn = version;
    const s = this.stats.views[view.name];
    s.draws += 1;
    s.first ??= end;
    s.last = end;
    s.totalMs += end - start;
    s.maxMs = Math.max(s.maxMs, end - start);
    s.step = frame.step;
    return end - start;
  }
}
