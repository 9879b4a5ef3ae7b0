// Copies the ES module builds of preact, preact/hooks and htm into assets/vendor/, with their
// bare import specifiers turned into relative paths, so the browser loads them with no bundler.
// Run after changing their versions in package.json: `npm run vendor`.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(web, 'assets', 'vendor');
mkdirSync(out, { recursive: true });

/** @param {string} pkg */
const version = (pkg) => JSON.parse(readFileSync(join(web, 'node_modules', pkg, 'package.json'), 'utf8')).version;

const files = [
  { from: 'preact/dist/preact.mjs', to: 'preact.mjs', pkg: 'preact' },
  { from: 'preact/hooks/dist/hooks.mjs', to: 'hooks.mjs', pkg: 'preact' },
  { from: 'htm/dist/htm.module.js', to: 'htm.mjs', pkg: 'htm' },
];
for (const { from, to, pkg } of files) {
  let text = readFileSync(join(web, 'node_modules', from), 'utf8');
  text = text.replace(/from\s*"preact"/g, 'from"./preact.mjs"').replace(/\/\/# sourceMappingURL=.*$/m, '');
  const header = `/* ${pkg} ${version(pkg)} (MIT), vendored from node_modules/${from} by tools/vendor.js */\n`;
  writeFileSync(join(out, to), header + text.trimEnd() + '\n');
}
console.log('vendored', files.map((f) => f.to).join(', '));
