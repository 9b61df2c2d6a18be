/** Registers only the ECharts parts the dashboard uses (smaller bundle, faster start). */
import { use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { BarChart, LineChart, ScatterChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';

use([CanvasRenderer, LineChart, ScatterChart, BarChart, GridComponent, TooltipComponent, LegendComponent, DataZoomComponent, MarkLineComponent, MarkAreaComponent]);

/** Colours that read on both themes. */
export const SERIES_COLOURS = ['#2f6fde', '#e4572e', '#29a36a', '#a04fd6', '#e0a100', '#17a2b8', '#c2185b', '#6d4c41', '#607d8b', '#7cb342'];

/** Axis and text colours of the current theme, read from the CSS variables. */
export function themeColours(): { fg: string; muted: string; border: string } {
  const css = typeof getComputedStyle === 'function' ? getComputedStyle(document.documentElement) : null;
  const v = (name: string, fallback: string) => css?.getPropertyValue(name).trim() || fallback;
  return { fg: v('--fg', '#1d2330'), muted: v('--muted', '#6b7384'), border: v('--border', '#d5d9e0') };
}
