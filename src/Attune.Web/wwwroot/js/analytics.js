// Draws the analytics page's charts with uPlot (vendored in /lib/uplot): forest-style intervals and bars, one row per
// group, laid out horizontally so that the groups' names can be read. Every figure drawn is also in the table under
// its chart, so nothing depends on this script or on seeing the chart.
//
// [data-analytics-chart] holds one of:
//   { kind: "interval", rows: [{ label, value, lower, upper }], reference, unit, digits }  value may be null (a range alone)
//   { kind: "bars", categories: [label], series: [{ label, values: [share or null] }] }      shares from 0 to 1
(function () {
  'use strict';
  if (typeof uPlot === 'undefined') return;
  var colours = ['#1f5f8b', '#7a4b00', '#2e6b30', '#6b3fa0'];
  var muted = '#5b6470';
  var charts = [];

  function labelWidth(labels) {
    var longest = labels.reduce(function (m, l) { return Math.max(m, (l || '').length); }, 0);
    return Math.min(380, 16 + longest * 7);
  }

  function format(v, c) {
    return c.unit === '%' ? (v * 100).toFixed(c.digits == null ? 0 : c.digits) + '%' : v.toFixed(c.digits == null ? 2 : c.digits);
  }

  function build(el, c) {
    var labels = c.kind === 'bars' ? c.categories : c.rows.map(function (r) { return r.label; });
    var n = labels.length;
    if (n === 0 || (c.kind === 'bars' && c.series.length === 0)) { el.remove(); return; }
    var idx = labels.map(function (_, i) { return i; });
    var lo, hi;
    if (c.kind === 'bars') {
      lo = 0; hi = 1;
    } else {
      var values = [];
      c.rows.forEach(function (r) { [r.value, r.lower, r.upper].forEach(function (v) { if (v != null) values.push(v); }); });
      if (c.reference != null) values.push(c.reference);
      lo = Math.min.apply(null, values); hi = Math.max.apply(null, values);
      var pad = Math.max((hi - lo) * 0.08, 1e-3);
      lo -= pad; hi += pad;
    }
    var seriesCount = c.kind === 'bars' ? c.series.length : 1;
    var data = [idx];
    var series = [{}];
    for (var s = 0; s < seriesCount; s++) {
      data.push(c.kind === 'bars' ? c.series[s].values : c.rows.map(function (r) { return r.value; }));
      series.push({
        label: c.kind === 'bars' ? c.series[s].label : 'Estimate',
        stroke: colours[s % colours.length], fill: colours[s % colours.length],
        paths: function () { return null; }, points: { show: false }
      });
    }

    function draw(u) {
      var ctx = u.ctx, dpr = devicePixelRatio;
      var band = Math.abs(u.valToPos(1, 'x', true) - u.valToPos(0, 'x', true));
      ctx.save();
      if (c.reference != null) {
        var rx = Math.round(u.valToPos(c.reference, 'y', true)) + 0.5;
        ctx.strokeStyle = muted; ctx.lineWidth = dpr; ctx.setLineDash([4 * dpr, 4 * dpr]);
        ctx.beginPath(); ctx.moveTo(rx, u.bbox.top); ctx.lineTo(rx, u.bbox.top + u.bbox.height); ctx.stroke();
        ctx.setLineDash([]);
      }
      if (c.kind === 'bars') {
        var h = band * 0.7 / seriesCount, x0 = u.valToPos(0, 'y', true);
        c.series.forEach(function (sr, s) {
          ctx.fillStyle = colours[s % colours.length];
          sr.values.forEach(function (v, i) {
            if (v == null) return;
            var cy = u.valToPos(i, 'x', true) - band * 0.35 + s * h;
            ctx.fillRect(x0, cy, u.valToPos(v, 'y', true) - x0, h - dpr);
          });
        });
      } else {
        c.rows.forEach(function (r, i) {
          var cy = u.valToPos(i, 'x', true);
          var colour = r.value == null ? muted : colours[0];
          ctx.strokeStyle = colour; ctx.fillStyle = colour; ctx.lineWidth = 2 * dpr;
          if (r.lower != null && r.upper != null) {
            var a = u.valToPos(r.lower, 'y', true), b = u.valToPos(r.upper, 'y', true), cap = 6 * dpr;
            if (r.value == null) {
              // A range alone (what studies typically find): a shaded band, no point.
              ctx.globalAlpha = 0.25; ctx.fillRect(a, cy - cap, Math.max(b - a, 2 * dpr), 2 * cap); ctx.globalAlpha = 1;
            }
            ctx.beginPath();
            ctx.moveTo(a, cy); ctx.lineTo(b, cy);
            ctx.moveTo(a, cy - cap); ctx.lineTo(a, cy + cap);
            ctx.moveTo(b, cy - cap); ctx.lineTo(b, cy + cap);
            ctx.stroke();
          }
          if (r.value != null) {
            var px = u.valToPos(r.value, 'y', true);
            ctx.beginPath(); ctx.arc(px, cy, 5 * dpr, 0, 2 * Math.PI); ctx.fill();
          }
        });
      }
      ctx.restore();
    }

    var opts = {
      width: Math.max(300, el.clientWidth),
      height: 50 + n * (c.kind === 'bars' ? 22 + 12 * seriesCount : 36),
      series: series,
      cursor: { show: false },
      legend: { show: c.kind === 'bars' && seriesCount > 1, live: false },
      scales: {
        x: { time: false, ori: 1, dir: -1, range: [-0.6, n - 0.4] },
        y: { ori: 0, dir: 1, range: [lo, hi] }
      },
      axes: [
        { side: 3, size: labelWidth(labels), splits: function () { return idx; }, values: function (u, splits) { return splits.map(function (i) { return labels[i] || ''; }); }, grid: { show: false }, ticks: { show: false } },
        { side: 2, space: 70, values: function (u, splits) { return splits.map(function (v) { return format(v, c.kind === 'bars' ? { unit: '%', digits: 0 } : c); }); } }
      ],
      hooks: { draw: [draw] }
    };
    charts.push({ el: el, plot: new uPlot(opts, data, el) });
  }

  document.querySelectorAll('[data-analytics-chart]').forEach(function (el) {
    build(el, JSON.parse(el.dataset.analyticsChart));
  });

  window.addEventListener('resize', function () {
    charts.forEach(function (c) { c.plot.setSize({ width: Math.max(300, c.el.clientWidth), height: c.plot.height }); });
  });
})();
