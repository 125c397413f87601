// The devicetree grammar as the installed package carries it: tree-sitter-devicetree's
// wasm, copied to dist/tree-sitter-devicetree.wasm at build. ridmap uses only the wasm
// (through web-tree-sitter); the npm package also holds a native Node binding whose
// install script (node-gyp-build) and peer dependency (the native `tree-sitter`, built
// with node-gyp where no prebuilt binary fits) a user installing ridmap would otherwise
// run. So the grammar package is a devDependency and the wasm ships in dist/, one
// directory above both dist/dt/ts-parser.js and the bundled CLI in dist/bin/, which look
// for it there (src/dt/ts-parser.ts).
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const GRAMMAR_FILE = 'tree-sitter-devicetree.wasm';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
mkdirSync(dist, { recursive: true });
copyFileSync(createRequire(import.meta.url).resolve(`tree-sitter-devicetree/${GRAMMAR_FILE}`), `${dist}${GRAMMAR_FILE}`);
