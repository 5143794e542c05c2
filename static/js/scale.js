// Colour and axis ranges of the live views (our rule, not Plotly's: its ranges would follow the
// data of each frame, so a colour would not mean the same weight from one frame to the next).
//
// Ranges only widen while a run goes on (and reset with it), so that a colour or a bar length
// means the same value from one frame to the next: a change on screen is a change in the numbers.
// The exception, by choice, is a quantity made afresh at every step and shrinking as the net
// learns (the update ΔW, the deltas): its range may also narrow, but only after it has been far
// too wide for many frames in a row, so that it does not flicker.

const NICE_STEPS = [1, 1.5, 2, 3, 4, 5, 6, 8, 10];
const NARROW_BELOW = 0.2; // a range is too wide when everything shown is under a fifth of it

/** The smallest "nice" number (by default 1, 1.5, 2, 3, 4, 5, 6 or 8 times a power of ten; else
 * one of `steps`, ascending from 1 to 10, times a power of ten) at least `value`. */
export function niceCeil(value, steps = NICE_STEPS) {
  if (!(value > 0) || !Number.isFinite(value)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of steps) {
    if (step * power >= value * (1 - 1e-12)) return step * power;
  }
  return 10 * power;
}

/** Largest finite absolute value of a vector or matrix (nulls, i.e. non-finite, skipped). */
function maxAbs(values) {
  let max = 0;
  for (const v of values) {
    if (Array.isArray(v)) {
      const m = maxAbs(v);
      if (m > max) max = m;
    } else if (v !== null && Number.isFinite(v) && Math.abs(v) > max) {
      max = Math.abs(v);
    }
  }
  return max;
}

/** A range [lo, hi] that grows to hold what it is shown and never shrinks until reset. */
export class WideningRange {
  /**
   * @param {'symmetric'|'positive'|'span'} kind symmetric: [-r, r]; positive: [0, r];
   *   span: [lo, hi] holding 0 and 1 (outputs against their 0/1 targets) and every value.
   * @param {number} floor the smallest half-width (or width) shown, so that zeros draw as zeros.
   * @param {{narrowAfter?: number}} options narrow a symmetric range after this many fits in a
   *   row found it five times too wide (never, by default)
   */
  constructor(kind, floor, { narrowAfter = Infinity } = {}) {
    this.kind = kind;
    this.floor = floor;
    this.narrowAfter = narrowAfter;
    this.reset();
  }

  reset() {
    this.lo = this.kind === 'symmetric' ? -niceCeil(this.floor) : 0;
    this.hi = niceCeil(this.floor);
    this.tooWide = 0;
  }

  /** Widens to hold `values` (vector or matrix); true when the range changed. */
  fit(values) {
    const { lo, hi } = this;
    if (this.kind === 'span') {
      for (const v of values.flat()) {
        if (v === null || !Number.isFinite(v)) continue;
        if (v < this.lo) this.lo = -niceCeil(-v);
        if (v > this.hi) this.hi = niceCeil(v);
      }
    } else {
      const m = maxAbs(values);
      if (m > this.hi) {
        this.hi = niceCeil(m);
        this.tooWide = 0;
      } else if (m < NARROW_BELOW * this.hi && m > 0) {
        this.tooWide += 1;
        if (this.tooWide >= this.narrowAfter) {
          this.hi = niceCeil(m);
          this.tooWide = 0;
        }
      } else {
        this.tooWide = 0;
      }
      if (this.kind === 'symmetric') this.lo = -this.hi;
    }
    return lo !== this.lo || hi !== this.hi;
  }
}

// A diverging scale (ColorBrewer's RdBu) as a Plotly colour scale: negative red, zero near-white,
// positive blue; used on a symmetric range [-r, r], so that zero is always the white middle.
export const DIVERGING = Object.freeze([
  [0, 'rgb(178,24,43)'],
  [0.25, 'rgb(239,138,98)'],
  [0.5, 'rgb(247,247,247)'],
  [0.75, 'rgb(103,169,207)'],
  [1, 'rgb(33,102,172)'],
]);
