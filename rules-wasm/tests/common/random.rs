//! Deterministic random filings (xorshift), shared by the property tests and the
//! native/WASM agreement test. Values are deliberately wild: missing, wrong types, negative,
//! huge, many decimals, unknown keys, too many selections, adjustments out of range, work
//! entries with odd quantities or for indicators that do not count them.

use rules_wasm::{CompiledScheme, InputKind, Section};
use serde_json::{json, Map, Value as Json};

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// A decimal as text: mostly in range, sometimes negative, huge or with many places.
pub fn number(rng: &mut Rng) -> Json {
    match rng.below(10) {
        0 => json!(format!("-{}", rng.below(50))),
        1 => json!(format!("{}.{:04}", rng.below(200), rng.below(10_000))),
        2 => json!(rng.below(300)),
        3 => json!("99999999999999"),
        4 => json!(format!("{}.5", rng.below(120))),
        5 => json!(rng.below(100) as f64 / 8.0),
        _ => json!(format!("{}", rng.below(151))),
    }
}

/// A value of the right kind for a field most of the time, of a wrong kind sometimes.
pub fn value(rng: &mut Rng, input: InputKind, options: &[String]) -> Json {
    if rng.chance(8) {
        return match rng.below(4) {
            0 => Json::Null,
            1 => json!("abc"),
            2 => json!(true),
            _ => json!(7),
        };
    }
    match input {
        InputKind::Check => json!(rng.chance(60)),
        InputKind::Choice => json!(options[rng.below(options.len() as u64) as usize]),
        InputKind::Count => json!(rng.below(12)),
        InputKind::Rating => json!(format!("{}", rng.below(110))),
        InputKind::Number | InputKind::Sources => number(rng),
    }
}

/// A random filing for a scheme, as JSON.
pub fn filing(scheme: &CompiledScheme, rng: &mut Rng) -> Json {
    let mut values = Map::new();
    let mut sources = Map::new();
    let mut selectable = Vec::new();
    let mut indicators = Vec::new();
    for field in scheme.form() {
        if field.section == Section::Indicator {
            indicators.push(field.id.to_owned());
            if field.selectable {
                selectable.push(field.id.to_owned());
            }
        }
        if field.input == InputKind::Sources {
            for source in field.sources {
                if rng.chance(80) {
                    sources.insert(
                        source.id.clone(),
                        json!({ "score": format!("{}", rng.below(105)), "n": rng.below(30) }),
                    );
                }
            }
            continue;
        }
        let absent = match field.section {
            Section::Indicator => 15,
            Section::Veto => 70,
            Section::Coefficient => 40,
        };
        if !rng.chance(absent) {
            let options: Vec<String> = field.options.iter().map(|option| option.id.clone()).collect();
            let value =
                if field.section == Section::Veto { json!(rng.chance(15)) } else { value(rng, field.input, &options) };
            values.insert(field.id.to_owned(), value);
        }
    }
    if rng.chance(5) {
        values.insert("unknown_key".to_owned(), json!("1"));
    }
    let mut filing = Map::new();
    let periods = ["2024-01", "2024-06", "2024-12", "2024-Q1", "2024-Q3", "2024-H1", "2024-H2", "2024", "bad"];
    if rng.chance(90) {
        filing.insert("period".to_owned(), json!(periods[rng.below(periods.len() as u64) as usize]));
    }
    filing.insert("values".to_owned(), Json::Object(values));
    filing.insert("sources".to_owned(), Json::Object(sources));
    if !selectable.is_empty() && rng.chance(70) {
        let picked: Vec<&String> = selectable.iter().filter(|_| rng.chance(55)).collect();
        filing.insert("selected".to_owned(), json!(picked));
    }
    if rng.chance(10) {
        filing.insert("nothing_to_report".to_owned(), json!(true));
    }
    if rng.chance(20) {
        // Work entries: mostly for an indicator, sometimes with a quantity, now and then wild.
        let entries: Vec<Json> = (0..=rng.below(4))
            .map(|_| {
                let indicator = if rng.chance(5) {
                    "unknown_key"
                } else {
                    indicators[rng.below(indicators.len() as u64) as usize].as_str()
                };
                match rng.below(3) {
                    0 => json!({ "indicator": indicator }),
                    1 => json!({ "indicator": indicator, "quantity": rng.below(4) }),
                    _ => json!({ "indicator": indicator, "quantity": number(rng) }),
                }
            })
            .collect();
        filing.insert("entries".to_owned(), json!(entries));
    }
    if rng.chance(25) {
        let indicator = &indicators[rng.below(indicators.len() as u64) as usize];
        filing.insert(
            "adjustments".to_owned(),
            json!([{ "indicator": indicator, "points": number(rng), "reason": "复核", "by": "审核人" }]),
        );
    }
    Json::Object(filing)
}
