// Plotly.js, loaded after the first live plots are drawn so that its 4.8 MB of script (served
// from the installed plotly package, never a CDN) does not delay them.

let loading = null;

/** Loads Plotly.js from `url` once; resolves to `window.Plotly`. */
export function loadPlotly(url) {
  loading ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = url;
    script.async = true;
    script.addEventListener('load', () => resolve(window.Plotly));
    script.addEventListener('error', () =>
      reject(new Error(`Plotly.js could not be loaded from ${url}`)),
    );
    document.head.append(script);
  });
  return loading;
}

/** Options shared by every Plotly figure of the page. */
export const PLOT_CONFIG = Object.freeze({ displayModeBar: false, responsive: true });

export const PLOT_FONT = Object.freeze({
  family: 'system-ui, -apple-system, "Segoe UI", sans-serif',
  size: 11,
  color: '#1f2328',
});
