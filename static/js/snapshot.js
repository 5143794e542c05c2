// Snapshots on the page: "Download snapshot" saves the session's whole state (config, weights,
// step, learning curves, the random generator) as a JSON file; "Load snapshot…" sends such a file
// to the server, which carries on from it in a new session, bit for bit as the original would.
//
// The file is the server's text as it came, saved through a Blob and an object URL (allowed by
// the page's Content-Security-Policy, no inline script); a loaded file's text is sent as it is,
// once it is known to be within the server's size limit and JSON with the snapshot's "format"
// (both the server's facts). What the server finds wrong in it (a damaged or incomplete snapshot)
// is said in its words.

import { count } from './format.js';

const REVOKE_AFTER_MS = 60_000; // the download has long started by then

/** `playground-<dataset>-step<N>.json`. */
function snapshotFileName(snapshot) {
  const dataset = String(snapshot?.config?.dataset ?? 'session').replace(/[^\w-]+/g, '_');
  return `playground-${dataset}-step${Number(snapshot?.step) || 0}.json`;
}

/** Saves `text` as a file called `name` (the browser's download). */
function saveFile(text, name) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}

function size(bytes) {
  return bytes < 1024 * 1024
    ? `${Math.ceil(bytes / 1024)} KB`
    : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export class SnapshotControls {
  /**
   * @param {object} elements
   * @param {HTMLButtonElement} elements.download the "Download snapshot" button
   * @param {HTMLInputElement} elements.file the file input of "Load snapshot…"
   * @param {import('./session.js').PlaygroundSession} session
   * @param {import('./status.js').StatusView} status
   * @param {{format: string, maxBytes: number}} snapshots the server's: a snapshot's "format",
   *   and the most bytes it takes in one
   */
  constructor({ download, file }, session, status, { format, maxBytes }) {
    this.format = format;
    this.maxBytes = maxBytes;
    this.downloadButton = download;
    this.fileInput = file;
    this.session = session;
    this.status = status;
    download.addEventListener('click', () => this.download());
    file.addEventListener('change', () => {
      const [chosen] = file.files;
      file.value = ''; // the same file may be chosen again
      if (chosen) this.load(chosen);
    });
  }

  setBusy(busy) {
    this.downloadButton.disabled = busy;
    this.fileInput.disabled = busy;
  }

  async download() {
    this.setBusy(true);
    try {
      const snapshot = await this.session.takeSnapshot();
      if (!snapshot) return; // said why
      const name = snapshotFileName(snapshot.document);
      saveFile(snapshot.text, name);
      this.status.note(
        `Saved ${name}: step ${count(snapshot.document.step)}` +
          `${this.session.playing ? ', taken while playing' : ''}. Load it to carry on from there.`,
      );
    } finally {
      this.setBusy(false);
    }
  }

  /** Reads `file`, checks that it is JSON, and has the server carry on from it. */
  async load(file) {
    const what = `Could not load the snapshot ${file.name}`;
    if (file.size > this.maxBytes) {
      this.status.error(
        what,
        `it is ${size(file.size)}, over the server's limit of ${size(this.maxBytes)} ` +
          '(its PLAYGROUND_MAX_SNAPSHOT_SIZE setting)',
      );
      return;
    }
    this.setBusy(true);
    try {
      let text;
      let parsed;
      try {
        text = await file.text();
        parsed = JSON.parse(text);
      } catch (error) {
        const why =
          error instanceof SyntaxError ? `it is not JSON (${error.message})` : error.message;
        this.status.error(what, why);
        return;
      }
      if (parsed?.format !== this.format) {
        // another JSON file: said in a sentence, not as the list of every field it lacks
        this.status.error(
          what,
          `it is not a playground snapshot (no "format": "${this.format}" in it)`,
        );
        return;
      }
      const state = await this.session.restore(text, what, parsed.history); // text: checked
      if (!state) return; // said why
      this.status.clearError();
      this.status.note(
        `Loaded ${file.name}: ${state.config.dataset}, step ${count(state.step)}, paused. ` +
          'The next steps are the ones the saved session would have taken.',
      );
    } finally {
      this.setBusy(false);
    }
  }
}
