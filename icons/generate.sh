#!/usr/bin/env bash
# Renders every icon file in this folder from icon.svg: PNGs of each size (the window, the
# .desktop entry, the .deb and the AppImage use them), icon.ico (Windows: exe and installer)
# and icon.icns (macOS .app). The outputs are committed as release assets; run this again after
# changing icon.svg.
#
# Needs rsvg-convert (Debian: librsvg2-bin), ImageMagick's convert (imagemagick) and png2icns
# (icnsutils).
set -euo pipefail
cd "$(dirname "$0")"

for tool in rsvg-convert convert png2icns; do
  command -v "$tool" >/dev/null || { echo "generate.sh: $tool is missing (apt-get install librsvg2-bin imagemagick icnsutils)" >&2; exit 1; }
done

sizes=(16 24 32 48 64 128 256 512)
for size in "${sizes[@]}"; do
  rsvg-convert --width "$size" --height "$size" icon.svg --output "icon-$size.png"
done
# 1024 only feeds the .icns (Retina 512@2x); it is not kept as a PNG.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
rsvg-convert --width 1024 --height 1024 icon.svg --output "$scratch/icon-1024.png"

# Windows: one .ico with the sizes Explorer and the taskbar ask for (256 stored as PNG).
convert icon-16.png icon-24.png icon-32.png icon-48.png icon-64.png icon-256.png \
  -define png:exclude-chunks=date,time icon.ico

# macOS: png2icns picks the icon type from each PNG's size.
png2icns icon.icns icon-16.png icon-32.png icon-48.png icon-128.png icon-256.png icon-512.png \
  "$scratch/icon-1024.png" >/dev/null

echo "icons: $(ls icon-*.png | tr '\n' ' ')icon.ico icon.icns"
