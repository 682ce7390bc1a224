#!/usr/bin/env bash
# Refresh the JavaScript the site and the server ship (they work offline, so nothing is loaded from a CDN).
# Fetches the pinned versions from the npm registry with `npm pack`, checks the registry's integrity hash
# (npm does), and copies the browser bundles with their licences into cooperative_security/site/vendor/.
#
#   scripts/update-vendor.sh                       # the pinned versions below
#   CYTOSCAPE=3.36.0 YASGUI=4.7.0 scripts/update-vendor.sh   # move to newer ones, then run the browser tests
#
# iframe-worker (mkdocs-material's author's shim) lets the documentation site's search run from file://,
# where a browser refuses Web Workers: the docs build copies it into the site (mkdocs.yml's polyfills).
set -euo pipefail
cd "$(dirname "$0")/.."

CYTOSCAPE="${CYTOSCAPE:-3.35.0}"
YASGUI="${YASGUI:-4.6.2}"
IFRAME_WORKER="${IFRAME_WORKER:-1.0.4}"
VENDOR=cooperative_security/site/vendor
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "cytoscape@$CYTOSCAPE" "@zazuko/yasgui@$YASGUI" "iframe-worker@$IFRAME_WORKER" >/dev/null)
mkdir -p "$work/cy" "$work/yg" "$work/iw"
tar xzf "$work/cytoscape-$CYTOSCAPE.tgz" -C "$work/cy"
tar xzf "$work/zazuko-yasgui-$YASGUI.tgz" -C "$work/yg"
tar xzf "$work/iframe-worker-$IFRAME_WORKER.tgz" -C "$work/iw"

rm -rf "$VENDOR/cytoscape" "$VENDOR/yasgui" "$VENDOR/iframe-worker"
mkdir -p "$VENDOR/cytoscape" "$VENDOR/yasgui" "$VENDOR/iframe-worker"
cp "$work/cy/package/dist/cytoscape.min.js" "$work/cy/package/LICENSE" "$VENDOR/cytoscape/"
cp "$work/yg/package/build/yasgui.min.js" "$work/yg/package/build/yasgui.min.css" "$VENDOR/yasgui/"
cp "$work/iw/package/shim/index.js" "$VENDOR/iframe-worker/shim.js"
cp "$work/iw/package/LICENSE" "$VENDOR/iframe-worker/"
# The yasgui package declares MIT in package.json and ships no licence file: write the MIT text with its
# copyright holders (Triply, and Zazuko who maintain this fork).
cat > "$VENDOR/yasgui/LICENSE" <<'LICENCE'
The MIT License (MIT)

Copyright (c) Triply B.V. <info@triply.cc>
Copyright (c) Zazuko GmbH and the rdfjs/Yasgui contributors

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction, including
without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the
following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial
portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT
LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO
EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER
IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE
USE OR OTHER DEALINGS IN THE SOFTWARE.
LICENCE

{
  echo "# Vendored JavaScript (scripts/update-vendor.sh); do not edit the files by hand."
  echo "cytoscape $CYTOSCAPE https://www.npmjs.com/package/cytoscape MIT"
  echo "@zazuko/yasgui $YASGUI https://www.npmjs.com/package/@zazuko/yasgui MIT"
  echo "iframe-worker $IFRAME_WORKER https://www.npmjs.com/package/iframe-worker MIT"
  (cd "$VENDOR" && sha256sum cytoscape/* yasgui/* iframe-worker/*)
} > "$VENDOR/VERSIONS"
echo "vendored cytoscape $CYTOSCAPE, @zazuko/yasgui $YASGUI and iframe-worker $IFRAME_WORKER into $VENDOR"
