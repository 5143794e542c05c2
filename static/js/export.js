// Stacked Plotly figures as one PNG image (the live views: the frame under, the cells and bars,
// their values over; the decision regions: the grid under the samples): each rendered by
// Plotly.toImage and laid on one canvas where it sits on the page.

/** Renders every Plotly figure in `container` into one PNG and downloads it as `filename`. */
export async function savePng(Plotly, container, filename) {
  const figures = [...container.querySelectorAll('.js-plotly-plot')];
  const origin = container.getBoundingClientRect();
  // the container's whole area (it may scroll), but not a hover label's past a figure's edge
  const boxes = figures.map((figure) => figure.getBoundingClientRect());
  const reach = (edge) => Math.ceil(Math.max(...boxes.map(edge)));
  const canvas = document.createElement('canvas');
  canvas.width = Math.min(
    container.scrollWidth,
    reach((box) => box.right - origin.left),
  );
  canvas.height = Math.min(
    container.scrollHeight,
    reach((box) => box.bottom - origin.top),
  );
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, canvas.width, canvas.height);
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
