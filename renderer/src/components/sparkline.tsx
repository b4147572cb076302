import { memo } from 'react';
import { sparklinePoints } from './format';

const WIDTH = 96;
const HEIGHT = 20;

/** The last minute of a number as a tiny line: a plain SVG polyline, cheap enough for every row every second. */
export const Sparkline = memo(function Sparkline({ values, label }: { values: readonly number[]; label: string }) {
  if (values.length < 2) return <span className="sparkline-empty" aria-hidden="true" />;
  return (
    <svg className="sparkline" width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label}>
      <polyline points={sparklinePoints(values, WIDTH, HEIGHT)} fill="none" strokeWidth="1.5" vectorEffect="non-scaling-stroke" />
    </svg>
  );
});
