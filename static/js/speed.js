// The speed slider: logarithmic, so that 1, 10, 100 and 1,000 steps/s are as far apart as they
// feel. Its range (`{min, max}`) is the server's (the page's `limits`).

const STEPS_PER_DECADE = 100; // slider positions per factor of 10

/** `speed` within `range`. */
export function clampSpeed(speed, range) {
  return Math.min(range.max, Math.max(range.min, speed));
}

/** Speed from the slider's position, rounded to two significant digits: 1, 1.2, …, 20,000. */
export function speedAt(position, range) {
  const raw = 10 ** (position / STEPS_PER_DECADE);
  return clampSpeed(Number(raw.toPrecision(2)), range);
}

/** The slider's position for `speed`. */
export function positionOf(speed) {
  return Math.round(STEPS_PER_DECADE * Math.log10(speed));
}
