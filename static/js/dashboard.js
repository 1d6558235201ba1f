/* Dashboard charts: bar charts drawn with Chart.js (static/vendor/chartjs) from the figures the
   page carries as JSON (json_script "dashboard-data"). Each bar is labelled with its number
   (and share) so the chart reads without colour; selecting a bar opens the patient list filtered
   to those patients; the same numbers and links are in the table under each chart. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var BAR = "#0A58CA";
  var TEXT = "#1A1A1A";

  // Writes each bar's number (and share) next to it.
  var directLabels = {
    id: "directLabels",
    afterDatasetsDraw: function (chart, args, options) {
      var context = chart.ctx;
      var meta = chart.getDatasetMeta(0);
      context.save();
      context.fillStyle = TEXT;
      context.font = "12px system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif";
      meta.data.forEach(function (element, index) {
        var bar = options.bars[index];
        var words = String(bar.count) + (options.showShare ? " (" + bar.share + " %)" : "");
        if (options.horizontal) {
          context.textAlign = "left";
          context.textBaseline = "middle";
          context.fillText(words, element.x + 4, element.y);
        } else if (bar.count > 0) {
          context.textAlign = "center";
          context.textBaseline = "bottom";
          context.fillText(words, element.x, element.y - 2);
        }
      });
      context.restore();
    }
  };

  function draw(spec) {
    var canvas = document.getElementById("chart-" + spec.key);
    if (!canvas) { return; }
    var counts = spec.bars.map(function (bar) { return bar.count; });
    var highest = Math.max.apply(null, counts.concat([1]));
    var valueAxis = {
      beginAtZero: true,
      suggestedMax: Math.ceil(highest * (spec.horizontal ? 1.35 : 1.15)),
      ticks: { precision: 0, color: TEXT },
      grid: { color: "#E0E0E0" }
    };
    var categoryAxis = { ticks: { color: TEXT, autoSkip: !spec.horizontal }, grid: { display: false } };
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: spec.bars.map(function (bar) { return bar.label; }),
        datasets: [{
          label: spec.title,
          data: counts,
          backgroundColor: BAR,
          borderColor: "#000000",
          borderWidth: 1,
          minBarLength: 2
        }]
      },
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: spec.horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
        plugins: {
          legend: { display: false },
          tooltip: { enabled: true },
          directLabels: { bars: spec.bars, horizontal: spec.horizontal, showShare: spec.show_share }
        },
        onHover: function (event, elements) {
          event.native.target.style.cursor = elements.length ? "pointer" : "default";
        },
        onClick: function (event, elements) {
          if (elements.length) { window.location.assign(spec.bars[elements[0].index].url); }
        }
      },
      plugins: [directLabels]
    });
  }

  data.charts.forEach(draw);
}());
