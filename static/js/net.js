// The net as the page names it (units, layer marks) and the one piece of backpropagation the page
// computes itself: the error a hidden layer receives from the next one, Wᵀδ, which the server's
// record holds only as its product with f'(net), the hidden layer's delta.

const SUPERSCRIPT = ['\u2070', '\u00b9', '\u00b2', '\u00b3', '\u2074', '\u2075', '\u2076'];

/** Names of each layer's units, input to output: hidden units h1, h2... (h1.3 with several). */
export function unitNames(dataset, hidden) {
  const names = hidden.map((size, l) =>
    Array.from({ length: size }, (_, k) =>
      hidden.length > 1 ? `h${l + 1}.${k + 1}` : `h${k + 1}`,
    ),
  );
  return [...names, [...dataset.output_names]];
}

/** The class of a target vector: one unit, 0 or 1; several, the hot one. */
export function classOf(target) {
  if (target.length === 1) return target[0] > 0.5 ? 1 : 0;
  return target.indexOf(Math.max(...target));
}

/** "²" for layer 2 of a deep net; "" for the tutorial's single layer. */
export function layerMark(index, layerCount) {
  return layerCount > 1 ? (SUPERSCRIPT[index + 1] ?? `^${index + 1}`) : '';
}

/** Wᵀδ without the bias column: the error a layer receives from the next one (nulls spread). */
export function sentBack(nextWeights, nextDelta) {
  const inputs = nextWeights[0].length - 1;
  const out = new Array(inputs).fill(0);
  for (let k = 0; k < nextWeights.length; k++) {
    const d = nextDelta[k];
    const row = nextWeights[k];
    for (let j = 0; j < inputs; j++) {
      if (out[j] === null) continue;
      out[j] = d === null || row[j] === null ? null : out[j] + row[j] * d;
    }
  }
  return out;
}
