// The background reads (static/js/poll.js) on a fake clock, with requests answered by hand: one
// in flight at most, one per interval at most, the latest wish wins and none are queued.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Refresher } from '../../static/js/poll.js';

const INTERVAL = 250;

/** performance.now and setTimeout, run by hand. */
class FakeClock {
  time = 0;
  timers = new Set();
  now = () => this.time;
  setTimeout = (run, ms) => {
    const timer = { at: this.time + ms, run };
    this.timers.add(timer);
    return timer;
  };
  clearTimeout = (timer) => this.timers.delete(timer);
  advance(ms) {
    this.time += ms;
    for (const timer of [...this.timers].sort((a, b) => a.at - b.at)) {
      if (timer.at > this.time) break;
      this.timers.delete(timer);
      timer.run();
    }
  }
}

/** A refresher whose requests wait until the test answers them. */
function refresher() {
  const clock = new FakeClock();
  const requests = []; // {resolve, reject} of each request made, in order
  const answers = []; // [data, key] or ['error', message, key]
  const refresh = new Refresher(
    () => new Promise((resolve, reject) => requests.push({ resolve, reject })),
    (data, key) => answers.push([data, key]),
    (error, key) => answers.push(['error', error.message, key]),
    INTERVAL,
    clock,
  );
  return { clock, requests, answers, refresh };
}

const settled = () => new Promise((resolve) => setImmediate(resolve)); // promise callbacks run

test('keys wanted while a request is in flight: only the latest is asked for, once it returns', async () => {
  const { clock, requests, answers, refresh } = refresher();
  refresh.want('1:10');
  refresh.want('1:20');
  refresh.want('1:30');
  assert.equal(requests.length, 1);
  requests[0].resolve('curves at 10');
  await settled();
  assert.deepEqual(answers, [['curves at 10', '1:10']]);
  assert.equal(requests.length, 1); // not before the interval is over
  clock.advance(INTERVAL);
  assert.equal(requests.length, 2);
  requests[1].resolve('curves at 30');
  await settled();
  assert.deepEqual(answers.at(-1), ['curves at 30', '1:30']);
  clock.advance(10 * INTERVAL);
  assert.equal(requests.length, 2); // 1:20 was never asked for
});

test('at most one request per interval, and none for a key already answered', async () => {
  const { clock, requests, refresh } = refresher();
  refresh.want('a');
  requests[0].resolve('A');
  await settled();
  refresh.want('a');
  clock.advance(INTERVAL);
  assert.equal(requests.length, 1);
  clock.time = 1000;
  requests.length = 0;
  refresh.want('b'); // the last request was at 0, long enough ago
  assert.equal(requests.length, 1);
  requests[0].resolve('B');
  await settled();
  clock.advance(100);
  refresh.want('c'); // 100 ms after the last: waits the other 150
  clock.advance(149);
  assert.equal(requests.length, 1);
  clock.advance(1);
  assert.equal(requests.length, 2);
});

test('a failure is reported with its key and not retried until the key changes', async () => {
  const { clock, requests, answers, refresh } = refresher();
  refresh.want('a');
  requests[0].reject(new Error('session not found'));
  await settled();
  assert.deepEqual(answers, [['error', 'session not found', 'a']]);
  refresh.want('a');
  clock.advance(INTERVAL);
  assert.equal(requests.length, 1);
  refresh.want('b');
  clock.advance(INTERVAL);
  assert.equal(requests.length, 2);
});

test('a stopped refresher asks for nothing and drops the answer in flight', async () => {
  const { clock, requests, answers, refresh } = refresher();
  refresh.want('a');
  refresh.setEnabled(false);
  requests[0].resolve('A');
  await settled();
  refresh.want('b');
  clock.advance(10 * INTERVAL);
  assert.equal(requests.length, 1);
  assert.deepEqual(answers, []);
  refresh.setEnabled(true); // it forgot what it had: the same key is asked for again
  refresh.want('a');
  assert.equal(requests.length, 2);
});

test('a paused refresher asks for nothing; resumed, it asks for the latest wish only', async () => {
  const { clock, requests, answers, refresh } = refresher();
  refresh.want('a');
  requests[0].resolve('A');
  await settled();
  refresh.want('b'); // due one interval after 'a': a timer
  refresh.setPaused(true); // the timer is dropped
  refresh.want('c');
  clock.advance(10 * INTERVAL);
  assert.equal(requests.length, 1);
  refresh.setPaused(false); // long after the last request: the latest wish at once
  assert.equal(requests.length, 2);
  requests[1].resolve('C');
  await settled();
  assert.deepEqual(answers, [
    ['A', 'a'],
    ['C', 'c'],
  ]);
  refresh.setPaused(true);
  refresh.setPaused(false); // what it has is kept: 'c' is not asked for again
  clock.advance(INTERVAL);
  assert.equal(requests.length, 2);
});

test('an answer in flight when paused is still taken, and nothing more asked for', async () => {
  const { clock, requests, answers, refresh } = refresher();
  refresh.want('a');
  refresh.setPaused(true);
  refresh.want('b');
  requests[0].resolve('A');
  await settled();
  clock.advance(10 * INTERVAL);
  assert.deepEqual(answers, [['A', 'a']]);
  assert.equal(requests.length, 1);
});
