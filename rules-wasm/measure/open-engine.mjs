// Opens the monthly-8 bench scheme with the engine module built into DIR by build-wasm.sh.
// The whole JS API (feature `wasm`, DIR engine-js) has the validating `new Engine`; the
// phone module (feature `wasm-phone`, DIR engine-js-phone) has only `Engine.published`,
// which takes the scheme as the server publishes it, hash stated: that hash comes from
// the whole module built beside it (../engine-js).
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

export const scheme = readFileSync(join(here, "../benches/monthly-8.json"), "utf8");
export const filing = readFileSync(join(here, "../benches/monthly-8.filing.json"), "utf8").trim();

export function openEngine(dir) {
  const { Engine } = require(join(dir, "rules_wasm.js"));
  if (Engine.prototype.evaluate) return { Engine, engine: new Engine(scheme) };
  const whole = require(join(dir, "../engine-js/rules_wasm.js"));
  const hash = new whole.Engine(scheme).hash();
  const published = `{"hash":${JSON.stringify(hash)},${scheme.trim().slice(1)}`;
  return { Engine, engine: Engine.published(published) };
}
