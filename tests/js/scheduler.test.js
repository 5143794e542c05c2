// The frame scheduler (static/js/scheduler.js) on a fake clock: animation frames run when the
// test says, at the time it says, and a draw takes the time the test gives it. No real time.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { FrameScheduler } from '../../static/js/scheduler.js';

/** requestAnimationFrame and performance.now, run by hand. */
class FakeClock {
  constructor() {
    this.time = 0;
    this.requested = [];
  }
  requestFrame = (tick) => this.requested.push(tick);
  now = () => this.time;
  /** Runs the animation frame asked for (if any) at `time` ms. */
  frame(time = this.time) {
    this.time = time;
    for (const tick of this.requested.splice(0)) tick(time);
  }
}

function scheduler() {
  const clock = new FakeClock();
  const frames = new FrameScheduler(clock);
  return { clock, frames };
}

/** A view that remembers the step of every frame it drew, each draw taking `ms` of the clock. */
function addView(frames, clock, name, { interval = 0, ms = 0 } = {}) {
  const drawn = [];
  frames.add(
    name,
    (frame) => {
      clock.time += ms;
      drawn.push(frame.step);
    },
    { interval },
  );
  return drawn;
}

test('frames that come between two animation frames are skipped, not queued', () => {
  const { clock, frames } = scheduler();
  const drawn = addView(frames, clock, 'weights');
  for (const step of [1, 2, 3]) frames.submit({ step });
  assert.equal(clock.requested.length, 1); // one animation frame asked for, not three
  clock.frame(16);
  assert.deepEqual(drawn, [3]);
  assert.equal(frames.stats.framesReceived, 3);
  assert.equal(frames.stats.views.weights.draws, 1);
  assert.equal(frames.stats.views.weights.step, 3);
  assert.equal(clock.requested.length, 0); // nothing left to draw: no animation frame asked for
});

test('every animation frame that brings a new state is drawn', () => {
  const { clock, frames } = scheduler();
  const drawn = addView(frames, clock, 'weights');
  for (const step of [1, 2, 3]) {
    frames.submit({ step });
    clock.frame(16 * step);
  }
  assert.deepEqual(drawn, [1, 2, 3]);
});

test('a view whose data did not change is not redrawn; an invalidated one is', () => {
  const { clock, frames } = scheduler();
  const weights = addView(frames, clock, 'weights');
  const vectors = addView(frames, clock, 'vectors');
  frames.submit({ step: 5 });
  clock.frame(16);
  frames.invalidate('vectors'); // its own data changed (or its size), not the frame
  assert.equal(clock.requested.length, 1);
  clock.frame(33);
  assert.deepEqual(weights, [5]);
  assert.deepEqual(vectors, [5, 5]);
});

test('nothing is drawn before the first frame', () => {
  const { clock, frames } = scheduler();
  const drawn = addView(frames, clock, 'weights');
  frames.invalidate('weights');
  assert.equal(clock.requested.length, 0);
  assert.deepEqual(drawn, []);
});

test('a view that could not draw (not ready) is not counted, and draws the next frame', () => {
  const { clock, frames } = scheduler();
  let ready = false;
  const drawn = [];
  frames.add('curves', (frame) => {
    if (!ready) return false;
    drawn.push(frame.step);
    return true;
  });
  frames.submit({ step: 1 });
  clock.frame(16);
  assert.equal(frames.stats.views.curves.draws, 0);
  ready = true;
  frames.invalidate('curves');
  clock.frame(33);
  assert.deepEqual(drawn, [1]);
  assert.equal(frames.stats.views.curves.draws, 1);
});

test('a slow view draws on its beat, once per interval, while live views draw every frame', () => {
  const { clock, frames } = scheduler();
  const live = addView(frames, clock, 'weights');
  const slow = addView(frames, clock, 'curves', { interval: 90 });
  frames.submit({ step: 1 });
  clock.frame(0); // the slow view's first draw: due at once
  frames.submit({ step: 2 });
  clock.frame(16); // not due before 90: it waits, and asks for the next animation frame
  assert.equal(clock.requested.length, 1);
  clock.frame(50);
  assert.deepEqual(slow, [1]);
  clock.frame(90);
  assert.deepEqual(slow, [1, 2]);
  assert.deepEqual(live, [1, 2]);
  assert.equal(clock.requested.length, 0);
});

test('a late slow draw is made up by an earlier next one (the beat holds)', () => {
  const { clock, frames } = scheduler();
  const slow = addView(frames, clock, 'curves', { interval: 90 });
  frames.submit({ step: 1 });
  clock.frame(0); // due next at 90
  frames.submit({ step: 2 });
  clock.frame(100); // 10 ms late: the next is still due at 180, not at 190
  frames.submit({ step: 3 });
  clock.frame(180);
  assert.deepEqual(slow, [1, 2, 3]);
});

test('slow views share a few ms of each animation frame: the second waits for the next', () => {
  const { clock, frames } = scheduler();
  const curves = addView(frames, clock, 'curves', { interval: 90, ms: 5 });
  const regions = addView(frames, clock, 'regions', { interval: 90, ms: 5 });
  frames.submit({ step: 1 });
  clock.frame(0);
  assert.equal(curves.length + regions.length, 1);
  assert.equal(clock.requested.length, 1);
  clock.frame(16);
  assert.deepEqual([curves, regions], [[1], [1]]);
});

test('a view out of sight is not drawn, nor waited for; back in sight it draws the newest', () => {
  const { clock, frames } = scheduler();
  const live = addView(frames, clock, 'weights');
  const regions = addView(frames, clock, 'regions', { interval: 90 });
  frames.submit({ step: 1 });
  clock.frame(0);
  frames.setVisible('regions', false);
  assert.equal(frames.stats.views.regions.visible, false);
  for (const [step, time] of [
    [2, 100],
    [3, 200],
    [4, 300],
  ]) {
    frames.submit({ step });
    clock.frame(time);
  }
  assert.deepEqual(regions, [1]); // due at 90, 180 and 270, but out of sight
  assert.deepEqual(live, [1, 2, 3, 4]);
  assert.equal(clock.requested.length, 0); // no animation frame asked for the hidden view
  frames.setVisible('regions', false); // (no change: nothing asked for)
  assert.equal(clock.requested.length, 0);
  frames.setVisible('regions', true);
  assert.equal(clock.requested.length, 1); // drawn on the next animation frame, no new frame needed
  clock.frame(316);
  assert.deepEqual(regions, [1, 4]);
  assert.deepEqual(live, [1, 2, 3, 4]); // the live view had drawn 4 already
  assert.equal(frames.stats.views.regions.visible, true);
  assert.equal(frames.stats.views.regions.step, 4);
});

test('a view that fails is reported once per frame and the others still draw', () => {
  const { clock, frames } = scheduler();
  const failures = [];
  frames.onError = (name, error) => failures.push([name, error.message]);
  frames.add('regions', () => {
    throw new Error('no canvas');
  });
  const weights = addView(frames, clock, 'weights');
  frames.submit({ step: 1 });
  clock.frame(16);
  frames.invalidate('weights');
  clock.frame(33); // the failed view is not tried again on the same frame
  assert.deepEqual(failures, [['regions', 'no canvas']]);
  frames.submit({ step: 2 });
  clock.frame(50);
  assert.deepEqual(failures, [
    ['regions', 'no canvas'],
    ['regions', 'no canvas'],
  ]);
  assert.deepEqual(weights, [1, 1, 2]);
});

test('an animation frame that takes a new frame calls onTaken before drawing, once', () => {
  const { clock, frames } = scheduler();
  const order = [];
  frames.onTaken = () => order.push('taken');
  frames.add('weights', () => order.push('drawn'));
  frames.submit({ step: 1 });
  clock.frame(16);
  frames.invalidate('weights'); // drawn again, the same frame: not taken again
  clock.frame(33);
  assert.deepEqual(order, ['taken', 'drawn', 'drawn']);
});
