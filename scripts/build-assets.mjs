// Copy the front-end packages Portico serves into the static folder (WhiteNoise serves them; no CDN).
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const target = join(root, "src/portico/core/static/vendor");
const files = [
  ["bootstrap/dist/css/bootstrap.min.css", "bootstrap/bootstrap.min.css"],
  ["bootstrap/dist/css/bootstrap.min.css.map", "bootstrap/bootstrap.min.css.map"],
  // Right-to-left pages (Arabic) use Bootstrap's own mirrored stylesheet.
  ["bootstrap/dist/css/bootstrap.rtl.min.css", "bootstrap/bootstrap.rtl.min.css"],
  ["bootstrap/dist/css/bootstrap.rtl.min.css.map", "bootstrap/bootstrap.rtl.min.css.map"],
  ["bootstrap/dist/js/bootstrap.bundle.min.js", "bootstrap/bootstrap.bundle.min.js"],
  ["bootstrap/dist/js/bootstrap.bundle.min.js.map", "bootstrap/bootstrap.bundle.min.js.map"],
  ["bootstrap-icons/font/bootstrap-icons.min.css", "bootstrap-icons/bootstrap-icons.min.css"],
  ["bootstrap-icons/font/fonts", "bootstrap-icons/fonts"],
];

rmSync(target, { recursive: true, force: true });
for (const [from, to] of files) {
  mkdirSync(dirname(join(target, to)), { recursive: true });
  cpSync(join(root, "node_modules", from), join(target, to), { recursive: true });
}
console.log(`copied ${files.length} asset entries to ${target}`);
