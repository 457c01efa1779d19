// The engine's JavaScript API as a JavaScript caller meets it: both modules built by
// measure/build-wasm.sh (the whole API, feature `wasm`, and the phone's, `wasm-phone`),
// loaded in node. Run by run-tests.sh:  node --test tests/js-api.test.mjs
// ENGINE_JS_DIR names the folder holding engine-js/ and engine-js-phone/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { join } from "node:path";
import { scheme, filing } from "../measure/open-engine.mjs";

const require = createRequire(import.meta.url);
const dir = process.env.ENGINE_JS_DIR;
assert.ok(dir, "ENGINE_JS_DIR must name the folder build-wasm.sh wrote to");
const whole = require(join(dir, "engine-js", "rules_wasm.js"));
const phone = require(join(dir, "engine-js-phone", "rules_wasm.js"));

const validated = new whole.Engine(scheme);
const stated = `{"hash":${JSON.stringify(validated.hash())},${scheme.trim().slice(1)}`;
const engines = { whole: whole.Engine.published(stated), phone: phone.Engine.published(stated) };

/** The code of the error JSON a call throws. */
function thrownCode(call) {
  try {
    call();
  } catch (error) {
    return JSON.parse(error).code;
  }
  assert.fail("no error thrown");
}

test("the phone module has only what a form calls, and refuses a scheme without a hash", () => {
  for (const name of ["evaluate", "rollUp"]) assert.equal(phone.Engine.prototype[name], undefined, name);
  for (const name of ["evaluate", "validateScheme"]) assert.equal(phone[name], undefined, name);
  assert.equal(typeof phone.engineVersion(), "string");
  let thrown;
  try {
    phone.Engine.published(scheme);
  } catch (error) {
    thrown = JSON.parse(error);
  }
  assert.equal(thrown.code, "invalid_scheme");
  assert.deepEqual(thrown.problems.map((problem) => problem.code), ["hash.missing"]);
  assert.equal(engines.phone.hash(), validated.hash());
});

for (const [name, engine] of Object.entries(engines)) {
  test(`${name}: total, live and explain agree with the full evaluation`, () => {
    const full = JSON.parse(validated.evaluate(filing));
    assert.equal(engine.total(filing), "103.53");
    assert.equal(engine.total(filing), full.total);
    const live = JSON.parse(engine.live(filing));
    assert.deepEqual(live, { total: full.total, grade: full.grade, items: full.items.map((item) => item.points), warnings: 0 });
    const why = JSON.parse(engine.explain(filing));
    assert.deepEqual(why.lines, full.lines.map((line) => ({ code: line.code, text: line.text })));
    assert.deepEqual(why.warnings, []);
    assert.equal(engine.form(), validated.form());
  });

  test(`${name}: a filing longer than the input buffer, with Chinese text, then a short one`, () => {
    const reason = "因材料报送延误，经科室集体研究后调整本项得分。".repeat(80);
    const long = JSON.stringify({
      period: "2024-03",
      values: JSON.parse(filing).values,
      adjustments: [{ indicator: "quality", points: "15", reason, by: "李副局长" }],
    });
    assert.ok(new TextEncoder().encode(long).length > 4096);
    const full = JSON.parse(validated.evaluate(long));
    assert.equal(engine.total(long), full.total);
    assert.notEqual(full.total, "103.53");
    const why = JSON.parse(engine.explain(long));
    assert.deepEqual(why.lines.map((line) => line.text), full.lines.map((line) => line.text));
    assert.ok(why.lines.some((line) => line.text.includes("李副局长")));
    // What the long filing left in the buffer must not leak into the next one.
    assert.equal(engine.total(filing), "103.53");
    assert.equal(engine.validateFiling(long), "[]");
  });

  test(`${name}: warnings and problems come with codes and Chinese sentences`, () => {
    const wrong = filing.replace('"quality":"88"', '"nope":1,"quality":"120"');
    const why = JSON.parse(engine.explain(wrong));
    assert.deepEqual(why.warnings.map((warning) => warning.code).sort(), ["value.range", "value.unknown"]);
    assert.ok(why.warnings.every((warning) => /[\u4e00-\u9fff]/.test(warning.text)));
    const problems = JSON.parse(engine.validateFiling(wrong));
    assert.deepEqual(problems.map((problem) => problem.path).sort(), ["values.nope", "values.quality"]);
  });

  test(`${name}: what is not a filing is refused with the error JSON`, () => {
    for (const bad of [undefined, null, 42, { period: "2024-03" }]) {
      assert.equal(thrownCode(() => engine.total(bad)), "json", String(bad));
    }
    assert.equal(thrownCode(() => engine.live("{")), "json");
    assert.equal(thrownCode(() => engine.explain('{"scheme":"other","period":"2024-03"}')), "scheme_mismatch");
    assert.equal(thrownCode(() => engine.validateFiling("[]")), "json");
    // A lone surrogate is written as U+FFFD and read as text, never as broken UTF-8.
    const lone = filing.replace('"period"', '"x":"\ud800","period"');
    assert.equal(engine.total(lone), "103.53");
  });
}
