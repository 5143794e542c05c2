// Wiring only: reads the page's data, makes the views, the controls and the session, and connects
// them. Each part lives in its own module.

import { api } from './api.js';
import { showLoss } from './basecase.js';
import { NumericalCheck } from './numerical.js';
import { Controls } from './controls.js';
import { CurvesView } from './curves.js';
import { EquationsView } from './equations.js';
import { CheckPanel } from './exercise.js';
import { savePng } from './export.js';
import { FIELDS, InputError } from './fields.js';
import { count } from './format.js';
import { NetworkView } from './layers.js';
import { PinnedPanel } from './pinned.js';
import { StreamState } from './live.js';
import { loadPlotly } from './plotly.js';
import { PredictFirst } from './predict.js';
import { RegionsView } from './regions.js';
import { SaturationView } from './saturation.js';
import { loadSamples } from './samples.js';
import { FrameScheduler } from './scheduler.js';
import { PlaygroundSession } from './session.js';
import { SnapshotControls } from './snapshot.js';
import { StatusView } from './status.js';
import { UploadControl } from './upload.js';
import { watchSight } from './visibility.js';
import { StepThrough } from './walk.js';

// curves, regions and the equations' text: about 11 draws per second, on a steady beat
const SLOW_VIEW_INTERVAL_MS = 90;
// the values printed on the live views: 5 a second, a rate at which numbers can still be read
// (and the costliest slow view: Plotly styles and places every one of its texts on each draw)
const VALUES_INTERVAL_MS = 200;

// the server's facts (see app/routes/page.py), never copies of them
const root = document.getElementById('playground');
const page = {
  datasets: JSON.parse(root.dataset.datasets),
  activations: JSON.parse(root.dataset.activations),
  defaults: JSON.parse(root.dataset.defaults),
  limits: JSON.parse(root.dataset.limits),
  speed: JSON.parse(root.dataset.speed),
  snapshotFormat: root.dataset.snapshotFormat,
};
// the data sets as the server describes them (the built-in ones, then uploads), and as the views
// see the current run's: a 2-D set's inputs are its chosen features (the heatmap's columns), its
// plane's axes keep the set's own names (`plane_names`)
const described = new Map(page.datasets.map((d) => [d.name, d]));
const datasets = new Map(described);
const RAW_FEATURES = page.defaults.features;
const asRun = (config) => {
  const dataset = described.get(config.dataset);
  if (!dataset.plane) return dataset;
  const engineered = JSON.stringify(config.features) !== JSON.stringify(RAW_FEATURES);
  return {
    ...dataset,
    plane_names: dataset.feature_names,
    feature_names: engineered ? config.features : dataset.feature_names,
    input_count: config.features.length,
    engineered,
  };
};
const activations = new Map(page.activations.map((a) => [a.name, a]));
const byId = (id) => document.getElementById(id);

const status = new StatusView(byId('alert'), byId('note'));
const scheduler = new FrameScheduler();
window.playgroundStats = scheduler.stats;
scheduler.onError = (name, error) => {
  console.error(error);
  status.error(`The ${name} view could not be drawn`, error.message);
};

const network = new NetworkView(byId('layers'), datasets, activations, () => redrawLive());
const equations = new EquationsView(byId('sample'), byId('equations-body'), datasets);
const curves = new CurvesView(byId('curves'), () => (session?.playing ? session.speed : 0));
const regions = new RegionsView(
  { figure: byId('regions-figure'), grid: byId('regions-grid'), samples: byId('regions') },
  byId('regions-legend'),
  byId('regions-note'),
  datasets,
);
const counter = byId('step-count');
let session = null;
const pinned = new PinnedPanel(
  {
    panel: byId('pinned'),
    title: byId('pinned-title'),
    lines: byId('pinned-lines'),
    history: byId('pinned-history'),
    value: byId('pinned-value'),
    set: byId('pinned-set'),
    unpin: byId('pinned-unpin'),
  },
  network,
  async (weight) => {
    if (await session.setWeight(weight)) {
      network.redraw(); // the same step, another weight
      status.note(`Weight set to ${weight.value}; the next steps go on from it.`);
    }
  },
);
network.onPick = (layer, row, column) => {
  pinned.pinned(layer, row, column);
  scheduler.invalidate('pinned');
};
const numerical = new NumericalCheck(
  {
    toggle: byId('numerical-check'),
    panel: byId('numerical'),
    body: byId('numerical-body'),
    summary: byId('numerical-summary'),
  },
  () => api.gradientCheck(session.id),
);

scheduler.add('live', (frame) => network.drawLive(frame));
function redrawLive() {
  scheduler.invalidate('live');
  scheduler.invalidate('values');
}
scheduler.add('counter', (frame) => {
  counter.textContent = count(frame.step);
});
const slow = { interval: SLOW_VIEW_INTERVAL_MS };
scheduler.add('values', (frame) => network.drawValues(frame), { interval: VALUES_INTERVAL_MS });
scheduler.add('equations', (frame) => equations.draw(frame), slow);
scheduler.add('pinned', (frame) => pinned.draw(frame), slow);
const saturation = new SaturationView(byId('saturation'), network);
scheduler.add('saturation', (frame) => saturation.draw(frame), slow);
const walk = new StepThrough({
  start: byId('walk-start'),
  back: byId('walk-back'),
  next: byId('walk-next'),
  phase: byId('walk-phase'),
  controls: byId('walk-controls'),
  numbers: byId('numbers'),
  layers: byId('layers'),
});
scheduler.add('walk', (frame) => walk.draw(frame), slow);
scheduler.add('numerical', (frame) => numerical.draw(frame), slow);
scheduler.add('curves', (frame) => curves.draw(frame), slow);
scheduler.add('regions', (frame) => regions.draw(frame), slow);
scheduler.onTaken = () => session?.ready(); // the next frame, for the next animation frame

/** Shows `frame` in the per-layer views and the step in numbers. */
function show(frame) {
  document.body.classList.toggle('predicting', predict.holding);
  network.accept(frame);
  scheduler.submit(frame);
}
const predict = new PredictFirst();
const checkPanel = new CheckPanel(
  {
    exercise: byId('exercise'),
    copyJson: byId('copy-exercise-json'),
    copyNumpy: byId('copy-exercise-numpy'),
    answer: byId('answer-json'),
    delta: byId('answer-delta'),
    update: byId('answer-update'),
    check: byId('check-answer'),
    verdict: byId('verdict'),
  },
  { onChecked: () => reveal() },
);
/** The held step's δ and ΔW, shown now that the learner has predicted them (or stopped). */
function reveal() {
  const frame = predict.reveal();
  if (!frame) return;
  network.redraw();
  show(frame);
}
byId('predict-first').addEventListener('change', (event) => {
  predict.on = event.target.checked;
  if (!predict.on) reveal();
});

let controls = null;
/** Whether the config's data set lies in a plane: only those have decision regions. */
const hasRegions = (config) => {
  const dataset = described.get(config.dataset);
  return dataset.plane || dataset.input_count === 2;
};
session = new PlaygroundSession({
  status,
  onFrame: (frame) => {
    show(predict.shown(frame));
    checkPanel.setFrame(frame);
  },
  onPlayState: (state) => {
    controls.setPlaying(state === StreamState.PLAYING);
    checkPanel.setPlaying(state === StreamState.PLAYING);
    predict.playing = state === StreamState.PLAYING;
    if (predict.playing) reveal();
  },
  onNewRun: () => {
    network.restart();
    predict.restart();
    pinned.restart();
  },
  onConfig: (config) => {
    datasets.set(config.dataset, asRun(config));
    controls.show(config);
    controls.writeUrl(config, session.speed);
    regions.configure(config);
    showLoss(byId('explain'), config.loss);
    if (hasRegions(config)) {
      const plane = described.get(config.dataset).plane;
      loadSamples(config.dataset, plane ? config.features : null, plane ? config.noise : 0).then(
        (samples) => {
          regions.setSamples(config, samples);
          scheduler.invalidate('regions');
        },
        (error) => status.error(`Could not read the samples of ${config.dataset}`, error.message),
      );
    }
  },
  onHistory: (history) => {
    curves.setHistory(history);
    scheduler.invalidate('curves');
  },
  onRegions: (data) => {
    regions.setRegions(data);
    scheduler.invalidate('regions');
  },
  hasRegions,
  onRefused: (fields) => fields.forEach((field) => controls.markInvalid(field)),
});
// the decision regions are drawn, and their grid fetched, only while they are in sight (below the
// fold of a laptop's screen: nobody sees those draws, and they cost the live views frames)
watchSight(byId('regions-figure'), (shown) => {
  scheduler.setVisible('regions', shown);
  session.showRegions(shown);
});
// for the browser tests (and the curious); what the plots show is in the figures' data
window.playground = { session, predicting: () => predict.holding };

const invalid = (error) => {
  if (!(error instanceof InputError)) throw error;
  controls.markInvalid(error.field);
  status.error(error.message);
};

controls = new Controls(
  byId('controls'),
  page.speed,
  {
    onChange: async (config) => {
      const running = session.config;
      const changed = FIELDS.filter(
        (f) => JSON.stringify(config[f]) !== JSON.stringify(running[f]),
      );
      if (changed.length === 1 && changed[0] === 'learning_rate') {
        // the one setting that changes without a new run
        if (await session.setLearningRate(config.learning_rate)) {
          status.clearError();
          status.note(
            `Learning rate \u03b7 = ${config.learning_rate} from step ${count(session.step)} on, no reset.`,
          );
        } else {
          controls.markInvalid('learning_rate');
        }
      } else if (changed.length) {
        if (await session.reset(config)) {
          status.clearError();
          status.note(
            `New run (${changed.map((f) => f.replace('_', ' ')).join(', ')} changed): ` +
              'weights drawn again from the seed.',
          );
        }
      }
    },
    onStep: (n) => session.stepBy(n),
    onTogglePlay: () => session.togglePlay(),
    onSpeed: (speed) => {
      session.setSpeed(speed);
      if (session.config) controls.writeUrl(session.config, speed);
    },
    onReset: async (config) => {
      if (await session.reset(config)) {
        status.clearError();
        status.note('Reset: weights drawn again from the seed.');
      }
    },
    onFitScales: () => {
      network.fitScales();
      redrawLive();
    },
    onInvalid: invalid,
    isPlane: (name) => Boolean(described.get(name)?.plane),
  },
  page.defaults,
);

byId('save-png').addEventListener('click', () => {
  if (!network.figures) return; // Plotly.js and a net are there
  const name = `delta-playground-${session.config.dataset}-step-${session.step}.png`;
  savePng(network.Plotly, byId('layers'), name).catch((error) =>
    status.error('The PNG image could not be made', error.message),
  );
});

/** Makes an uploaded set one of the choices (the views find it by name). */
const addDataset = (descriptor) => {
  described.set(descriptor.name, descriptor);
  datasets.set(descriptor.name, descriptor);
  controls.addDataset(descriptor.name, descriptor.description);
};

new UploadControl(
  { file: byId('upload'), task: byId('upload-task') },
  {
    onUploaded: async (descriptor, fileName) => {
      addDataset(descriptor);
      byId('dataset').value = descriptor.name;
      await controls.changed('dataset');
      if (session.config.dataset === descriptor.name) {
        status.note(`${fileName}: ${descriptor.description}, as ${descriptor.name}.`);
      }
    },
    onError: (title, message) => status.error(title, message),
  },
);

new SnapshotControls(
  { download: byId('download-snapshot'), file: byId('load-snapshot') },
  session,
  status,
  { format: page.snapshotFormat, maxBytes: page.limits.max_snapshot_size },
);

async function start() {
  const { config, speed, problems } = controls.readUrl(page.defaults);
  for (const problem of problems) status.error('The link has a bad value', problem);
  if (config.dataset && !described.has(config.dataset)) {
    // an uploaded set's name: this server may still hold it (if not, the session is refused)
    await api.dataset(config.dataset).then(addDataset, () => {});
  }
  session.setSpeed(speed ?? page.speed.default);
  controls.setSpeed(session.speed);
  controls.setPlaying(false);
  // every plot is Plotly: its script (async, from the page's head) is compiled while the session
  // is being made, and the plots draw as soon as both are there, the live views first
  const plotly = loadPlotly(byId('plotly')).then(
    (Plotly) => {
      for (const view of [network, curves, regions, pinned]) view.attach(Plotly);
      for (const name of ['live', 'curves', 'regions']) scheduler.invalidate(name);
    },
    (error) => status.error('The plots cannot be drawn', error.message),
  );
  try {
    await session.start(config);
  } catch (error) {
    session.fail('Could not start a training session', error);
  }
  await plotly;
}

start();
