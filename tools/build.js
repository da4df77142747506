#!/usr/bin/env node
// Compiles apps/*/src and libs/*/src to dist/ with swc (a second or two, no type check: `npm run
// typecheck` does that). `@causeway/*` imports are rewritten to relative paths by swc's `paths`.
const fs = require('node:fs');
const path = require('node:path');
const swc = require('@swc/core');
const { root, aliases } = require('./paths');

const outDir = path.join(root, 'dist');
const swcrc = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));
const paths = Object.fromEntries(Object.entries(aliases()).map(([alias, target]) => [alias, [target]]));

function sources(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'e2e' ? [] : sources(full);
    return /\.ts$/.test(entry.name) && !/\.(spec|int-spec|e2e-spec|type-test)\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts')
      ? [full]
      : [];
  });
}

async function main() {
  const started = Date.now();
  const projects = ['apps', 'libs'].flatMap((top) =>
    fs.existsSync(path.join(root, top)) ? fs.readdirSync(path.join(root, top)).map((name) => path.join(root, top, name, 'src')) : [],
  );
  const files = projects.flatMap(sources);
  await Promise.all(
    files.map(async (file) => {
      const { code, map } = await swc.transformFile(file, {
        ...swcrc,
        swcrc: false,
        filename: file,
        jsc: { ...swcrc.jsc, baseUrl: root, paths },
        sourceMaps: true,
      });
      const out = path.join(outDir, path.relative(root, file)).replace(/\.ts$/, '.js');
      await fs.promises.mkdir(path.dirname(out), { recursive: true });
      await fs.promises.writeFile(out, `${code}\n//# sourceMappingURL=${path.basename(out)}.map\n`);
      if (map) await fs.promises.writeFile(`${out}.map`, map);
    }),
  );
  console.log(`built ${files.length} files into dist/ in ${Date.now() - started} ms`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
