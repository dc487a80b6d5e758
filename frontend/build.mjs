// Copies the front-end packages that the pages use into Django's static files.
// Run by `make static` after `npm ci`; the output folder is not committed.
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "node_modules");
const out = join(here, "..", "infohus", "static", "vendor");

const copies = [
  ["dkfds/dist/css/dkfds.min.css", "dkfds/css/dkfds.min.css"],
  ["dkfds/dist/fonts", "dkfds/fonts"],
  ["dkfds/dist/img", "dkfds/img"],
  ["dkfds/dist/js/dkfds.min.js", "dkfds/js/dkfds.min.js"],
  ["htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"],
  ["leaflet/dist/leaflet.js", "leaflet/leaflet.js"],
  ["leaflet/dist/leaflet.css", "leaflet/leaflet.css"],
  ["leaflet/dist/images", "leaflet/images"],
  ["topojson-client/dist/topojson-client.min.js", "topojson/topojson-client.min.js"],
  ["world-atlas/countries-50m.json", "world-atlas/countries-50m.json"],
  ["chart.js/dist/chart.umd.min.js", "chartjs/chart.umd.min.js"],
];

rmSync(out, { recursive: true, force: true });
for (const [from, to] of copies) {
  const target = join(out, to);
  mkdirSync(dirname(target), { recursive: true });
  cpSync(join(modules, from), target, { recursive: true });
}
console.log(`copied ${copies.length} front-end assets into ${out}`);
