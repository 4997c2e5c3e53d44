// Draws the SKM report's chart with chart.js, which the console serves itself (no CDN). The figures
// come from the page's JSON block; the table under the chart says the same in text.
(() => {
  const source = document.getElementById('skm-data');
  const canvas = document.getElementById('chart-skm');
  if (!source || !canvas || !window.Chart) return;
  const data = JSON.parse(source.textContent);
  new window.Chart(canvas, {
    type: 'bar',
    data: { labels: data.labels, datasets: [{ label: data.label, data: data.nrr, backgroundColor: '#0b5cad' }] },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      indexAxis: 'y',
      scales: { x: { min: 0, max: 4 } },
      plugins: { legend: { display: false } },
    },
  });
})();
