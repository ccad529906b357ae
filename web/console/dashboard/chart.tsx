// One chart of the dashboard: a uPlot line (or bars) over days, sized to its box and
// redrawn when the data or the box's width change. uPlot draws on a canvas and keeps its
// own legend, which shows the day's value under the pointer.

import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";

export interface ChartProps {
  title: string;
  days: number[];              // x: each day's first second (UTC, seconds)
  values: (number | null)[];   // y: null where the day has no value
  unit: string;                // the legend's unit: "", " s", " %"
  color: string;
  bars?: boolean;
  max?: number;                // a fixed top (CSAT: 5, occupancy: 100); else the data's, with room
  testid: string;
}

export function Chart(props: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const fmt = (v: number | null) => (v === null || v === undefined ? "—" : `${+v.toFixed(2)}${props.unit}`);
    const opts: uPlot.Options = {
      width: Math.max(260, el.clientWidth),
      height: 170,
      legend: { show: true, live: true },
      cursor: { points: { size: 7 } },
      scales: {
        // Half a day of room at each end, so the first and last bars are whole.
        x: { time: true, range: (_u, min, max) => [min - 43_200, max + 43_200] },
        y: { range: (_u, min, max) => [Math.min(0, min), props.max ?? (max > 0 ? max * 1.15 : 1)] },
      },
      axes: [
        { stroke: "#64748b", grid: { stroke: "#eef2f7" }, ticks: { stroke: "#e2e8f0" }, font: "11px system-ui" },
        { stroke: "#64748b", grid: { stroke: "#eef2f7" }, ticks: { stroke: "#e2e8f0" }, font: "11px system-ui",
          size: 48, values: (_u, ticks) => ticks.map((t) => `${+t.toFixed(1)}${props.unit.trim()}`) },
      ],
      series: [
        { label: "Day", value: (_u, t) => (t === null ? "—" : new Date(t * 1000).toISOString().slice(0, 10)) },
        {
          label: props.title, stroke: props.color, width: 2, spanGaps: false, value: (_u, v) => fmt(v),
          fill: props.bars ? props.color + "55" : props.color + "14",
          paths: props.bars ? uPlot.paths.bars!({ size: [0.7, 40] }) : undefined,
          points: { show: !props.bars, size: 4 },
        },
      ],
    };
    const plot = new uPlot(opts, [props.days, props.values], el);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(260, el.clientWidth), height: 170 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [props.days, props.values]);
  return (
    <figure class="dash-chart" data-testid={props.testid}>
      <figcaption>{props.title}</figcaption>
      <div ref={box} class="dash-chart-box" role="img" aria-label={`${props.title}, one value per day`} />
    </figure>
  );
}
