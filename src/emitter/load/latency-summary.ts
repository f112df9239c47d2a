import type { Histogram } from 'hdr-histogram-js';
import type { LatencySummary } from './load-types.js';

/** Percentiles in milliseconds of a histogram recorded in microseconds. */
export function latencySummary(histogram: Histogram): LatencySummary {
  const ms = (micros: number): number => Math.round(micros) / 1000;
  const count = histogram.totalCount;
  return {
    count,
    p50: count ? ms(histogram.getValueAtPercentile(50)) : 0,
    p90: count ? ms(histogram.getValueAtPercentile(90)) : 0,
    p99: count ? ms(histogram.getValueAtPercentile(99)) : 0,
    p999: count ? ms(histogram.getValueAtPercentile(99.9)) : 0,
    max: count ? ms(histogram.maxValue) : 0,
    mean: count ? ms(histogram.mean) : 0,
  };
}
