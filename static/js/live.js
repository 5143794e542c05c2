// The live stream of one session (WS /api/sessions/{id}/live): commands out, frames in.
//
// The server trains while the stream plays; every command is answered (status, frame, error or
// diverged). Frames (state + the last step's record) come on request: the page asks for the next
// one (`ready`) as an animation frame takes the last, before drawing it, so the next arrives
// while this one draws and is drawn on the next animation frame (frames on the server's own
// 60 Hz beat drift against the display's, and near the same phase two come in one display frame
// and none in the next). Frames go straight to `onFrame`; the scheduler keeps only the newest for
// drawing.

/** Whether the stream is training its session: the server's two states. */
export const StreamState = Object.freeze({ PLAYING: 'playing', PAUSED: 'paused' });

const CLOSE_SESSION_NOT_FOUND = 4404;
const READY = JSON.stringify({ type: 'ready' });
const RECONNECT_DELAYS_MS = [500, 1000, 2000, 4000];

export class LiveConnection {
  /**
   * @param {string} sessionId
   * @param {object} handlers
   * @param {(frame: object) => void} handlers.onFrame
   * @param {(status: object) => void} handlers.onStatus  {state, steps_per_second, step}
   * @param {(message: string) => void} handlers.onDiverged
   * @param {(message: string) => void} handlers.onError  a command the server refused
   * @param {(message: string, {sessionLost: boolean}) => void} handlers.onLost
   *   the connection is gone for good (after retries), or the session is
   * @param {() => void} handlers.onOpen
   */
  constructor(sessionId, handlers) {
    this.sessionId = sessionId;
    this.handlers = handlers;
    this.socket = null;
    this.closing = false;
    this.retries = 0;
    this.queue = [];
    this.pending = 0; // commands sent and not answered yet (each gets one reply)
    this.connect();
  }

  get open() {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  connect() {
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    const url = `${scheme}://${window.location.host}/api/sessions/${encodeURIComponent(this.sessionId)}/live`;
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.addEventListener('open', () => {
      this.retries = 0;
      this.pending = this.queue.length + 1; // the server greets with a status
      for (const command of this.queue.splice(0)) socket.send(JSON.stringify(command));
      this.handlers.onOpen?.();
    });
    socket.addEventListener('message', (event) => this.receive(event.data));
    socket.addEventListener('close', (event) => this.closed(event));
  }

  receive(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      this.handlers.onError(
        `the server sent something that is not JSON: ${String(text).slice(0, 80)}`,
      );
      return;
    }
    switch (message.type) {
      case 'frame':
        this.handlers.onFrame(message);
        break;
      case 'status':
        // a reply to an earlier command says nothing of the state once later ones are answered
        this.pending = Math.max(0, this.pending - 1);
        if (this.pending === 0) this.handlers.onStatus(message);
        break;
      case 'diverged':
        this.pending = Math.max(0, this.pending - 1);
        this.handlers.onDiverged(message.message);
        break;
      case 'error':
        this.pending = Math.max(0, this.pending - 1);
        this.handlers.onError(message.message);
        break;
      default:
        this.handlers.onError(
          `the server sent a message of unknown type ${JSON.stringify(message.type)}`,
        );
    }
  }

  closed(event) {
    if (this.closing) return;
    if (event.code === CLOSE_SESSION_NOT_FOUND) {
      this.handlers.onLost(
        `The live connection was closed: ${event.reason || 'session not found'}.`,
        {
          sessionLost: true,
        },
      );
      return;
    }
    if (this.retries < RECONNECT_DELAYS_MS.length) {
      const delay = RECONNECT_DELAYS_MS[this.retries++];
      window.setTimeout(() => this.closing || this.connect(), delay);
      return;
    }
    const why = event.reason ? `: ${event.reason}` : ` (code ${event.code})`;
    this.handlers.onLost(
      `The live connection to the server was lost${why}. Is the server still running?`,
      {
        sessionLost: false,
      },
    );
  }

  /** Sends a command now, or as soon as the connection is open. */
  send(command) {
    if (this.open) {
      this.pending += 1;
      this.socket.send(JSON.stringify(command));
    } else {
      this.queue.push(command);
    }
  }

  play(stepsPerSecond) {
    this.send({ type: 'play', steps_per_second: stepsPerSecond, frames_on_request: true });
  }

  /** Asks for the next frame while playing. Not a command: no reply but that frame, so it is
   * not counted as pending; one sent while paused is ignored by the server. */
  ready() {
    if (this.open) this.socket.send(READY);
  }

  pause() {
    this.send({ type: 'pause' });
  }

  setSpeed(stepsPerSecond) {
    this.send({ type: 'set_speed', steps_per_second: stepsPerSecond });
  }

  close() {
    this.closing = true;
    this.queue = [];
    this.socket?.close(1000, 'page closed the stream');
  }
}
