#!/usr/bin/env bash
# Renders assets/icons/icon.svg into the PNG sizes electron-builder and the window icon use,
# plus icon.ico (Windows). macOS's .icns is made by electron-builder from png/1024x1024.png.
# Needs ImageMagick (Debian: apt-get install imagemagick librsvg2-bin).
set -euo pipefail
cd "$(dirname "$0")/../assets/icons"
render() { # size → png/NxN.png
  if command -v rsvg-convert >/dev/null; then rsvg-convert -w "$1" -h "$1" icon.svg -o "png/$1x$1.png"
  else convert -background none -density 384 icon.svg -resize "$1x$1" "png/$1x$1.png"; fi
}
mkdir -p png
for s in 16 24 32 48 64 128 256 512 1024; do render "$s"; done
convert png/16x16.png png/24x24.png png/32x32.png png/48x48.png png/64x64.png png/128x128.png png/256x256.png icon.ico
cp png/64x64.png ../../renderer/public/favicon.png
echo "icons written to $(pwd) (and renderer/public/favicon.png)"
