// The explanation's base case follows the loss: each loss's paragraph (`data-loss`) is shown only
// while that loss runs.

/** Shows the paragraphs under `root` written for `loss`, hides the other losses'. */
export function showLoss(root, loss) {
  for (const element of root.querySelectorAll('[data-loss]')) {
    element.hidden = element.dataset.loss !== loss;
  }
}
