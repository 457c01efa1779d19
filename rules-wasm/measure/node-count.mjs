// Calls one method of the engine's JavaScript API N times on the monthly-8 bench filing,
// for counting instructions under callgrind (wall time under node is noisy on a shared
// machine): `node measure/node-count.mjs DIR METHOD N`, DIR as for node-bench.mjs,
// METHOD `total`, `live` or `evaluate`. Per-call instructions in steady state (after V8
// has compiled and tiered up the module) = (count at N = 40001 − count at N = 20001) / 20000.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const [dir, method = "total", n = "1"] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const { Engine } = require(join(dir, "rules_wasm.js"));
const engine = new Engine(readFileSync(join(here, "../benches/monthly-8.json"), "utf8"));
const filing = readFileSync(join(here, "../benches/monthly-8.filing.json"), "utf8").trim();
let sink = 0;
for (let i = 0; i < Number(n); i++) sink += engine[method](filing).length;
console.log(sink);
