// The page's messages: errors in a role="alert" region (stay until dismissed or fixed),
// progress in a polite role="status" region. Nothing the server says wrong is swallowed: errors
// that come together (a bad link and the server's refusal of it) are listed together.

const MAX_ERRORS = 3;

/** Ends `text` with a full stop; the words stay as they are (field names included). */
function sentence(text) {
  const trimmed = String(text).trim();
  return /[.!?)]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

export class StatusView {
  /**
   * @param {HTMLElement} alert the role="alert" element (with a .text and a dismiss button)
   * @param {HTMLElement} info the role="status" element
   */
  constructor(alert, info) {
    this.alert = alert;
    this.alertText = alert.querySelector('.text');
    this.info = info;
    alert.querySelector('button').addEventListener('click', () => this.clearError());
  }

  /** Shows an error: `what` failed (e.g. "Could not step"), `why` in the server's words. */
  error(what, why) {
    const text = why ? `${what}: ${sentence(why)}` : sentence(what);
    const shown = this.alert.hidden ? [] : [...this.alertText.children];
    if (shown.at(-1)?.textContent === text) return;
    const line = document.createElement('p');
    line.textContent = text;
    this.alertText.replaceChildren(...shown.slice(1 - MAX_ERRORS), line);
    this.alert.hidden = false;
  }

  clearError() {
    this.alert.hidden = true;
    this.alertText.replaceChildren();
  }

  /** A short note on what just happened ("Reset: iris, step 0"). */
  note(text) {
    this.info.textContent = text;
  }
}
