// The parts of ECharts the policy charts use, and nothing else (bars, lines, SVG). Imported only
// through a dynamic import() from Charts.tsx, so it lands in its own chunk, loaded on the dashboard.
import { BarChart, LineChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { init, use } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

use([BarChart, LineChart, GridComponent, TooltipComponent, LegendComponent, AriaComponent, SVGRenderer]);

export { init };
