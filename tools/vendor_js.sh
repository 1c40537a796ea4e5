#!/bin/sh
# Re-create orthofit/app/static/vendor/ from the npm registry at the pinned versions.
# The app loads these files from its own server: it works with no internet.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack --silent htmx.org@2.0.11 three@0.187.0 >/dev/null
for f in *.tgz; do mkdir "${f%.tgz}"; tar xzf "$f" -C "${f%.tgz}"; done
v="$here/orthofit/app/static/vendor"
mkdir -p "$v/htmx-2.0.11" "$v/three-0.187.0"
cp htmx.org-2.0.11/package/dist/htmx.min.js htmx.org-2.0.11/package/LICENSE "$v/htmx-2.0.11/"
p=three-0.187.0/package
cp $p/build/three.module.js $p/build/three.core.js $p/examples/jsm/controls/OrbitControls.js \
   $p/examples/jsm/loaders/STLLoader.js $p/LICENSE "$v/three-0.187.0/"
sha256sum "$v"/*/* 
