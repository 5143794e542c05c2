// A canvas that keeps its backing store matched to its CSS size and the screen's pixel ratio.

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
