// Times the engine's JavaScript API under node: `node measure/node-bench.mjs [dir]`
// where dir holds the output of build-wasm.sh (default $CARGO_TARGET_DIR/engine-js).
// Each figure is the mean over a timed loop after a warm-up, for the monthly-8 bench
// scheme: `engine.total(filing)` (the allocation-free path, only the total back),
// `engine.live(filing)` (the same, with grade, item points and warning count as compact
// JSON), `engine.explain(filing)` (the same with every line's and warning's text) and,
// where the module has it, `engine.evaluate(filing)` (the full result JSON with texts),
// plus the same for datalogic's published numbers for comparison in the README.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { filing, openEngine } from "./open-engine.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const dir = process.argv[2] ?? join(process.env.CARGO_TARGET_DIR ?? join(here, "../../target"), "engine-js");
const { engine } = openEngine(dir);
if (engine.total(filing) !== "103.53") throw new Error("unexpected total " + engine.total(filing));

// Wall time on a shared machine is noisy: each figure is timed in `rounds` rounds after a
// warm-up, and the best and the median round are printed (the best is the least disturbed).
function time(label, fn, n = 100_000, rounds = 7) {
  for (let i = 0; i < n / 5; i++) fn();
  const means = [];
  for (let round = 0; round < rounds; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn();
    means.push(Number(process.hrtime.bigint() - start) / n / 1000);
  }
  means.sort((a, b) => a - b);
  const best = means[0].toFixed(3), median = means[rounds >> 1].toFixed(3);
  console.log(`${label}: best ${best} µs, median ${median} µs per evaluation (${rounds} × ${n} runs)`);
}

time("wasm via JS: engine.total(filing)        [fast path, total]", () => engine.total(filing));
if (engine.live) {
  const live = JSON.parse(engine.live(filing));
  if (live.total !== "103.53" || live.grade !== "好") throw new Error("unexpected live " + engine.live(filing));
  time("wasm via JS: engine.live(filing)         [fast path, compact JSON]", () => engine.live(filing));
}
const why = JSON.parse(engine.explain(filing));
if (why.total !== "103.53" || why.lines.length === 0) throw new Error("unexpected explain " + engine.explain(filing));
time("wasm via JS: engine.explain(filing)      [fast path, every line's text]", () => engine.explain(filing), 20_000);
if (engine.evaluate) {
  time("wasm via JS: engine.evaluate(filing)     [evaluate + result JSON with texts]", () => engine.evaluate(filing), 20_000);
}
console.log(`result has ${why.lines.length} explanation lines`);
