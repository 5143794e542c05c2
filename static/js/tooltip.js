// One tooltip for every canvas view: shows the exact numbers under the pointer.

let box = null;

function element() {
  if (!box) {
    box = document.createElement('div');
    box.className = 'tooltip';
    box.setAttribute('role', 'tooltip');
    box.hidden = true;
    document.body.append(box);
  }
  return box;
}

/** Shows `lines` (strings) next to the pointer at client coordinates (x, y). */
export function showTooltip(lines, x, y) {
  const el = element();
  el.replaceChildren(
    ...lines.map((line) => {
      const div = document.createElement('div');
      div.textContent = line;
      return div;
    }),
  );
  el.hidden = false;
  const { width, height } = el.getBoundingClientRect();
  const left = Math.min(x + 14, window.innerWidth - width - 4);
  const top = y + 16 + height > window.innerHeight ? y - height - 8 : y + 16;
  el.style.transform = `translate(${Math.max(left, 4)}px, ${Math.max(top, 4)}px)`;
}

export function hideTooltip() {
  if (box) box.hidden = true;
}

/**
 * Hover handling for a canvas split into `rows` × `cols` cells: `describe(row, col)` gives the
 * tooltip's lines. Returns `refresh()`, to call after a redraw so that an open tooltip shows the
 * new numbers.
 */
export function hoverCells(canvas, shape, describe) {
  let hover = null;
  const update = () => {
    if (!hover) return;
    const { rows, cols } = shape();
    const rect = canvas.getBoundingClientRect();
    const row = Math.floor(((hover.y - rect.top) / rect.height) * rows);
    const col = Math.floor(((hover.x - rect.left) / rect.width) * cols);
    if (row < 0 || col < 0 || row >= rows || col >= cols) {
      hideTooltip();
      return;
    }
    const lines = describe(row, col);
    if (lines) showTooltip(lines, hover.x, hover.y);
    else hideTooltip();
  };
  canvas.addEventListener('pointermove', (event) => {
    hover = { x: event.clientX, y: event.clientY };
    update();
  });
  canvas.addEventListener('pointerleave', () => {
    hover = null;
    hideTooltip();
  });
  return update;
}
