#!/usr/bin/env bash
# Refresh the web page's vendored assets from the npm registry (see src/strikelog/web/static/vendor/VENDOR.md).
# Needs node and npm at vendoring time only; nothing is fetched when the page runs.
set -euo pipefail
LEAFLET=1.9.4
WORLD_ATLAS=2.0.2
TOPOJSON_CLIENT=3.1.0
MARKERCLUSTER=1.5.3
cd "$(dirname "$0")/.."
VENDOR=src/strikelog/web/static/vendor
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

(cd "$WORK" && npm pack --silent "leaflet@$LEAFLET" "world-atlas@$WORLD_ATLAS" "topojson-client@$TOPOJSON_CLIENT" \
    "leaflet.markercluster@$MARKERCLUSTER" >/dev/null)
for tgz in "$WORK"/*.tgz; do
    name=$(basename "$tgz" .tgz)
    mkdir -p "$WORK/$name" && tar -xzf "$tgz" -C "$WORK/$name" --strip-components=1
done

rm -rf "$VENDOR/leaflet" && mkdir -p "$VENDOR/leaflet"
cp "$WORK/leaflet-$LEAFLET/dist/leaflet-src.esm.js" "$WORK/leaflet-$LEAFLET/dist/leaflet.css" "$VENDOR/leaflet/"
cp -r "$WORK/leaflet-$LEAFLET/dist/images" "$VENDOR/leaflet/"
cp "$WORK/leaflet-$LEAFLET/LICENSE" "$VENDOR/leaflet/LICENSE"

# Marker clustering: the UMD build as published (it extends the global L that static/leaflet-global.js sets).
rm -rf "$VENDOR/leaflet.markercluster" && mkdir -p "$VENDOR/leaflet.markercluster"
cp "$WORK/leaflet.markercluster-$MARKERCLUSTER/dist/leaflet.markercluster-src.js" \
   "$WORK/leaflet.markercluster-$MARKERCLUSTER/dist/MarkerCluster.css" \
   "$WORK/leaflet.markercluster-$MARKERCLUSTER/dist/MarkerCluster.Default.css" "$VENDOR/leaflet.markercluster/"
cp "$WORK/leaflet.markercluster-$MARKERCLUSTER/MIT-LICENCE.txt" "$VENDOR/leaflet.markercluster/LICENSE"

# Country outlines: world-atlas's Natural Earth 1:110m TopoJSON, turned into GeoJSON once here with
# topojson-client, coordinates rounded to 0.01 degree (about 1 km; the map only draws outlines).
mkdir -p "$VENDOR/world"
node --no-warnings --input-type=module -e "
import { readFileSync, writeFileSync } from 'node:fs';
import { feature } from '$WORK/topojson-client-$TOPOJSON_CLIENT/src/index.js';
const topo = JSON.parse(readFileSync('$WORK/world-atlas-$WORLD_ATLAS/countries-110m.json', 'utf8'));
const geo = feature(topo, topo.objects.countries);
const round = (c) => Array.isArray(c[0]) ? c.map(round) : c.map((x) => Math.round(x * 100) / 100);
for (const f of geo.features) f.geometry.coordinates = round(f.geometry.coordinates);
writeFileSync('$VENDOR/world/countries-110m.geojson', JSON.stringify(geo));
"
cp "$WORK/world-atlas-$WORLD_ATLAS/LICENSE" "$VENDOR/world/LICENSE.world-atlas"
cp "$WORK/topojson-client-$TOPOJSON_CLIENT/LICENSE" "$VENDOR/world/LICENSE.topojson-client"
echo "vendored leaflet $LEAFLET, leaflet.markercluster $MARKERCLUSTER, world-atlas $WORLD_ATLAS (countries-110m, via topojson-client $TOPOJSON_CLIENT) into $VENDOR"
