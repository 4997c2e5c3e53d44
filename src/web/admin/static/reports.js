// Draws the report's charts with chart.js, which the console serves itself (no CDN). The figures
// come from the page's JSON block; the tables under each chart say the same in text.
(() => {
  const source = document.getElementById('report-data');
  if (!source || !window.Chart) return;
  const data = JSON.parse(source.textContent);
  const colours = ['#0b5cad', '#116329', '#a40e26', '#8250df', '#bf8700', '#1b7c83', '#57606a'];
  const common = {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    plugins: { legend: { position: 'bottom' } },
  };
  // Counts are whole cases: an axis never shows 0.5.
  const wholeNumbers = { beginAtZero: true, ticks: { precision: 0 } };
  const draw = (id, config) => {
    const canvas = document.getElementById(id);
    if (canvas) new window.Chart(canvas, { ...config, options: { ...common, ...(config.options || {}) } });
  };
  draw('chart-trend', {
    type: 'bar',
    data: {
      labels: data.trend.labels,
      datasets: [
        { label: data.words.opened, data: data.trend.opened, backgroundColor: colours[0] },
        { label: data.words.closed, data: data.trend.closed, backgroundColor: colours[1] },
      ],
    },
    options: { scales: { y: wholeNumbers } },
  });
  draw('chart-category', {
    type: 'doughnut',
    data: {
      labels: data.categories.labels,
      datasets: [{ data: data.categories.counts, backgroundColor: colours }],
    },
  });
  draw('chart-channel', {
    type: 'bar',
    data: {
      labels: data.channels.labels,
      datasets: [{ label: data.words.count, data: data.channels.counts, backgroundColor: colours[3] }],
    },
    options: { scales: { y: wholeNumbers }, plugins: { legend: { display: false } } },
  });
  draw('chart-on-time', {
    type: 'bar',
    data: {
      labels: data.steps.labels,
      datasets: [{ label: data.words.onTime, data: data.steps.onTime, backgroundColor: colours[1] }],
    },
    options: {
      indexAxis: 'y',
      scales: { x: { min: 0, max: 100, ticks: { precision: 0, callback: (v) => `${v} %` } } },
      plugins: { legend: { display: false } },
    },
  });
  for (const button of document.querySelectorAll('[data-print]')) {
    button.addEventListener('click', () => window.print());
  }
})();
