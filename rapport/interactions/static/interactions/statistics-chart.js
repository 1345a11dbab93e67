/* Draws the statistics panel's chart (interactions/statistics/panel.html): the number of
   interactions per bucket (month, quarter, year, ...: the server chooses it so that there are
   never more than a few dozen bars) as bars and their cost as a line on a second axis. The data comes
   from the JSON that Django's json_script filter embeds (no inline script); without
   JavaScript (or without Chart.js) the table of the months under the chart stays. */
(function () {
  "use strict";

  function readData(id) {
    var element = document.getElementById(id);
    if (!element) {
      return null;
    }
    try {
      return JSON.parse(element.textContent);
    } catch (error) {
      return null;
    }
  }

  function style(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function draw(canvas) {
    var data = readData(canvas.getAttribute("data-statistics-chart"));
    if (!data || typeof window.Chart === "undefined") {
      return;
    }
    var locale = document.documentElement.lang || undefined;
    var money = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    var primary = style("--bs-primary", "#0d6efd");
    var cost = style("--bs-warning", "#ffc107");
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          {
            type: "bar",
            label: data.names.count,
            data: data.count,
            yAxisID: "count",
            backgroundColor: primary,
            order: 2
          },
          {
            type: "line",
            label: data.names.cost,
            data: data.cost.map(Number),
            yAxisID: "cost",
            borderColor: cost,
            backgroundColor: cost,
            tension: 0.2,
            order: 1
          }
        ]
      },
      options: {
        locale: locale,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          x: {
            title: { display: Boolean(data.names.bucket), text: data.names.bucket || "" }
          },
          count: {
            type: "linear",
            position: "left",
            beginAtZero: true,
            ticks: { precision: 0 },
            title: { display: true, text: data.names.count }
          },
          cost: {
            type: "linear",
            position: "right",
            beginAtZero: true,
            grid: { drawOnChartArea: false },
            ticks: {
              callback: function (value) {
                return money.format(value);
              }
            },
            title: { display: true, text: data.names.cost }
          }
        },
        plugins: {
          tooltip: {
            callbacks: {
              label: function (context) {
                var value = context.dataset.yAxisID === "cost"
                  ? money.format(context.parsed.y)
                  : context.formattedValue;
                return context.dataset.label + ": " + value;
              }
            }
          }
        }
      }
    });
  }

  function drawAll() {
    document.querySelectorAll("canvas[data-statistics-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
