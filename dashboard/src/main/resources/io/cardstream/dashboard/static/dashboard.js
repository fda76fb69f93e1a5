// The cardstream dashboard: polls the JSON API once a second and redraws. Every value from the API is written with
// textContent (never innerHTML), so a name holding markup shows as text; the server's Content-Security-Policy only
// runs scripts from this server as a second line of defence.
'use strict';

const REFRESH_MS = 1000;
const BATCHES = 120;
const STATUS_CLASSES = new Set(['OK', 'PERSON_MISSING', 'COMPANY_MISSING', 'BOTH_MISSING']);
const fmt = new Intl.NumberFormat('en-US');
const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const charts = {};

function text(id, value) {
  const el = document.getElementById(id);
  if (el) {
    el.textContent = value;
  }
  return el;
}

function timeOf(ms) {
  return new Date(ms).toLocaleTimeString('en-GB', { hour12: false });
}

function cell(row, value, className) {
  const td = document.createElement('td');
  td.textContent = value === null || value === undefined ? '–' : String(value);
  td.title = td.textContent;
  if (className) {
    td.className = className;
  }
  row.appendChild(td);
}

async function getJson(path) {
  const response = await fetch(path, { cache: 'no-store' });
  const body = await response.json();
  if (!response.ok && !('status' in body)) {
    throw new Error(body.error || ('HTTP ' + response.status));
  }
  return body;
}

// The batch interval, as the most common gap between consecutive batch times.
function intervalOf(rows) {
  const gaps = new Map();
  for (let i = 0; i + 1 < rows.length; i++) {
    const gap = rows[i].batchTime - rows[i + 1].batchTime;
    if (gap > 0) {
      gaps.set(gap, (gaps.get(gap) || 0) + 1);
    }
  }
  let best = 0;
  let bestCount = 0;
  gaps.forEach((count, gap) => {
    if (count > bestCount || (count === bestCount && gap < best)) {
      best = gap;
      bestCount = count;
    }
  });
  return best;
}

function makeChart(id, datasets, stacked) {
  const canvas = document.getElementById(id);
  if (!window.Chart || !canvas) {
    return null;
  }
  return new window.Chart(canvas, {
    type: 'line',
    data: { labels: [], datasets: datasets.map(d => Object.assign({ data: [], pointRadius: 0, borderWidth: 2, tension: 0.1 }, d)) },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      scales: { x: { ticks: { maxTicksLimit: 8 } }, y: { beginAtZero: true, stacked: !!stacked } },
      plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } }
    }
  });
}

function setupCharts() {
  charts.throughput = makeChart('chart-throughput', [{ label: 'tx/s', borderColor: '#2b6cb0', backgroundColor: 'rgba(43,108,176,0.15)', fill: true }]);
  charts.timing = makeChart('chart-timing', [
    { label: 'processing', borderColor: '#2b6cb0' },
    { label: 'scheduling delay', borderColor: '#d69e2e' },
    { label: 'batch interval', borderColor: '#cc1f1a', borderDash: [6, 4], borderWidth: 1 }
  ]);
  charts.latency = makeChart('chart-latency', [
    { label: 'p50', borderColor: '#1f9d55' },
    { label: 'p99', borderColor: '#805ad5' },
    { label: 'max', borderColor: '#a0aec0', borderWidth: 1 }
  ]);
  charts.quality = makeChart('chart-quality', [
    { label: 'dead-lettered', borderColor: '#cc1f1a' },
    { label: 'missing dimension', borderColor: '#b7791f' }
  ]);
}

function updateChart(chart, labels, series) {
  if (!chart) {
    return;
  }
  chart.data.labels = labels;
  series.forEach((data, i) => { chart.data.datasets[i].data = data; });
  chart.update('none');
}

function showMetrics(rows) {
  if (rows.length === 0) {
    text('status-line', 'No batch yet: is the job running?');
    return;
  }
  const interval = intervalOf(rows) || 1000;
  const newest = rows[0];
  const perSecond = r => Math.round(r.records * 1000 / interval);
  text('throughput', fmt.format(perSecond(newest)));
  text('interval', fmt.format(interval));
  text('processing', fmt.format(newest.processingMs)).classList.toggle('warn', newest.processingMs > interval);
  text('scheduling', fmt.format(newest.schedulingMs)).classList.toggle('warn', newest.schedulingMs > interval);
  text('p50', fmt.format(newest.latencyP50Ms));
  text('p99', fmt.format(newest.latencyP99Ms));
  const minuteAgo = newest.batchTime - 60000;
  const lastMinute = rows.filter(r => r.batchTime > minuteAgo);
  text('dead-lettered', fmt.format(lastMinute.reduce((s, r) => s + r.deadLettered, 0)));
  text('missing-dims', fmt.format(lastMinute.reduce((s, r) => s + r.missingDims, 0)));
  // a batch's row appears within about two intervals of its time; none for longer is a stall (the job waits on
  // Kafka or HBase, or has stopped), said at once rather than left for the numbers to go stale
  const silentMs = Date.now() - newest.batchTime - Math.max(0, newest.processingMs) - Math.max(0, newest.schedulingMs);
  const stalled = silentMs > 3 * interval + 2000;
  text('status-line', stalled
    ? 'Stalled: no batch has completed for ' + fmt.format(Math.round(silentMs / 1000)) + ' s (the last was the batch of '
      + timeOf(newest.batchTime) + '). The job is waiting on Kafka or HBase, or has stopped; it fails by itself once'
      + ' Kafka has been unreachable for kafka-timeout-seconds.'
    : 'Batch of ' + timeOf(newest.batchTime) + ': ' + fmt.format(newest.records) + ' records, '
      + fmt.format(newest.enriched) + ' stored, ' + fmt.format(newest.deadLettered) + ' dead-lettered, processed in '
      + fmt.format(newest.processingMs) + ' ms.').classList.toggle('warn', stalled);

  const chronological = rows.slice().reverse();
  const labels = chronological.map(r => timeOf(r.batchTime));
  updateChart(charts.throughput, labels, [chronological.map(perSecond)]);
  updateChart(charts.timing, labels, [chronological.map(r => r.processingMs), chronological.map(r => r.schedulingMs),
    chronological.map(() => interval)]);
  updateChart(charts.latency, labels, [chronological.map(r => r.latencyP50Ms), chronological.map(r => r.latencyP99Ms),
    chronological.map(r => r.latencyMaxMs)]);
  updateChart(charts.quality, labels, [chronological.map(r => r.deadLettered), chronological.map(r => r.missingDims)]);
}

function showRecent(rows) {
  const body = document.querySelector('#recent tbody');
  const fresh = document.createElement('tbody');
  rows.forEach(t => {
    const tr = document.createElement('tr');
    cell(tr, timeOf(t.eventTime));
    cell(tr, t.txId);
    cell(tr, t.personName === null ? '(unknown ' + t.personId + ')' : t.personName, 'person');
    cell(tr, t.companyName === null ? '(unknown ' + t.companyId + ')' : t.companyName, 'company');
    cell(tr, t.amount, 'num');
    cell(tr, t.currency);
    cell(tr, t.status, STATUS_CLASSES.has(t.status) ? 'status-' + t.status : '');
    cell(tr, fmt.format(t.latencyMs), 'num');
    fresh.appendChild(tr);
  });
  body.replaceWith(fresh);
}

function showTop(rows) {
  const body = document.querySelector('#top-merchants tbody');
  const fresh = document.createElement('tbody');
  rows.forEach((m, i) => {
    const tr = document.createElement('tr');
    cell(tr, i + 1);
    cell(tr, m.name === null ? m.companyId : m.name, 'merchant');
    cell(tr, money.format(Number(m.amount)), 'num');
    cell(tr, fmt.format(m.transactions), 'num');
    fresh.appendChild(tr);
  });
  body.replaceWith(fresh);
}

function showHealth(h) {
  const badge = text('health', h.status === 'UP' ? 'HBase UP' : 'DOWN: ' + (h.reason || 'unknown'));
  badge.className = 'badge ' + (h.status === 'UP' ? 'up' : 'down');
}

let refreshes = 0;
async function refresh() {
  try {
    const [metrics, recent, top] = await Promise.all([
      getJson('/api/metrics?last=' + BATCHES), getJson('/api/recent'), getJson('/api/top-merchants?seconds=60')]);
    showMetrics(metrics);
    showRecent(recent);
    showTop(top);
    if (refreshes % 5 === 0) {
      showHealth(await getJson('/api/health'));
    }
  } catch (e) {
    showHealth({ status: 'DOWN', reason: e.message });
  } finally {
    refreshes++;
    document.body.dataset.refreshes = String(refreshes);
    setTimeout(refresh, REFRESH_MS);
  }
}

document.addEventListener('DOMContentLoaded', () => {
  setupCharts();
  refresh();
});
