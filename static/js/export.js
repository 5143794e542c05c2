// The live views as one PNG image: each of their stacked Plotly figures (the frames under, the
// cells, their values and the bars over) rendered by Plotly.toImage and laid on one canvas where
// it sits on the page.

/** Renders every Plotly figure in `container` into one PNG and downloads it as `filename`. */
export async function savePng(Plotly, container, filename) {
  const figures = [...container.querySelectorAll('.js-plotly-plot')];
  const canvas = document.createElement('canvas');
  canvas.width = container.scrollWidth;
  canvas.height = container.scrollHeight;
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  const origin = container.getBoundingClientRect();
  const images = await Promise.all(
    figures.map(async (figure) => {
      const url = await Plotly.toImage(figure, { format: 'png' });
      const image = new Image();
      image.src = url;
      await image.decode();
      const box = figure.getBoundingClientRect();
      return { image, x: box.left - origin.left, y: box.top - origin.top };
    }),
  );
  for (const { image, x, y } of images) context.drawImage(image, x, y); // in the page's order
  const link = document.createElement('a');
  link.href = canvas.toDataURL('image/png');
  link.download = filename;
  link.click();
}
