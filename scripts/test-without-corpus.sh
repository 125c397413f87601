#!/usr/bin/env bash
# Runs the test suites that read the shared corpus (../shared/corpus) in a copy of
# the tree that has no ../shared beside it, as anyone who clones the project has.
# Each such suite must skip its corpus tests, saying why, and pass the rest; one
# that opens a corpus file while loading (or in a test that does not skip) fails
# here, and so does this script (vitest exits non-zero on a suite that errors at load).
#
# Only the suites that reference the corpus run (found by grep below), not the
# whole suite: the rest do not depend on ../shared, and the whole suite is slow.
# Suites that drive Chromium (launchChromium) are only loaded (`vitest list`,
# which fails on a suite that errors at load, as `run` does): running them
# takes longer than all the others together, and the main run covers them.
# The copy holds the tracked and untracked-but-not-ignored files, plus dist/
# (copied, not linked: a linked dist would resolve ../shared from here); node_modules
# is linked.
set -euo pipefail
cd "$(dirname "$0")/.."
src=$(pwd)

# What a suite uses to reach the corpus: test/support/paths.ts, test/acpi/corpus.ts,
# test/fixtures/iort/corpus.ts, src/fuzz/seeds.ts, or the path itself.
pattern="CORPUS_DIR|HAVE_CORPUS|corpusRoot|corpusPresent|CORPUS_ROOT|shared/corpus|/corpus\\.js'"
mapfile -t all < <(grep -rlE "$pattern" test src --include='*.test.ts' | sort)
if [ "${#all[@]}" -eq 0 ]; then
  echo "test-without-corpus: no suite references the corpus (pattern: $pattern)" >&2
  exit 1
fi
suites=()
browser=()
for f in "${all[@]}"; do
  if grep -q launchChromium "$f"; then browser+=("$f"); else suites+=("$f"); fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dst="$tmp/ridmap"
mkdir "$dst"
git ls-files -z --cached --others --exclude-standard | tar -C "$src" --null -T - -cf - | tar -C "$dst" -xf -
# A node_modules symlink (as in a worktree) shows up in ls-files --others; replace it with one to the real directory.
rm -rf "$dst/node_modules"
ln -s "$(readlink -f "$src/node_modules")" "$dst/node_modules"
if [ -d "$src/dist" ]; then cp -R "$src/dist" "$dst/dist"; fi
if [ -e "$tmp/shared" ]; then
  echo "test-without-corpus: $tmp/shared exists" >&2
  exit 1
fi

echo "test-without-corpus: ${#suites[@]} suites run, ${#browser[@]} loaded only, in $dst (no ../shared)"
cd "$dst"
if [ "${#browser[@]}" -gt 0 ]; then npx vitest list "${browser[@]}" >/dev/null; fi
npx vitest run "${suites[@]}"
