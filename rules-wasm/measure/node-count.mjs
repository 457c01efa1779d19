// Calls one method of the engine's JavaScript API N times on the monthly-8 bench filing,
// for counting instructions under callgrind (wall time under node is noisy on a shared
// machine). DIR as for node-bench.mjs, METHOD `total`, `live`, `explain` or `evaluate`:
//   valgrind --tool=callgrind node --single-threaded --no-liftoff --no-wasm-tier-up \
//     --no-wasm-lazy-compilation measure/node-count.mjs DIR METHOD N
// Per call = (count at N = 30001 − count at N = 10001) / 20000. The flags make V8 compile
// the module once, up front, on the main thread: without them, background compilation and
// tier-up land in one run's window and not another's, and counts varied by up to 2.5×.
import { filing, openEngine } from "./open-engine.mjs";

const [dir, method = "total", n = "1"] = process.argv.slice(2);
const { engine } = openEngine(dir);
let sink = 0;
for (let i = 0; i < Number(n); i++) sink += engine[method](filing).length;
console.log(sink);
