// Charts of the analyst's dashboard (Chart.js 4, served from our own static files).
// Each canvas names the json_script element that holds its figures, already suppressed: a hidden
// number is null, which Chart.js draws as a gap, never as a value. The table beside each chart
// holds the same figures, so the page reads the same without JavaScript.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") return;

  // Okabe–Ito, then greys: colours most colour-blind readers can tell apart. The legend and the
  // table name every series, so colour never carries the meaning alone.
  const COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
    "#999999", "#595959", "#BBBBBB", "#332288", "#117733"];
  const DASHES = [[], [8, 4], [2, 3], [12, 4, 2, 4], [4, 4], [1, 5]];
  const reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  window.Chart.defaults.font.size = 14;
  window.Chart.defaults.color = "#333333";

  function pick(list, n) {
    return list[n % list.length];
  }

  function options(data, stacked) {
    return {
      animation: reduceMotion ? false : { duration: 300 },
      maintainAspectRatio: true,
      aspectRatio: 1.4,
      scales: {
        x: { stacked, title: { display: true, text: data.xTitle } },
        y: { stacked, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: data.yTitle } },
      },
      plugins: { legend: { position: "bottom", labels: { boxWidth: 14, padding: 12 } } },
    };
  }

  function bars(data, stacked) {
    return {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.datasets.map((series, n) => ({
          label: series.label,
          data: series.values,
          backgroundColor: pick(COLOURS, n),
          borderColor: "#1a1a1a",
          borderWidth: 1,
        })),
      },
      options: options(data, stacked),
    };
  }

  function lines(data, datasets) {
    return {
      type: "line",
      data: {
        labels: data.labels,
        datasets: datasets.map((series, n) => ({
          label: series.label,
          data: series.values,
          borderColor: pick(COLOURS, n),
          backgroundColor: pick(COLOURS, n),
          borderDash: pick(DASHES, n),
          borderWidth: 2,
          pointRadius: 4,
          spanGaps: false,
          tension: 0,
        })),
      },
      options: options(data, false),
    };
  }

  function spread(data) {
    // The quartiles and the median per month; the whole period's row and the count column are
    // in the table only.
    const months = data.labels.slice(0, -1);
    const series = data.datasets.slice(1).map((s) => ({ label: s.label, values: s.values.slice(0, -1) }));
    const config = lines({ ...data, labels: months }, [series[0], series[1], series[2]]);
    config.data.datasets[0].borderDash = [6, 4];
    config.data.datasets[2].borderDash = [6, 4];
    config.data.datasets[1].borderWidth = 3;
    return config;
  }

  function configure(data) {
    if (data.type === "stacked") return bars(data, true);
    if (data.type === "line") return lines(data, data.datasets);
    if (data.type === "spread") return spread(data);
    return bars(data, false);
  }

  function draw(canvas) {
    const source = document.getElementById(canvas.dataset.insightsChart);
    if (!source) return;
    const data = JSON.parse(source.textContent);
    canvas.hidden = false;
    new window.Chart(canvas, configure(data));
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("canvas[data-insights-chart]").forEach(draw);
  });
})();
