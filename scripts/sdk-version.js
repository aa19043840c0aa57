/**
 * The SDK package's version follows the document's info.version: writes it into sdk/package.json,
 * or with --check fails when they differ.
 */
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const documentVersion = JSON.parse(readFileSync(join(root, 'openapi', 'openapi.json'), 'utf8')).info.version;
const packageFile = join(root, 'sdk', 'package.json');
const pkg = JSON.parse(readFileSync(packageFile, 'utf8'));
if (pkg.version === documentVersion) {
  console.log(`sdk/package.json is at the document's version ${documentVersion}`);
} else if (process.argv.includes('--check')) {
  console.error(`sdk/package.json is at ${pkg.version}, the document at ${documentVersion}: run \`npm run sdk\``);
  process.exit(1);
} else {
  pkg.version = documentVersion;
  writeFileSync(packageFile, `${JSON.stringify(pkg, null, 2)}\n`);
  console.log(`sdk/package.json set to ${documentVersion}`);
}
