// The page's messages: errors in a role="alert" region (stay until dismissed or fixed),
// progress in a polite role="status" region. Nothing the server says wrong is swallowed.

function sentence(text) {
  const trimmed = String(text).trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?)]$/.test(capital) ? capital : `${capital}.`;
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
    this.alertText.textContent = why ? `${what}: ${sentence(why)}` : sentence(what);
    this.alert.hidden = false;
  }

  clearError() {
    this.alert.hidden = true;
    this.alertText.textContent = '';
  }

  /** A short note on what just happened ("Reset: iris, step 0"). */
  note(text) {
    this.info.textContent = text;
  }
}
