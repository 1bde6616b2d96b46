#!/usr/bin/env node
// Refresh the vendored third-party ES modules from the npm registry.
//
//   node pwa/vendor/refresh.mjs           re-download the pinned versions below
//   node pwa/vendor/refresh.mjs --check   verify the committed files match the pins
//
// The PWA has no build step and must load with no network, so its libraries are
// self-hosted here (a CDN import breaks the first offline load). `npm pack` checks each
// tarball against the registry's integrity hash; we record that hash in VERSIONS.json.
// To upgrade: change a version in PINS, run this script, run the tests, commit.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

// The version is in the file name: a cached copy can never be mistaken for another version.
export const ECHARTS_VERSION = '6.1.0';
export const ECHARTS_FILE = `lazy/echarts-${ECHARTS_VERSION}.esm.min.js`;

// Tools that shrink two pins for the worker's shell (DESIGN §6: 150 KB gzip). Their output is
// what is committed and hashed; --check needs neither.
const TERSER = 'terser@5.51.4';
const PURGECSS = 'purgecss@8.0.0';
// What PurgeCSS reads to decide which WeUI rules the app uses. The WeUI classes it saw are
// recorded, and tests/shell.test.js fails on a class added since, until this script is run again.
const APP_SOURCES = ['src/**/*.js', '*.html', '*.js'];

export function weuiClassesInApp() {
  const root = join(HERE, '..');
  const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    (e.isDirectory() ? walk(join(dir, e.name)) : /\.js$/.test(e.name) ? [join(dir, e.name)] : []));
  const top = readdirSync(root).filter((f) => /\.(html|js)$/.test(f)).map((f) => join(root, f));
  const found = new Set();
  for (const file of [...walk(join(root, 'src')), ...top]) {
    for (const [name] of readFileSync(file, 'utf8').matchAll(/weui-[A-Za-z0-9_-]+/g)) found.add(name);
  }
  return [...found].sort();
}

// package -> version, and which files of its tarball become which vendored file; `shrink`:
// 'minify' (noble ships its sources with their full API documentation) or 'purge'.
export const PINS = {
  preact: {
    version: '10.29.8',
    files: {
      'package/dist/preact.module.js': 'preact.module.js',
      'package/hooks/dist/hooks.module.js': 'preact-hooks.module.js',
      'package/LICENSE': 'licenses/preact.LICENSE',
    },
  },
  htm: {
    version: '3.1.1',
    files: {
      'package/dist/htm.module.js': 'htm.module.js',
      'package/preact/index.module.js': 'htm-preact.module.js',
      'package/LICENSE': 'licenses/htm.LICENSE',
    },
  },
  idb: {
    version: '8.0.4',
    files: {
      'package/build/index.js': 'idb.js',
      'package/LICENSE': 'licenses/idb.LICENSE',
    },
  },
  // Apache ECharts for the supervisors' statistics only: a dynamic import from vendor/lazy/, outside
  // the precache (sw.js caches it on first use), so the grid worker's shell stays small.
  echarts: {
    version: ECHARTS_VERSION,
    files: {
      'package/dist/echarts.esm.min.js': ECHARTS_FILE,
      'package/LICENSE': 'licenses/echarts.LICENSE',
      'package/NOTICE': 'licenses/echarts.NOTICE',
      'package/licenses/LICENSE-d3': 'licenses/echarts-d3.LICENSE',
    },
  },
  // XChaCha20-Poly1305 that runs synchronously: records are sealed and opened inside IndexedDB
  // transactions, which cannot wait for WebCrypto (pwa/src/lock/sealed.js).
  '@noble/ciphers': {
    version: '2.4.0',
    shrink: 'minify',
    files: {
      'package/chacha.js': 'noble-ciphers/chacha.js',
      'package/_arx.js': 'noble-ciphers/_arx.js',
      'package/_poly1305.js': 'noble-ciphers/_poly1305.js',
      'package/utils.js': 'noble-ciphers/utils.js',
      'package/LICENSE': 'licenses/noble-ciphers.LICENSE',
    },
  },
  weui: {
    version: '2.6.26',
    shrink: 'purge',
    files: {
      'package/dist/style/weui.min.css': 'weui.min.css',
      'package/LICENSE.txt': 'licenses/weui.LICENSE',
    },
  },
};

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

// Source-map comments point at files we do not ship; devtools would request them.
function stripSourceMap(name, buf) {
  if (!/\.(js|css)$/.test(name)) return buf;
  const text = buf.toString('utf8')
    .replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n')
    .replace(/\n?\/\*# sourceMappingURL=\S+ \*\/\s*$/, '\n');
  return Buffer.from(text, 'utf8');
}

function pack(name, version, dest) {
  const out = execFileSync('npm', ['pack', `${name}@${version}`, '--json', '--pack-destination', dest],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const [info] = JSON.parse(out);
  return { tarball: join(dest, info.filename), integrity: info.integrity };
}

function npmExec(tool, args) {
  execFileSync('npm', ['exec', '--yes', `--package=${tool}`, '--', tool.split('@')[0], ...args],
    { stdio: ['ignore', 'inherit', 'inherit'], cwd: join(HERE, '..') });
}

// Rewrites the vendored file in place. Licence comments (/*! ... */) stay.
function shrink(how, path) {
  if (how === 'minify' && path.endsWith('.js')) {
    npmExec(TERSER, [path, '--module', '--compress', '--mangle', '--comments', 'some', '--output', path]);
  } else if (how === 'purge' && path.endsWith('.css')) {
    npmExec(PURGECSS, ['--css', path, '--content', ...APP_SOURCES, '--output', dirname(path)]);
  }
}

function extract(tarball, member) {
  return execFileSync('tar', ['-xzOf', tarball, member], { maxBuffer: 64 << 20 });
}

function refresh() {
  const tmp = mkdtempSync(join(tmpdir(), 'humiao-vendor-'));
  const versions = {};
  try {
    for (const [name, pin] of Object.entries(PINS)) {
      const { tarball, integrity } = pack(name, pin.version, tmp);
      const files = {};
      for (const [member, target] of Object.entries(pin.files)) {
        const body = stripSourceMap(target, extract(tarball, member));
        const path = join(HERE, target);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, body);
        if (pin.shrink) shrink(pin.shrink, path);
        files[target] = sha256(readFileSync(path));
      }
      versions[name] = { version: pin.version, integrity, files };
      if (pin.shrink === 'purge') versions[name].kept_for = weuiClassesInApp();
      console.log(`${name}@${pin.version}: ${Object.keys(files).length} files`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  writeFileSync(join(HERE, 'VERSIONS.json'), JSON.stringify(versions, null, 2) + '\n');
  console.log('Now run: python3 pwa/build_manifest.py && node --test pwa/tests/');
}

function check() {
  const versions = JSON.parse(readFileSync(join(HERE, 'VERSIONS.json'), 'utf8'));
  let ok = true;
  for (const [name, pin] of Object.entries(PINS)) {
    const rec = versions[name];
    if (!rec || rec.version !== pin.version) {
      console.error(`${name}: pinned ${pin.version}, VERSIONS.json has ${rec?.version}`);
      ok = false;
      continue;
    }
    for (const [target, hash] of Object.entries(rec.files)) {
      const path = join(HERE, target);
      if (!existsSync(path) || sha256(readFileSync(path)) !== hash) {
        console.error(`${target}: missing or changed by hand`);
        ok = false;
      }
    }
  }
  console.log(ok ? 'vendored files match VERSIONS.json' : 'run node pwa/vendor/refresh.mjs');
  process.exitCode = ok ? 0 : 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) check();
  else refresh();
}
