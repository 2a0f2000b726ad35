/* Dashboard charts (Chart.js from static/). The data comes from json_script and the
   same numbers are always in the tables beside each chart. */
(function () {
  "use strict";

  function init() {
    var source = document.getElementById("dashboard-data");
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var reduce = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    // The series' colours come with the data (proposals/dashboard.py): distinct for
    // colour-blind readers and in greyscale. A dark outline keeps pale bars visible
    // against the white background and separates stacked segments.
    var outline = "#212529";
    var common = {
      responsive: true,
      maintainAspectRatio: false,
      animation: reduce ? false : { duration: 400 },
      plugins: { legend: { position: "bottom" } },
    };

    function draw(id, config) {
      var canvas = document.getElementById(id);
      if (canvas) {
        new window.Chart(canvas, config);
      }
    }

    draw("chart-by-month", {
      type: "bar",
      data: {
        labels: data.byMonth.labels,
        datasets: data.byMonth.series.map(function (serie) {
          return {
            label: serie.label,
            data: serie.data,
            backgroundColor: serie.color,
            borderColor: outline,
            borderWidth: 1,
          };
        }),
      },
      options: Object.assign({}, common, {
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } },
      }),
    });
    draw("chart-by-dependency", {
      type: "bar",
      data: {
        labels: data.byDependency.labels,
        datasets: [{ label: "Propuestas", data: data.byDependency.data, backgroundColor: "#1d3b6f" }],
      },
      options: Object.assign({}, common, { indexAxis: "y" }),
    });
    draw("chart-by-topic", {
      type: "bar",
      data: {
        labels: data.byTopic.labels,
        datasets: [{ label: "Propuestas", data: data.byTopic.data, backgroundColor: "#8a1538" }],
      },
      options: Object.assign({}, common, { indexAxis: "y" }),
    });
    draw("chart-pulse", {
      type: "line",
      data: {
        labels: data.pulse.labels,
        datasets: data.pulse.series.map(function (serie, i) {
          return {
            label: serie.label,
            data: serie.data,
            borderColor: serie.color,
            backgroundColor: serie.color,
            borderDash: [[], [8, 4], [2, 3]][i],
            pointStyle: ["circle", "rect", "triangle"][i],
            pointRadius: 4,
          };
        }),
      },
      options: Object.assign({}, common, {
        scales: { y: { min: 1, max: 5 } },
        // The legend shows each line's marker and dash, not only its colour.
        plugins: { legend: { position: "bottom", labels: { usePointStyle: true } } },
      }),
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
