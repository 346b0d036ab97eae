#!/usr/bin/env bash
# Refresh the pinned plotting libraries the live explorers use (book/_static/explorers/vendor/) from the
# npm registry: d3-array and d3-contour, their UMD builds and their licences. Run it to change a version,
# then commit the result; the book build itself never downloads anything.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSIONS=("d3-array@3.2.5" "d3-contour@4.0.3")
target=book/_static/explorers/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for spec in "${VERSIONS[@]}"; do
    name=${spec%@*}
    (cd "$work" && npm pack --silent "$spec" >/dev/null && mkdir -p "$name" && tar xzf "$name"-*.tgz -C "$name")
    cp "$work/$name/package/dist/$name.min.js" "$target/"
    cp "$work/$name/package/LICENSE" "$target/LICENSE-$name.txt"
done
printf '%s\n' "${VERSIONS[@]}" > "$target/VERSIONS.txt"
echo "vendored: ${VERSIONS[*]}"
