/**
 * The tree-sitter DTS parser (web-tree-sitter + tree-sitter-devicetree's
 * wasm grammar). Loading wasm is asynchronous and costly, so it happens once
 * per process and the parser is shared; parsing itself is synchronous.
 */
import { createRequire } from 'node:module';
import { Language, Parser } from 'web-tree-sitter';

let parser: Promise<Parser> | undefined;

async function load(): Promise<Parser> {
  await Parser.init();
  const wasm = createRequire(import.meta.url).resolve('tree-sitter-devicetree/tree-sitter-devicetree.wasm');
  const p = new Parser();
  p.setLanguage(await Language.load(wasm));
  return p;
}

export function dtsParser(): Promise<Parser> {
  parser ??= load().catch((e: unknown) => {
    parser = undefined;
    throw e;
  });
  return parser;
}
