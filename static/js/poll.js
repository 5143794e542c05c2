// Fetching what follows training but is not in a frame (learning curves, decision regions),
// without flooding the server: at most one request in flight, at most one per `interval` ms, and
// only when something changed since the last answer. A request wanted while one is in flight is
// made once it returns: the latest wish wins, none are queued. While nothing shows the data
// (paused: its figure scrolled out of sight) nothing is asked for; resumed, the latest wish is.

export class Refresher {
  /**
   * @param {() => Promise<object>} fetchData
   * @param {(data: object, key: string) => void} onData the data and the key it was asked for
   * @param {(error: Error, key: string) => void} onError the error and the key it was asked for
   * @param {number} interval minimum ms between two requests
   * @param {object} [clock] the browser's, unless a test brings its own
   * @param {() => number} [clock.now] ms
   * @param {(run: () => void, ms: number) => unknown} [clock.setTimeout]
   * @param {(timer: unknown) => void} [clock.clearTimeout]
   */
  constructor(
    fetchData,
    onData,
    onError,
    interval,
    {
      now = () => performance.now(),
      setTimeout = (run, ms) => window.setTimeout(run, ms),
      clearTimeout = (timer) => window.clearTimeout(timer),
    } = {},
  ) {
    this.clock = { now, setTimeout, clearTimeout };
    this.fetchData = fetchData;
    this.onData = onData;
    this.onError = onError;
    this.interval = interval;
    this.wanted = null;
    this.have = null;
    this.inFlight = false;
    this.timer = null;
    this.last = -Infinity;
    this.enabled = true;
    this.paused = false;
  }

  /** Asks for the data as of `key` (e.g. "run 3, step 1200"). */
  want(key) {
    this.wanted = key;
    if (!this.enabled || this.paused || this.inFlight || this.timer !== null) return;
    if (key === this.have) return;
    const wait = this.last + this.interval - this.clock.now();
    if (wait > 0) {
      this.timer = this.clock.setTimeout(() => {
        this.timer = null;
        this.start();
      }, wait);
    } else {
      this.start();
    }
  }

  async start() {
    const key = this.wanted;
    if (!this.enabled || this.paused || key === this.have) return;
    this.inFlight = true;
    this.last = this.clock.now();
    try {
      const data = await this.fetchData();
      this.have = key;
      if (this.enabled) this.onData(data, key);
    } catch (error) {
      this.have = key; // not retried until something changes
      if (this.enabled) this.onError(error, key);
    } finally {
      this.inFlight = false;
    }
    if (this.wanted !== this.have) this.want(this.wanted);
  }

  /** Holds the requests back (`paused`) or lets them go on; unlike a stopped refresher, a paused
   * one keeps what it had and what is wanted, and resumed asks for the latest wish (an answer
   * in flight meanwhile is still taken). */
  setPaused(paused) {
    this.paused = paused;
    if (paused && this.timer !== null) {
      this.clock.clearTimeout(this.timer);
      this.timer = null;
    }
    if (!paused && this.wanted !== null) this.want(this.wanted);
  }

  /** Stops (or resumes) fetching; a stopped refresher forgets what it had. */
  setEnabled(enabled) {
    this.enabled = enabled;
    this.have = null;
    if (!enabled && this.timer !== null) {
      this.clock.clearTimeout(this.timer);
      this.timer = null;
    }
  }
}
