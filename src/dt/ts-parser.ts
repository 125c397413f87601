/**
 * The tree-sitter DTS parser (web-tree-sitter + tree-sitter-devicetree's
 * wasm grammar). Loading wasm is asynchronous and costly, so it happens once
 * per process and the parser is shared; parsing itself is synchronous.
 *
 * Where the two wasm files are is the embedder's business: under Node,
 * web-tree-sitter's beside its module and the grammar in ridmap's dist/ (the
 * default); a web page bundles them as assets and says where they went with
 * configureDtsParser() before the first parse.
 */
import type { Parser } from 'web-tree-sitter';

export interface DtsParserAssets {
  /** Where web-tree-sitter finds its own `tree-sitter.wasm` (default: beside its script). */
  locateFile?: (name: string, scriptDirectory: string) => string;
  /** The devicetree grammar: a URL to fetch, or its bytes (default: tree-sitter-devicetree's, from node_modules). */
  grammar?: string | Uint8Array;
}

let assets: DtsParserAssets = {};
let parser: Promise<Parser> | undefined;

/** Sets where the wasm files are; takes effect at the next load (a parser already loaded is dropped). */
export function configureDtsParser(given: DtsParserAssets): void {
  assets = { ...given };
  parser = undefined;
}

/** The grammar's file name, in tree-sitter-devicetree and in dist/ (scripts/vendor-grammar.mjs). */
const GRAMMAR_FILE = 'tree-sitter-devicetree.wasm';

/**
 * The grammar installed with ridmap: the build copies it to dist/, one level
 * above this module and above the bundled CLI (dist/bin/), so an installed
 * package needs no tree-sitter-devicetree (a native binding with an install
 * script); running from source (tests), the devDependency's. Node-only: the
 * imports are dynamic so that a browser bundle, which configures its own
 * grammar, never runs them.
 */
async function installedGrammar(): Promise<string> {
  const [{ existsSync }, { fileURLToPath }, { createRequire }] = await Promise.all([import('node:fs'), import('node:url'), import('node:module')]);
  const shipped = fileURLToPath(new URL(`../${GRAMMAR_FILE}`, import.meta.url));
  return existsSync(shipped) ? shipped : createRequire(import.meta.url).resolve(`tree-sitter-devicetree/${GRAMMAR_FILE}`);
}

async function load(): Promise<Parser> {
  // Imported here, not at the top: most runs never parse DTS, and resolving and
  // compiling web-tree-sitter is a good part of a small decode's start-up.
  const { Language, Parser } = await import('web-tree-sitter');
  const { locateFile, grammar } = assets;
  await Parser.init(locateFile ? { locateFile } : undefined);
  const p = new Parser();
  p.setLanguage(await Language.load(grammar ?? (await installedGrammar())));
  return p;
}

export function dtsParser(): Promise<Parser> {
  parser ??= load().catch((e: unknown) => {
    parser = undefined;
    throw e;
  });
  return parser;
}
