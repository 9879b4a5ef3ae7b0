// Charts drawn as inline SVG with preact: horizontal bars for scores by group, a line for the
// score trend. Sized to their container (measured), so text stays readable on a phone.
import { html } from '../lib/html.js';
import { useEffect, useRef, useState } from '../vendor/hooks.mjs';
import { formatScore } from '../lib/util.js';

/**
 * The width of an element, kept up to date.
 * @param {number} initial
 * @returns {[import('../vendor/preact.mjs').RefObject<HTMLDivElement>, number]}
 */
function useWidth(initial) {
  const ref = useRef(/** @type {HTMLDivElement | null} */ (null));
  const [width, setWidth] = useState(initial);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setWidth(Math.max(240, Math.floor(el.getBoundingClientRect().width)));
    measure();
    if (typeof ResizeObserver === 'function') {
      const observer = new ResizeObserver(measure);
      observer.observe(el);
      return () => observer.disconnect();
    }
    window.addEventListener('resize', measure);
    return () => window.removeEventListener('resize', measure);
  }, []);
  return [/** @type {any} */ (ref), width];
}

/**
 * @param {number} score out of 10
 * @returns {string}
 */
function tone(score) {
  return score >= 7 ? 'good' : score >= 4 ? 'mid' : 'low';
}

/**
 * @param {string} text
 * @param {number} max characters
 */
function clip(text, max) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * Horizontal bars, one per group, on a 0-10 scale.
 * @param {{ title: string, rows: Array<{ label: string, score: number, note: string }>, id: string }} props
 */
export function BarChart({ title, rows, id }) {
  const [ref, width] = useWidth(560);
  const rowHeight = 34;
  const labelWidth = Math.min(180, Math.round(width * 0.36));
  const valueWidth = 44;
  const barWidth = Math.max(60, width - labelWidth - valueWidth - 8);
  const height = rows.length * rowHeight + 22;
  const maxChars = Math.max(8, Math.floor(labelWidth / 7.4));
  const summary = rows.map((r) => `${r.label}: ${formatScore(r.score)} / 10 (${r.note})`).join('; ');
  return html`<figure class="chart" ref=${ref}>
    <figcaption id=${`${id}-title`}>${title}</figcaption>
    <svg width=${width} height=${height} viewBox=${`0 0 ${width} ${height}`} role="img"
      aria-labelledby=${`${id}-title ${id}-desc`} class="chart-svg">
      <desc id=${`${id}-desc`}>${summary}</desc>
      ${[0, 5, 10].map((tick) => {
        const x = labelWidth + (barWidth * tick) / 10;
        return html`<g class="tick">
          <line x1=${x} x2=${x} y1="0" y2=${height - 18} />
          <text x=${x} y=${height - 4} text-anchor="middle">${tick}</text>
        </g>`;
      })}
      ${rows.map((row, i) => {
        const y = i * rowHeight;
        const w = Math.max(2, (barWidth * Math.min(10, Math.max(0, row.score))) / 10);
        return html`<g class="bar-row">
          <title>${`${row.label}: ${formatScore(row.score)} / 10 (${row.note})`}</title>
          <text class="bar-label" x=${labelWidth - 10} y=${y + rowHeight / 2 + 4} text-anchor="end">${clip(row.label, maxChars)}</text>
          <rect class="bar-track" x=${labelWidth} y=${y + 8} width=${barWidth} height=${rowHeight - 16} rx="4" />
          <rect class=${`bar bar-${tone(row.score)}`} x=${labelWidth} y=${y + 8} width=${w} height=${rowHeight - 16} rx="4" />
          <text class="bar-value" x=${labelWidth + barWidth + 8} y=${y + rowHeight / 2 + 4}>${formatScore(row.score)}</text>
        </g>`;
      })}
    </svg>
  </figure>`;
}

/**
 * Scores over time, oldest on the left.
 * @param {{ title: string, points: Array<{ label: string, score: number, href: string }>, id: string, emptyText: string }} props
 */
export function TrendChart({ title, points, id, emptyText }) {
  const [ref, width] = useWidth(640);
  const height = 220;
  const pad = { left: 34, right: 16, top: 22, bottom: 34 };
  const inset = 28;
  const innerW = width - pad.left - pad.right;
  const innerH = height - pad.top - pad.bottom;
  const x = (/** @type {number} */ i) =>
    pad.left + inset + (points.length <= 1 ? (innerW - 2 * inset) / 2 : ((innerW - 2 * inset) * i) / (points.length - 1));
  const y = (/** @type {number} */ score) => pad.top + innerH - (innerH * Math.min(10, Math.max(0, score))) / 10;
  const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(p.score).toFixed(1)}`).join(' ');
  const longest = Math.max(0, ...points.map((p) => p.label.length));
  const labelEvery = Math.max(1, Math.ceil(points.length / Math.max(1, Math.floor(innerW / Math.max(70, longest * 7.5)))));
  const summary = points.map((p) => `${p.label}: ${formatScore(p.score)}`).join('; ');
  return html`<figure class="chart" ref=${ref}>
    <figcaption id=${`${id}-title`}>${title}</figcaption>
    ${points.length === 0
      ? html`<p class="empty">${emptyText}</p>`
      : html`<svg width=${width} height=${height} viewBox=${`0 0 ${width} ${height}`} role="img"
          aria-labelledby=${`${id}-title ${id}-desc`} class="chart-svg trend">
          <desc id=${`${id}-desc`}>${summary}</desc>
          ${[0, 2, 4, 6, 8, 10].map(
            (tick) => html`<g class="tick">
              <line x1=${pad.left} x2=${width - pad.right} y1=${y(tick)} y2=${y(tick)} />
              <text x=${pad.left - 8} y=${y(tick) + 4} text-anchor="end">${tick}</text>
            </g>`,
          )}
          <path class="trend-line" d=${path} />
          ${points.map(
            (p, i) => html`<g class="trend-point">
              <title>${`${p.label}: ${formatScore(p.score)} / 10`}</title>
              <circle cx=${x(i)} cy=${y(p.score)} r="5" class=${`dot-${tone(p.score)}`} />
              <text class="point-value" x=${x(i)} y=${y(p.score) - 10} text-anchor="middle">${formatScore(p.score)}</text>
              ${i % labelEvery === 0 || i === points.length - 1
                ? html`<text class="point-label" x=${x(i)} y=${height - 10} text-anchor="middle">${p.label}</text>`
                : null}
            </g>`,
          )}
        </svg>`}
  </figure>`;
}
