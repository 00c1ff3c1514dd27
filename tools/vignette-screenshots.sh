#!/usr/bin/env bash
# Builds the vignettes and an alleviation_report() of the synthetic cohort,
# and renders each page to PNG with headless Chromium, so that anyone can
# look at what readers see, offline.
# Usage, from the package root:
#   bash tools/vignette-screenshots.sh [out_dir]     (default: vignette-png/)
# Needs Chromium (Debian: apt-get install chromium) and the package's
# Suggests knitr and markdown. Each vignette gives <name>-<page>.png, pages
# of 1000 x 1400 pixels cut from one tall screenshot.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-vignette-png}")
mkdir -p "$out"
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "Chromium not found: apt-get install chromium" >&2; exit 1; }

lib=$(mktemp -d)
build=$(mktemp -d)
R CMD INSTALL --no-test-load --library="$lib" . >"$build/install.log" 2>&1 ||
  { cat "$build/install.log"; exit 1; }
cp vignettes/* "$build/"
# One tall screenshot with the network switched off, cut into pages.
shoot() {
  local html=$1 name=$2 height
  height=$(R_LIBS="$lib" Rscript -e "x <- readLines('$html'); cat(max(3000, 40 * length(x)))")
  "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --proxy-server="127.0.0.1:9" --window-size=1000,"$height" \
    --screenshot="$build/$name-full.png" "file://$html" >/dev/null 2>&1
  Rscript -e "
    if (!requireNamespace('png', quietly = TRUE)) {
      file.copy('$build/$name-full.png', '$out/$name-full.png', overwrite = TRUE)
      quit()
    }
    img <- png::readPNG('$build/$name-full.png')
    # drop the blank tail
    used <- which(rowSums(img[, , 1:3] < 0.99) > 0)
    img <- img[seq_len(max(used) + 20), , , drop = FALSE]
    starts <- seq(1, dim(img)[1], by = 1400)
    for (k in seq_along(starts)) {
      rows <- starts[k]:min(dim(img)[1], starts[k] + 1399)
      png::writePNG(img[rows, , , drop = FALSE], sprintf('$out/%s-%02d.png', '$name', k))
    }"
  echo "$name: $(ls "$out"/"$name"-*.png | wc -l) page(s) in $out"
}

for rmd in "$build"/*.Rmd; do
  name=$(basename "$rmd" .Rmd)
  ( cd "$build" && R_LIBS="$lib" Rscript -e "tools::buildVignette('$name.Rmd', dir = '.', tangle = FALSE)" >/dev/null )
  shoot "$build/$name.html" "$name"
done

# The one-call report on the synthetic cohort
R_LIBS="$lib" Rscript -e "myelorelief::alleviation_report(myelorelief::myelography,
  by = 'hospital', group = 'sex', vars = c('age', 'diagnosis'),
  file = '$build/report.html', title = 'Report on the synthetic cohort')" >/dev/null
shoot "$build/report.html" report
rm -rf "$lib" "$build"
