/**
 * ECharts, tree-shaken to the charts the planner draws: heat map (mosaic), bars (scores, utilisation), lines
 * (fielding curves) and custom series (pipeline timeline). ECharts was chosen over Chart.js because heat maps and
 * custom timeline series are built in, with no plug-ins to track.
 */
import { BarChart, CustomChart, HeatmapChart, LineChart } from 'echarts/charts';
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([
  BarChart,
  CustomChart,
  HeatmapChart,
  LineChart,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

const live = new Set<echarts.ECharts>();

/** Draw `option` into a new chart box appended to `parent`. */
export function chart(
  parent: HTMLElement,
  option: echarts.EChartsCoreOption,
  height = 360,
  testid?: string,
): echarts.ECharts {
  const box = document.createElement('div');
  box.className = 'chart';
  box.style.height = `${height}px`;
  if (testid) box.dataset.testid = testid;
  parent.append(box);
  const c = echarts.init(box);
  c.setOption({ animation: false, ...option });
  live.add(c);
  return c;
}

/** Dispose every chart (when the view changes). */
export function disposeCharts(): void {
  for (const c of live) c.dispose();
  live.clear();
}

addEventListener('resize', () => {
  for (const c of live) c.resize();
});

export { echarts };
