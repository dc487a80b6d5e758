// Charts of the assessments progress page (Chart.js 4, served from our own static files).
// Each canvas names the json_script element that holds its data; the table beside it holds the
// same values, so the page reads the same without JavaScript. Participants are told apart by
// point style and dash pattern as well as colour; the values are drawn as given.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") return;

  // Okabe–Ito: colours most colour-blind readers can tell apart (never the only difference).
  const COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#E69F00", "#56B4E9"];
  const POINTS = ["circle", "rect", "triangle", "rectRot", "crossRot", "star", "cross"];
  const DASHES = [[], [8, 4], [2, 3], [12, 4, 2, 4], [4, 4], [1, 5], [16, 4]];
  const reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  // Text as large and dark as the page's own small print.
  window.Chart.defaults.font.size = 14;
  window.Chart.defaults.color = "#333333";

  function pick(list, n) {
    return list[n % list.length];
  }

  function scaleAxis(data) {
    return { min: data.min, max: data.max, ticks: { stepSize: 1, precision: 0 } };
  }

  function lineChart(canvas, data) {
    const datasets = data.series.map((series, n) => ({
      label: series.label,
      data: series.values,
      borderColor: pick(COLOURS, n),
      backgroundColor: pick(COLOURS, n),
      borderDash: pick(DASHES, n),
      borderWidth: 2,
      pointStyle: pick(POINTS, n),
      pointRadius: 6,
      pointHoverRadius: 8,
      pointBorderWidth: 2,
      spanGaps: false,
      tension: 0,
    }));
    return new window.Chart(canvas, {
      type: "line",
      data: { labels: data.labels, datasets },
      options: {
        animation: reduceMotion ? false : { duration: 300 },
        maintainAspectRatio: true,
        aspectRatio: 2,
        scales: {
          y: { ...scaleAxis(data), title: { display: true, text: data.yTitle } },
          x: { title: { display: true, text: data.xTitle } },
        },
        plugins: { legend: { position: "bottom", labels: { usePointStyle: true, padding: 16 } } },
      },
    });
  }

  function radarChart(canvas, data) {
    const datasets = data.series.map((series) => {
      const previous = series.role === "previous";
      const colour = previous ? "#595959" : "#0072B2";
      return {
        label: series.label,
        data: series.values,
        borderColor: colour,
        backgroundColor: "transparent",
        pointBackgroundColor: previous ? "#ffffff" : colour,
        pointBorderColor: colour,
        borderDash: previous ? [6, 4] : [],
        borderWidth: previous ? 2 : 3,
        pointStyle: previous ? "rectRot" : "circle",
        pointRadius: 5,
        pointHoverRadius: 7,
        spanGaps: false,
      };
    });
    return new window.Chart(canvas, {
      type: "radar",
      data: { labels: data.labels, datasets },
      options: {
        animation: reduceMotion ? false : { duration: 300 },
        maintainAspectRatio: true,
        aspectRatio: 1,
        scales: {
          r: {
            ...scaleAxis(data),
            beginAtZero: true,
            ticks: { stepSize: 1, precision: 0, backdropColor: "transparent" },
            pointLabels: { font: { size: 14 } },
          },
        },
        plugins: { legend: { position: "bottom", labels: { usePointStyle: true, padding: 16 } } },
      },
    });
  }

  function draw(canvas) {
    const source = document.getElementById(canvas.dataset.assessmentChart);
    if (!source) return;
    const data = JSON.parse(source.textContent);
    canvas.hidden = false;
    if (data.kind === "radar") radarChart(canvas, data);
    else lineChart(canvas, data);
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("canvas[data-assessment-chart]").forEach(draw);
  });
})();
