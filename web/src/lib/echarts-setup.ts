// The parts of ECharts the portal draws with. Imported only through loadECharts() (charts.ts),
// so all of this lands in one on-demand chunk; add a chart type or component here when a page
// needs it, and only what is listed is bundled.
import * as echarts from 'echarts/core';
import { BarChart, PieChart } from 'echarts/charts';
import {
  AriaComponent,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([
  BarChart,
  PieChart,
  AriaComponent,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
  CanvasRenderer,
]);

export default echarts;
