// The app shell: what the service worker precaches must be complete, current and local.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import en from '../src/i18n/en.js';
import { weuiClassesInApp } from '../vendor/refresh.mjs';
import zh from '../src/i18n/zh-CN.js';

const PWA = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const read = (p) => readFileSync(join(PWA, p), 'utf8');

function precache() {
  const sandbox = { self: {} };
  new Function('self', read('precache-manifest.js'))(sandbox.self);
  return sandbox.self.PRECACHE;
}

function importMap() {
  const m = /<script type="importmap">([\s\S]*?)<\/script>/.exec(read('index.html'));
  return JSON.parse(m[1]).imports;
}

const walk = (dir) => readdirSync(join(PWA, dir)).flatMap((name) => {
  const path = join(dir, name);
  return statSync(join(PWA, path)).isDirectory() ? walk(path) : [path];
});

test('the precache manifest is up to date (run python3 pwa/build_manifest.py)', () => {
  execFileSync('python3', [join(PWA, 'build_manifest.py'), '--check'], { stdio: 'pipe' });
  const { version, files } = precache();
  assert.match(version, /^[0-9a-f]{16}$/);
  assert.ok(files['index.html'] && files['src/app.js'] && files['vendor/weui.min.css']);
  assert.ok(!Object.keys(files).some((f) => f.startsWith('tests/') || f.endsWith('.py') || f === 'sw.js'));
});

test('every module the app imports is in the precache, so the second visit works offline', () => {
  const { files } = precache();
  const map = importMap();
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    assert.ok(files[file], `${file} is imported but not precached`);
    // Usage examples in a library's doc comments are not imports.
    const source = read(file).replace(/\/\*[\s\S]*?\*\//g, '');
    for (const [, spec] of source.matchAll(/(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/g)) {
      const target = spec.startsWith('.') ? relative(PWA, resolve(PWA, dirname(file), spec)) : map[spec]?.replace(/^\.\//, '');
      assert.ok(target, `${file}: bare import ${spec} is not in the import map`);
      visit(target);
    }
  };
  visit('src/app.js');
  for (const asset of ['manifest.webmanifest', 'app.css', 'vendor/weui.min.css']) assert.ok(files[asset], asset);
});

test('nothing loads from another origin (no CDN)', () => {
  const html = read('index.html');
  assert.ok(!/(src|href)="(https?:)?\/\//.test(html), 'index.html references another origin');
  for (const target of Object.values(importMap())) assert.ok(target.startsWith('./vendor/'), target);
  for (const file of walk('src')) {
    assert.ok(!/from\s*['"]https?:/.test(read(file)), `${file} imports from the network`);
  }
});

test('the vendored files are exactly the pinned versions', () => {
  execFileSync('node', [join(PWA, 'vendor/refresh.mjs'), '--check'], { stdio: 'pipe' });
});

test('WeUI was purged for every WeUI class the app uses (else run node pwa/vendor/refresh.mjs)', () => {
  const { weui } = JSON.parse(read('vendor/VERSIONS.json'));
  const missing = weuiClassesInApp().filter((c) => !weui.kept_for.includes(c));
  assert.deepEqual(missing, []);
  assert.ok(weui.kept_for.includes('weui-btn_primary') && read('vendor/weui.min.css').includes('.weui-btn_primary'));
});

test('the web app manifest is installable: icons exist in 192 and 512, any and maskable', () => {
  const manifest = JSON.parse(read('manifest.webmanifest'));
  assert.equal(manifest.display, 'standalone');
  const seen = new Set();
  for (const icon of manifest.icons) {
    const png = readFileSync(join(PWA, icon.src));
    assert.equal(png.readUInt32BE(0), 0x89504e47, `${icon.src} is a PNG`);
    const [w, h] = [png.readUInt32BE(16), png.readUInt32BE(20)];
    assert.equal(`${w}x${h}`, icon.sizes, icon.src);
    seen.add(`${icon.sizes} ${icon.purpose}`);
  }
  for (const need of ['192x192 any', '512x512 any', '192x192 maskable', '512x512 maskable']) assert.ok(seen.has(need), need);
});

test('the service worker never handles the API and never skips waiting on its own', () => {
  const sw = read('sw.js');
  assert.match(sw, /api\//);
  const skips = [...sw.matchAll(/skipWaiting\(\)/g)];
  assert.equal(skips.length, 1);
  assert.match(sw, /SKIP_WAITING'\) self\.skipWaiting\(\)/);
  assert.ok(existsSync(join(PWA, 'precache-manifest.js')));
});

test('English has every key of Chinese and no extra ones (besides its singulars, `_one`)', () => {
  const singular = (k) => k.endsWith('_one') && !(k in zh);
  assert.deepEqual(Object.keys(en).filter((k) => !singular(k)).sort(), Object.keys(zh).sort());
  for (const k of Object.keys(en).filter(singular)) assert.ok(k.slice(0, -4) in en, `${k} without its plural`);
});

test('English says 1 day, 2 days', async () => {
  const { setLang, t, listJoin } = await import('../src/i18n/index.js');
  setLang('en');
  try {
    assert.equal(t('today.days_overdue', { n: 1 }), '1 day overdue');
    assert.equal(t('today.days_overdue', { n: 14 }), '14 days overdue');
    assert.equal(listJoin(['left-behind child', 'orphan']), 'left-behind child, orphan');
  } finally {
    setLang('zh-CN');
  }
  assert.equal(listJoin(['农村留守儿童', '孤儿']), '农村留守儿童、孤儿');
});
