#!/usr/bin/env bash
# Re-vendor govuk-frontend's precompiled dist into static/govuk/.
# Run by hand when bumping the version; the result is committed so that no Node
# step is needed at run time.
set -euo pipefail
version=${1:-6.6.0}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "govuk-frontend@$version" --silent >/dev/null && tar xzf govuk-frontend-*.tgz)
dist="$work/package/dist/govuk"
out="$here/static/govuk"
rm -rf "$out" && mkdir -p "$out/assets"
# The GDS Transport font is licensed for GOV.UK services only: drop its @font-face
# rules and name Arial first. Root-absolute asset URLs become
# relative so they resolve under /static/govuk/. Source maps are not shipped.
python3 - "$dist/govuk-frontend.min.css" "$out/govuk-frontend.min.css" <<'PY'
import re, sys
css = open(sys.argv[1], encoding="utf-8").read()
css = re.sub(r"@font-face\{[^}]*\}", "", css)
css = css.replace("url(/assets/", "url(assets/").replace("GDS Transport,arial", "arial")
css = re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", css)
open(sys.argv[2], "w", encoding="utf-8").write(css)
PY
sed -e 's|//# sourceMappingURL=.*$||' "$dist/govuk-frontend.min.js" > "$out/govuk-frontend.min.js"
cp -r "$dist/assets/images" "$out/assets/images"
echo "$version" > "$out/VERSION"
