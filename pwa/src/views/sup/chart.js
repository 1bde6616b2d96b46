// An Apache ECharts chart. ECharts (1 MB) is imported dynamically, only when the statistics
// screen first draws a chart: the worker's shell never loads it, and it is not precached
// (sw.js keeps vendor/lazy/ in a cache of its own, filled on first use).
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';

import { t } from '../../i18n/index.js';

// Pinned in pwa/vendor/refresh.mjs (ECHARTS_VERSION); a test keeps the two in step.
export const ECHARTS_URL = '../../../vendor/lazy/echarts-6.1.0.esm.min.js';

let loading = null;
export function loadECharts() {
  if (!loading) {
    loading = import(ECHARTS_URL).catch((err) => {
      loading = null; // offline on first use: try again next time
      throw err;
    });
  }
  return loading;
}

export function Chart({ option, height = 260, label }) {
  const el = useRef(null);
  const chart = useRef(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let alive = true;
    let observer = null;
    loadECharts().then((echarts) => {
      if (!alive || !el.current) return;
      chart.current = echarts.init(el.current, null, { renderer: 'canvas' });
      chart.current.setOption(option);
      observer = new ResizeObserver(() => chart.current?.resize());
      observer.observe(el.current);
    }, () => alive && setFailed(true));
    return () => {
      alive = false;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, true);
  }, [option]);

  useEffect(() => {
    chart.current?.resize();
  }, [height]);

  return html`<div class="hm-chart-box">
    <div class="hm-chart" ref=${el} style=${`height:${height}px`} role="img" aria-label=${label}></div>
    ${failed && html`<p class="hm-chart__failed">${t('stats.chart_failed')}</p>`}
  </div>`;
}
