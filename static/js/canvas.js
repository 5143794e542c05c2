// A canvas that keeps its backing store matched to its CSS size and the screen's pixel ratio.

/** A view's drawing canvas: `id`, the `cells` class, and an image role labelled `label`. */
export function cellsCanvas(id, label) {
  const canvas = document.createElement('canvas');
  canvas.id = id;
  canvas.className = 'cells';
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  return canvas;
}

/** Resizes `canvas`'s backing store when its box changes, then calls `onResize()`. */
export function fitCanvas(canvas, onResize) {
  const fit = () => {
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(canvas.clientWidth * ratio));
    const height = Math.max(1, Math.round(canvas.clientHeight * ratio));
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
      onResize();
    }
  };
  new ResizeObserver(fit).observe(canvas);
  fit();
}

/** Font for text drawn in a canvas, in backing-store pixels. */
export function canvasFont(cssPixels, weight = 400) {
  const ratio = window.devicePixelRatio || 1;
  return `${weight} ${Math.round(cssPixels * ratio)}px system-ui, -apple-system, "Segoe UI", sans-serif`;
}
