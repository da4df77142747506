// Reads the `@causeway/*` path aliases from tsconfig.base.json once, for Jest and the build.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

function aliases() {
  const tsconfig = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8'));
  return Object.fromEntries(
    Object.entries(tsconfig.compilerOptions.paths).map(([alias, [target]]) => [alias, target]),
  );
}

function pathsToModuleNameMapper() {
  return Object.fromEntries(
    Object.entries(aliases()).map(([alias, target]) => [`^${alias}$`, `<rootDir>/${target}`]),
  );
}

module.exports = { root, aliases, pathsToModuleNameMapper };
