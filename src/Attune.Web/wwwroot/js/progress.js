// Draws each [data-chart] on the client's progress page with uPlot (vendored in /lib/uplot). The figures are also
// in a table under each chart, so nothing depends on this script or on seeing the chart.
(function () {
  'use strict';
  if (typeof uPlot === 'undefined') return;
  var css = getComputedStyle(document.documentElement);
  var accent = (css.getPropertyValue('--accent') || '#1f5f8b').trim();
  var charts = [];

  // Dates as every Attune page writes them ("6 Dec 2026"), never in the browser's own order.
  var months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  function formatDay(seconds, withYear) {
    var d = new Date(seconds * 1000);
    return d.getDate() + ' ' + months[d.getMonth()] + (withYear ? ' ' + d.getFullYear() : '');
  }
  function dateLabel(u, splits) {
    return splits.map(function (s) { return formatDay(s, false); });
  }

  document.querySelectorAll('[data-chart]').forEach(function (el) {
    var c = JSON.parse(el.dataset.chart);
    var n = c.x.length;
    var data = [c.x, c.y];
    var series = [
      { value: function (u, v) { return v == null ? '' : formatDay(v, true); }, label: 'Date' },
      { label: c.name, stroke: accent, width: 3, points: { size: 9, fill: accent } }
    ];
    // The usual path of people at this clinic who started in the same place, where the clinic's history gives one.
    if (c.expected) {
      data.push(c.expected);
      series.push({ label: 'Usual path', stroke: '#7a4b00', width: 2, dash: [6, 5], points: { show: false }, spanGaps: true });
    }
    // The cut-off and the usual-variation band are drawn across the whole plot, behind the scores, so that they
    // show even when there is only one score so far.
    function guides(u) {
      var ctx = u.ctx, left = u.bbox.left, width = u.bbox.width;
      ctx.save();
      if (c.band) {
        var top = u.valToPos(c.band[1], 'y', true), bottom = u.valToPos(c.band[0], 'y', true);
        ctx.fillStyle = 'rgba(31, 95, 139, 0.12)';
        ctx.fillRect(left, top, width, bottom - top);
      }
      if (c.cutoff != null) {
        var y = Math.round(u.valToPos(c.cutoff, 'y', true)) + 0.5;
        ctx.strokeStyle = '#b3261e';
        ctx.lineWidth = 2 * devicePixelRatio;
        ctx.setLineDash([6 * devicePixelRatio, 6 * devicePixelRatio]);
        ctx.beginPath();
        ctx.moveTo(left, y);
        ctx.lineTo(left + width, y);
        ctx.stroke();
        // Named on the chart itself, not only in the key beside it.
        ctx.setLineDash([]);
        ctx.fillStyle = '#b3261e';
        ctx.font = 'bold ' + (12 * devicePixelRatio) + 'px system-ui, sans-serif';
        ctx.textAlign = 'right';
        ctx.fillText('cut-off ' + c.cutoff, left + width - 4 * devicePixelRatio, y - 5 * devicePixelRatio);
      }
      ctx.restore();
    }
    var day = 86400;
    var opts = {
      width: Math.max(280, el.clientWidth),
      height: 240,
      series: series,
      hooks: { drawClear: [guides] },
      scales: {
        // One score so far: two weeks either side of it (uPlot's own range for a single time spans years).
        x: n === 1
          ? { time: true, auto: false, range: [c.x[0] - 14 * day, c.x[0] + 14 * day] }
          : { time: true, range: function (u, min, max) { var pad = Math.max(3 * day, (max - min) * 0.05); return [min - pad, max + pad]; } },
        y: { range: [c.min, c.max] }
      },
      axes: [{ values: dateLabel }, { size: 40 }],
      cursor: { points: { size: 12 } },
      legend: { live: true }
    };
    charts.push({ el: el, plot: new uPlot(opts, data, el) });
  });

  window.addEventListener('resize', function () {
    charts.forEach(function (c) { c.plot.setSize({ width: Math.max(280, c.el.clientWidth), height: 240 }); });
  });
})();
