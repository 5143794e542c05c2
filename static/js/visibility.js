// Whether an element is in sight: on the screen, not scrolled away (nor hidden, nor in a tab in
// the background), as the browser's IntersectionObserver tells it, once at first and then on
// every change. The page draws and fetches a costly view only while it is in sight.

/** Calls `onChange(inSight)` for `element` now (on the observer's first report) and whenever it
 * comes into sight or leaves it; any part of it on the screen counts. */
export function watchSight(element, onChange) {
  const observer = new IntersectionObserver((entries) => {
    onChange(entries[entries.length - 1].isIntersecting);
  });
  observer.observe(element);
  return observer;
}
