// The page's training session on the server: creating it, stepping, playing, resetting and
// changing the learning rate, over REST and the live stream. Every state it gets (a REST answer or
// a live frame) goes to `onFrame`; every failure to the status region, in the server's words.

import { ApiError, api } from './api.js';
import { LiveConnection, StreamState } from './live.js';
import { Refresher } from './poll.js';

const HISTORY_INTERVAL_MS = 250;
const REGIONS_INTERVAL_MS = 90;
const REGIONS_RESOLUTION = 32;

export class PlaygroundSession {
  /**
   * @param {object} options
   * @param {import('./status.js').StatusView} options.status
   * @param {(frame: object) => void} options.onFrame a state, with `trace` after a step
   * @param {(state: string) => void} options.onPlayState a StreamState
   * @param {() => void} options.onNewRun a new run starts (a reset, a new session, a snapshot)
   * @param {(config: object) => void} options.onConfig the config the server runs now
   * @param {(history: object | null) => void} options.onHistory learning curves (null: none yet)
   * @param {(regions: object | null) => void} options.onRegions decision regions (2-D sets)
   * @param {(config: object) => boolean} options.hasRegions whether a config's data set is 2-D
   * @param {(fields: string[]) => void} options.onRefused the fields the server found wrong
   */
  constructor({
    status,
    onFrame,
    onPlayState,
    onNewRun,
    onConfig,
    onHistory,
    onRegions,
    hasRegions,
    onRefused,
  }) {
    this.status = status;
    this.onRefused = onRefused;
    this.onFrame = onFrame;
    this.onPlayState = onPlayState;
    this.onNewRun = onNewRun;
    this.onConfig = onConfig;
    this.hasRegions = hasRegions;
    this.id = null;
    this.live = null;
    this.state = StreamState.PAUSED;
    this.speed = null; // steps/s, set before the session starts
    this.step = 0;
    this.run = 0; // counts resets, so that data of an earlier run is never taken for this one
    this.afterReset = false;
    this.config = null;
    // an answer (or a failure) asked for before a reset or a restore is not this run's
    const ofThisRun = (handle) => (result, key) => {
      if (key.startsWith(`${this.run}:`)) handle(result);
    };
    const failed = (what) => ofThisRun((error) => this.fail(what, error));
    this.onRegions = onRegions;
    this.onHistory = onHistory;
    this.history = new Refresher(
      () => api.history(this.id),
      ofThisRun(onHistory),
      failed('Could not read the learning curves'),
      HISTORY_INTERVAL_MS,
    );
    this.regions = new Refresher(
      () => api.regions(this.id, REGIONS_RESOLUTION),
      ofThisRun(onRegions),
      failed('Could not read the decision regions'),
      REGIONS_INTERVAL_MS,
    );
  }

  /** Whether the decision regions are in sight: out of it, their grid is not asked for (a
   * forward pass of the net over the whole plane, on the server, a few times a second). */
  showRegions(shown) {
    this.regions.setPaused(!shown);
  }

  get playing() {
    return this.state === StreamState.PLAYING;
  }

  /**
   * Creates the session; with a config the server refuses (a 422), says why and uses the
   * defaults. Any other failure (the server unreachable, full) is thrown, in its own words.
   */
  async start(config) {
    let state;
    try {
      state = await api.createSession(config);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 422)) throw error;
      this.fail('The settings in the link were refused, so the defaults are used', error);
      state = await api.createSession({});
    }
    this.adopt(state);
    return state.config;
  }

  /** Switches to the session `state` (a new one, or restored with the curves in `history`). */
  adopt(state, history = null) {
    this.id = state.id;
    this.live?.close();
    this.live = new LiveConnection(state.id, {
      onFrame: (frame) => this.accept(frame, true),
      onStatus: (message) => this.setState(message.state),
      onDiverged: (message) => {
        this.setState(StreamState.PAUSED);
        this.status.error('Training stopped', message);
      },
      onError: (message) => this.status.error('The server refused a command', message),
      onLost: (message, { sessionLost }) => {
        this.setState(StreamState.PAUSED);
        this.status.error(
          sessionLost
            ? `${message} Press Reset to start a new session with these settings`
            : message,
        );
        if (sessionLost) this.markLost();
      },
      onOpen: () => {
        if (this.playing) this.live.play(this.speed);
      },
    });
    this.lost = false;
    this.newRun(state, history);
  }

  /** A new run starts from `state`, with no curves yet or with those of a snapshot (`history`). */
  newRun(state, history = null) {
    this.run += 1;
    this.afterReset = true;
    this.config = state.config;
    this.step = state.step;
    this.onNewRun();
    this.onConfig(state.config);
    this.regions.setEnabled(this.hasRegions(state.config));
    this.history.setEnabled(true);
    this.onHistory(null);
    // a restored session's curves are in its snapshot: shown with its first state, not one
    // history request later (until then the curves would hold only the snapshot's last step)
    if (history) this.onHistory(history);
    this.onRegions(null);
    this.accept(state, false);
  }

  /** A new state: from a live frame (`live`) or a REST answer. */
  accept(frame, live) {
    if (live && this.afterReset && frame.step - frame.steps > this.step) {
      return; // a frame of the run before the reset, sent before the server reset it
    }
    if (live) this.afterReset = false;
    this.step = frame.step;
    this.onFrame(frame);
    const key = `${this.run}:${frame.step}`;
    this.history.want(key);
    this.regions.want(key);
    if (!live && frame.trace?.diverged) {
      this.status.error(
        'Training stopped',
        `the network diverged at step ${frame.step}: a weight would have become non-finite ` +
          '(try a smaller learning rate); reset it to train again',
      );
    }
  }

  setState(state) {
    this.state = state;
    this.onPlayState(state);
  }

  /**
   * The session is gone on the server (deleted, evicted, or the server restarted): the
   * background reads stop, since each would only say so again and crowd out the message that
   * says what to do. A new session (`adopt`) starts them again.
   */
  markLost() {
    this.lost = true;
    this.history.setEnabled(false);
    this.regions.setEnabled(false);
  }

  fail(what, error) {
    if (error instanceof ApiError && error.sessionLost) {
      this.markLost();
      this.setState(StreamState.PAUSED);
      this.status.error(`${what}: ${error.message}. Press Reset to start a new session`);
      return;
    }
    if (error instanceof ApiError && error.fields.length) this.onRefused(error.fields);
    this.status.error(what, error instanceof Error ? error.message : String(error));
  }

  async stepBy(n) {
    if (this.playing || !this.id) return;
    try {
      this.accept(await api.step(this.id, n), false);
    } catch (error) {
      this.fail(`Could not take ${n === 1 ? 'a step' : `${n} steps`}`, error);
    }
  }

  togglePlay() {
    if (this.playing) this.pause();
    else this.play();
  }

  play() {
    if (!this.live) return; // not started yet
    if (this.lost) {
      this.status.error(
        'This session no longer exists on the server. Press Reset to start a new one',
      );
      return;
    }
    this.setState(StreamState.PLAYING); // the server's status confirms (or a message says why not)
    this.live.play(this.speed);
  }

  pause() {
    this.setState(StreamState.PAUSED);
    this.live?.pause();
  }

  /** Asks the live stream for its next frame (the last one has been taken for drawing). */
  ready() {
    this.live?.ready();
  }

  setSpeed(stepsPerSecond) {
    this.speed = stepsPerSecond;
    this.live?.setSpeed(stepsPerSecond);
  }

  /** Changes η from the next step on, without a reset; false when refused. */
  async setLearningRate(learningRate) {
    try {
      const state = await api.setLearningRate(this.id, learningRate);
      this.config = state.config;
      this.onConfig(state.config);
      return true;
    } catch (error) {
      this.fail('Could not change the learning rate', error);
      return false;
    }
  }

  /** Sets one weight by hand (`{layer, row, column, value}`); the next steps go on from it. The
   * state with it, or null when refused. */
  async setWeight(weight) {
    try {
      const state = await api.setWeight(this.id, weight);
      this.accept(state, false);
      return state;
    } catch (error) {
      this.fail('Could not set the weight', error);
      return null;
    }
  }

  /**
   * The session's snapshot (`{text, document}`, see api.js), or null after saying why not.
   *
   * While playing, it is the state the server has when it answers: one consistent state (requests
   * and the live stream take turns on a session), a few steps after the one on screen; its `step`
   * says which. Pausing first would not pin it down either: the pause goes by the live stream,
   * the request by HTTP, and either may arrive first.
   */
  async takeSnapshot() {
    if (!this.id) return null;
    try {
      return await api.snapshot(this.id);
    } catch (error) {
      this.fail('Could not take a snapshot', error);
      return null;
    }
  }

  /**
   * Carries on from a snapshot (its JSON text, one JSON value: the caller has parsed it once, see
   * api.restoreSnapshot; and `history`: its learning curves, as parsed): a new session on the
   * server, paused, which the page switches to (its config, state and history); the old session
   * is deleted. The state, or null when the server refused the snapshot: `what` failed, in its
   * words.
   */
  async restore(text, what, history) {
    if (this.playing) this.pause();
    let state;
    try {
      state = await api.restoreSnapshot(text);
    } catch (error) {
      this.fail(what, error);
      return null;
    }
    const old = this.lost ? null : this.id;
    this.adopt(state, history);
    if (old && old !== state.id) api.deleteSession(old).catch(() => {}); // a slot freed, or gone
    return state;
  }

  /** Starts over with `config` (a new session if the old one is gone); false when refused. */
  async reset(config) {
    try {
      if (this.lost) {
        this.adopt(await api.createSession(config));
      } else {
        this.newRun(await api.reset(this.id, config));
      }
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.sessionLost) {
        try {
          this.adopt(await api.createSession(config));
          return true;
        } catch (retry) {
          this.fail('Could not start a new session', retry);
          return false;
        }
      }
      this.fail('Could not apply the settings', error);
      return false;
    }
  }
}
