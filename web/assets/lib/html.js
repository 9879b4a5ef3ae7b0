// htm bound to preact's h: templates that build virtual DOM nodes. Values interpolated into a
// template become text nodes or properties, never parsed as HTML.
import { h } from '../vendor/preact.mjs';
import htm from '../vendor/htm.mjs';

/** @typedef {import('../vendor/preact.mjs').VNode<any>} Node */

/** @type {(strings: TemplateStringsArray, ...values: any[]) => Node} */
export const html = /** @type {any} */ (htm.bind(h));
