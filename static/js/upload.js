// "Your data…": a CSV file from the learner's computer, uploaded as a data set (POST
// /api/datasets). The server reads it and says, in words, what is wrong with a bad one (the row
// and the column); a good one comes back as a data set's descriptor, trained on like a built-in.

import { api } from './api.js';

export class UploadControl {
  /**
   * @param {{file: HTMLInputElement, task: HTMLSelectElement}} elements the file input, and what
   *   its label column holds (classification or regression)
   * @param {object} handlers onUploaded(descriptor), onError(title, message)
   */
  constructor({ file, task }, { onUploaded, onError }) {
    file.addEventListener('change', async () => {
      const chosen = file.files?.[0];
      file.value = ''; // the same file again is a new choice
      if (!chosen) return;
      let descriptor;
      try {
        descriptor = await api.uploadDataset(await chosen.text(), task.value);
      } catch (error) {
        onError(`Your data (${chosen.name}) cannot be used`, error.message);
        return;
      }
      onUploaded(descriptor, chosen.name);
    });
  }
}
