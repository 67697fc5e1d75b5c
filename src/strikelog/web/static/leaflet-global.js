// leaflet.markercluster is published as a script that extends a global `L`; Leaflet here is an ES module
// (whose namespace cannot be extended). This sets `L` to an extensible copy of it, before the plugin runs.
import * as Leaflet from "./vendor/leaflet/leaflet-src.esm.js";

window.L = { ...Leaflet };
