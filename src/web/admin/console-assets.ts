import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type Asset, asset } from '../asset-versions.js';

const JS = 'text/javascript; charset=utf-8';
const here = (file: string) => readFileSync(new URL(file, import.meta.url));

/** chart.js's browser build, from the installed package: the console never loads scripts from elsewhere. */
const chartBuild = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');

/**
 * The console's stylesheet and scripts, each linked at a URL carrying its content's hash. None
 * holds anything private, so they are served without a session and may be kept by any cache.
 */
export const CONSOLE_ASSETS = {
  css: asset('/admin/static/admin.css', 'text/css; charset=utf-8', here('./admin.css')),
  chart: asset('/admin/static/chart.umd.min.js', JS, readFileSync(chartBuild)),
  reports: asset('/admin/static/reports.js', JS, here('./static/reports.js')),
  skm: asset('/admin/static/skm.js', JS, here('./static/skm.js')),
} as const satisfies Record<string, Asset>;
