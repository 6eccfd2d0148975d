// Profile charts (Chart.js 4): follower history with spikes, engagement per post, audience by age,
// gender and country. The data comes from the json_script element "profile-chart-data", so no
// inline script is needed (Content-Security-Policy: script-src 'self').
(function () {
  "use strict";

  var PALETTE = ["#0b6bcb", "#c2410c", "#15803d", "#7c3aed", "#be185d", "#0e7490", "#a16207"];
  // One colour per platform in every chart (a second account on the same platform gets a dashed line).
  var PLATFORM_COLORS = {
    instagram: "#be185d",
    tiktok: "#0e7490",
    youtube: "#c62828",
    x: "#1d2430",
    twitch: "#7c3aed",
    blog: "#15803d",
    podcast: "#a16207"
  };

  function platformStyle(series) {
    var seen = {};
    return series.map(function (account, index) {
      var platform = account.platform || "";
      var repeat = seen[platform] || 0;
      seen[platform] = repeat + 1;
      return {
        color: PLATFORM_COLORS[platform] || PALETTE[index % PALETTE.length],
        dash: repeat ? [6, 4] : []
      };
    });
  }
  var SPIKE_COLOR = "#c62828";
  var EXPLAINED_COLOR = "#9a6700";

  function readData() {
    var element = document.getElementById("profile-chart-data");
    if (!element) {
      return null;
    }
    try {
      return JSON.parse(element.textContent);
    } catch (error) {
      return null;
    }
  }

  function dateLabel(value) {
    return new Date(value).toLocaleDateString(document.documentElement.lang || undefined, {
      day: "numeric",
      month: "short",
      year: "2-digit"
    });
  }

  function numberLabel(value) {
    return Number(value).toLocaleString(document.documentElement.lang || undefined);
  }

  var END_OF_TODAY = null;  // set from the data: the end of the server's today, the axes' right edge

  function percentLabel(value) {
    return numberLabel(value) + "\u00a0%";
  }

  function timeAxis() {
    var axis = {
      type: "linear",
      ticks: { callback: dateLabel, maxTicksLimit: 6 },
      grid: { display: false }
    };
    if (END_OF_TODAY !== null) {
      axis.max = END_OF_TODAY;
    }
    return axis;
  }

  function baseOptions(extra) {
    var options = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } }
    };
    Object.keys(extra || {}).forEach(function (key) {
      options[key] = extra[key];
    });
    return options;
  }

  function canvas(id) {
    return document.getElementById(id);
  }

  var LABELS = { spike: "spike", sponsored: "sponsored" };

  function followersChart(series) {
    var target = canvas("chart-followers");
    if (!target || !series.length) {
      return;
    }
    var datasets = [];
    var styles = platformStyle(series);
    series.forEach(function (account, index) {
      var color = styles[index].color;
      var points = account.points.map(function (point) {
        return { x: Date.parse(point.x), y: point.y };
      });
      datasets.push({
        type: "line",
        label: account.label,
        data: points,
        borderColor: color,
        backgroundColor: color,
        borderDash: styles[index].dash,
        pointRadius: 0,
        borderWidth: 2,
        tension: 0.2
      });
      var spikes = account.spikes.map(function (spike) {
        var when = Date.parse(spike.date);
        var nearest = points.reduce(function (best, point) {
          return !best || Math.abs(point.x - when) < Math.abs(best.x - when) ? point : best;
        }, null);
        return { x: when, y: nearest ? nearest.y : 0, gain: spike.gain, explained: spike.explained };
      });
      if (spikes.length) {
        datasets.push({
          type: "scatter",
          label: account.label + " · " + LABELS.spike,
          data: spikes,
          pointStyle: "triangle",
          pointRadius: 9,
          pointHoverRadius: 11,
          backgroundColor: spikes.map(function (s) { return s.explained ? EXPLAINED_COLOR : SPIKE_COLOR; }),
          borderColor: "#fff",
          borderWidth: 1
        });
      }
    });
    new window.Chart(target, {
      type: "line",
      data: { datasets: datasets },
      options: baseOptions({
        parsing: false,
        scales: { x: timeAxis(), y: { ticks: { callback: numberLabel } } },
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 12 } },
          tooltip: {
            callbacks: {
              title: function (items) { return items.length ? dateLabel(items[0].parsed.x) : ""; },
              label: function (item) {
                var raw = item.raw || {};
                if (raw.gain !== undefined && raw.gain !== null) {
                  return item.dataset.label + ": +" + numberLabel(raw.gain);
                }
                return item.dataset.label + ": " + numberLabel(item.parsed.y);
              }
            }
          }
        }
      })
    });
  }

  function engagementChart(series) {
    var target = canvas("chart-engagement");
    if (!target || !series.length) {
      return;
    }
    var styles = platformStyle(series);
    var datasets = series.map(function (account, index) {
      var color = styles[index].color;
      return {
        label: account.label,
        data: account.points.map(function (point) {
          return { x: Date.parse(point.x), y: point.y, sponsored: point.sponsored };
        }),
        borderColor: color,
        backgroundColor: color,
        pointRadius: 4,
        pointStyle: function (context) {
          return context.raw && context.raw.sponsored ? "rect" : "circle";
        }
      };
    });
    new window.Chart(target, {
      type: "scatter",
      data: { datasets: datasets },
      options: baseOptions({
        scales: { x: timeAxis(), y: { beginAtZero: true, ticks: { callback: numberLabel } } },
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 12 } },
          tooltip: {
            callbacks: {
              title: function (items) { return items.length ? dateLabel(items[0].parsed.x) : ""; },
              label: function (item) {
                var text = item.dataset.label + ": " + numberLabel(item.parsed.y);
                return item.raw && item.raw.sponsored ? text + " (" + LABELS.sponsored + ")" : text;
              }
            }
          }
        }
      })
    });
  }

  function shareChart(id, type, part, horizontal) {
    var target = canvas(id);
    if (!target || !part) {
      return;
    }
    new window.Chart(target, {
      type: type,
      data: {
        labels: part.labels,
        datasets: [{
          label: "%",
          data: part.values,
          backgroundColor: type === "doughnut" ? PALETTE : PALETTE[0],
          borderWidth: type === "doughnut" ? 1 : 0
        }]
      },
      options: baseOptions({
        indexAxis: horizontal ? "y" : "x",
        scales: type === "doughnut" ? {} : {
          x: horizontal ? { beginAtZero: true, ticks: { callback: percentLabel } } : {},
          y: horizontal ? {} : { beginAtZero: true, ticks: { callback: percentLabel } }
        },
        plugins: {
          legend: { display: type === "doughnut", position: "bottom", labels: { boxWidth: 12 } },
          tooltip: { callbacks: { label: function (item) { return item.label + ": " + percentLabel(item.raw); } } }
        }
      })
    });
  }

  function draw() {
    var data = readData();
    if (!data || !window.Chart) {
      return;
    }
    if (data.labels) {
      LABELS = data.labels;
    }
    if (data.today) {
      // Dates without a time parse as UTC midnight, like the follower history's days.
      END_OF_TODAY = Date.parse(data.today) + 24 * 60 * 60 * 1000 - 1;
    }
    followersChart(data.followers || []);
    engagementChart(data.engagement || []);
    if (data.audience) {
      shareChart("chart-age", "bar", data.audience.age, false);
      shareChart("chart-gender", "doughnut", data.audience.gender, false);
      shareChart("chart-countries", "bar", data.audience.countries, true);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
