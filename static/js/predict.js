// "Predict first": while on, a new step's delta and update are held back from the views (and
// its weights after the step shown as those before it, which would give the update away) until
// the learner has entered their own numbers and checked them.

/** `frame` with every layer's δ and ΔW unknown (null) and the weights those before the step;
 * `held` tells the views that show more of the step (the numerical check) to hold it back too. */
export function withoutPrediction(frame) {
  const trace = frame.trace;
  return {
    ...frame,
    held: true,
    layers: trace.layers.map((layer) => ({ weights: layer.weights_before })),
    trace: {
      ...trace,
      layers: trace.layers.map((layer) => ({
        ...layer,
        delta: layer.delta.map(() => null),
        weight_update: layer.weight_update.map((row) => row.map(() => null)),
        weights: layer.weights_before,
      })),
    },
  };
}

export class PredictFirst {
  constructor() {
    this.on = false;
    this.playing = false; // while playing the steps go by unheld: there is none to predict
    this.held = null; // the frame whose δ and ΔW wait for the learner's prediction
    this.revealedStep = null; // the step last revealed: its later frames pass as they are
  }

  /** What the views are to show of `frame`. */
  shown(frame) {
    if (!this.on || this.playing || !frame.trace || frame.trace.step === this.revealedStep) {
      return frame;
    }
    this.held = frame;
    return withoutPrediction(frame);
  }

  /** A new run: its steps count from 0 again. */
  restart() {
    this.held = null;
    this.revealedStep = null;
  }

  /** Whether a step's δ and ΔW are held back now. */
  get holding() {
    return this.held !== null;
  }

  /** The held frame, to show as it is (null when none is held). */
  reveal() {
    const frame = this.held;
    this.held = null;
    if (frame) this.revealedStep = frame.trace.step;
    return frame;
  }
}
