import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

/** One line of a chart. */
export interface ChartSeries {
  label: string;
  values: Array<number | null>;
  stroke: string;
  /** How the legend and axis print a value. */
  format?: (value: number) => string;
}

/** Tick steps of a count axis: whole numbers only. */
const WHOLE_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 1_000_000];

/**
 * A uPlot line chart over time (x: seconds since the epoch); redrawn when its data changes. The y
 * axis starts at 0 and reaches at least `yMaxAtLeast`, so an empty or flat window still reads right.
 */
export function TimeSeriesChart({ title, times, series, testId, yMaxAtLeast, whole }: { title: string; times: number[]; series: ChartSeries[]; testId?: string; yMaxAtLeast: number; whole?: boolean }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const format = series[0]?.format;
    const plot = new uPlot(
      {
        title,
        width: Math.max(320, element.clientWidth || 640),
        height: 200,
        scales: { x: { time: true }, y: { range: (_plot: uPlot, _min: number, max: number) => [0, Math.max(yMaxAtLeast, Number.isFinite(max) ? max * 1.1 : 0)] } },
        series: [
          {},
          ...series.map((s) => ({
            label: s.label,
            stroke: s.stroke,
            width: 1.5,
            // A step with nothing counted has no rate: a gap, not a zero.
            spanGaps: false,
            // Dots as well as lines: a step between two empty ones is a lone point, drawn by no line.
            points: { show: true, size: 4 },
            value: (_plot: uPlot, value: number | null) => (value === null || value === undefined ? '–' : (s.format ?? String)(value)),
          })),
        ],
        axes: [{}, { values: (_plot: uPlot, ticks: number[]) => ticks.map((t) => (format ? format(t) : String(t))), size: 86, ...(whole ? { incrs: WHOLE_STEPS } : {}) }],
      },
      [times, ...series.map((s) => s.values)] as uPlot.AlignedData,
      element,
    );
    return () => plot.destroy();
  }, [title, times, series, yMaxAtLeast, whole]);
  return <div class="chart" ref={host} data-testid={testId} />;
}
