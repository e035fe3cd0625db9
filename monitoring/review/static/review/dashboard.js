// Draws the dashboard charts from the JSON the page embeds (Chart.js is vendored).
(function () {
  "use strict";
  function draw() {
    const data = JSON.parse(document.getElementById("review-chart-data").textContent);
    const unsafe = document.getElementById("unsafe-chart");
    if (unsafe && window.Chart) {
      new Chart(unsafe, {
        type: "line",
        data: { labels: data.days, datasets: data.unsafe.map(function (s) { return { label: s.label, data: s.data, spanGaps: true }; }) },
        options: {
          scales: { y: { min: 0, title: { display: true, text: "unsafe rate" } } },
          plugins: { tooltip: { callbacks: { afterLabel: function (ctx) {
            const s = data.unsafe[ctx.datasetIndex];
            const lo = s.low[ctx.dataIndex], hi = s.high[ctx.dataIndex];
            return lo === null ? "" : "95% CI " + lo.toFixed(3) + "–" + hi.toFixed(3);
          } } } },
        },
      });
    }
    const flow = document.getElementById("flow-chart");
    if (flow && window.Chart) {
      new Chart(flow, {
        type: "bar",
        data: { labels: data.flow_days, datasets: [{ label: "queued", data: data.queued }, { label: "settled", data: data.done }] },
      });
    }
  }
  if (document.readyState === "complete") draw(); else window.addEventListener("load", draw);
})();
