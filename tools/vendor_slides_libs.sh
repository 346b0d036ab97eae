#!/usr/bin/env bash
# Refresh the pinned reveal.js that the chapter slide decks use (book/_static/slides/reveal/) from the npm
# registry: its script, its stylesheet, the "white" theme (its fonts are inlined in the stylesheet, so it
# asks no other host for anything) and its licence. Run it to change the version, then commit the result;
# building the slides (tools/chapter_slides.py, `make slides`) never downloads anything.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION="reveal.js@6.0.2"
target=book/_static/slides/reveal
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$VERSION" >/dev/null && tar xzf reveal.js-*.tgz)
rm -rf "$target"
mkdir -p "$target/theme"
cp "$work/package/dist/reveal.js" "$work/package/dist/reveal.css" "$target/"
cp "$work/package/dist/theme/white.css" "$target/theme/"
cp "$work/package/LICENSE" "$target/LICENSE-reveal.js.txt"
if grep -qE 'url\((["'"'"']?)https?:' "$target/reveal.css" "$target/theme/white.css"; then
    echo "the vendored stylesheets load something from another host" >&2
    exit 1
fi
echo "$VERSION" > "$target/VERSION.txt"
echo "vendored: $VERSION"
