//! Properties over random filings (native): evaluation never panics, caps always hold,
//! and more completion never lowers a score.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::random::{filing, Rng};
use proptest::prelude::*;
use rules_wasm::scheme::Effect;
use rules_wasm::Decimal;
use rules_wasm::{CompiledScheme, Evaluation, Filing, InputKind, Method, Scheme, Section};
use serde_json::Value as Json;

fn schemes() -> Vec<CompiledScheme> {
    common::FILES.iter().map(|(_, json, _)| CompiledScheme::from_json(json).expect("golden scheme compiles")).collect()
}

fn check_caps(scheme: &CompiledScheme, result: &Evaluation) {
    let settings = scheme.scheme();
    for (group, out) in settings.groups.iter().zip(&result.groups) {
        if let Some(cap) = group.cap {
            assert!(out.points <= cap, "group {} {} > cap {cap}", group.id, out.points);
        }
        assert!(out.points >= Decimal::ZERO, "group {} negative", group.id);
    }
    for item in &result.items {
        assert!(item.points >= Decimal::ZERO, "item {} negative", item.id);
        if let Some(max) = item.max {
            assert!(item.points <= max, "item {} {} > max {max}", item.id, item.points);
        }
        if !item.counted {
            assert!(item.points.is_zero() || item.adjusted, "uncounted item {} scored", item.id);
        }
    }
    if let Some(cap) = settings.totals.bonus_cap {
        assert!(result.bonus <= cap);
    }
    if let Some(cap) = settings.totals.penalty_cap {
        assert!(result.penalty <= cap);
    }
    if let Some(cap) = settings.totals.max_total {
        assert!(result.total <= cap, "total {} > {cap}", result.total);
    }
    assert!(result.total >= Decimal::ZERO);
    assert_eq!(result.total.scale(), settings.rounding.scale, "total shows the stated places");
    if let Some(max) = settings.max_selected {
        let counted = result
            .items
            .iter()
            .zip(&settings.indicators)
            .filter(|(item, indicator)| indicator.selectable && item.counted)
            .count();
        assert!(counted <= max as usize, "{counted} selectable indicators counted, max {max}");
    }
}

/// The engine's scheme reader never accepts what serde rejects, reads the same scheme as
/// serde, and writes serde_json's canonical text. serde is more lenient in two ways no
/// scheme relies on — a struct written as an array of its fields, a unit variant written
/// as `{"name": null}` — so where serde alone accepts, the engine must read serde's
/// canonical rewriting of the same scheme.
fn readers_agree(text: &str) -> Result<(), TestCaseError> {
    let ours = Scheme::from_json(text);
    let theirs = serde_json::from_str::<Scheme>(text);
    match (&ours, &theirs) {
        (Ok(ours), Ok(theirs)) => {
            prop_assert_eq!(ours, theirs);
            let mut unhashed = theirs.clone();
            unhashed.hash = None;
            prop_assert_eq!(rules_wasm::hash::canonical_json(ours), serde_json::to_string(&unhashed).unwrap());
        }
        (Err(_), Err(_)) => {}
        (Ok(_), Err(error)) => prop_assert!(false, "the engine accepts what serde rejects ({error}): {text}"),
        (Err(_), Ok(theirs)) => {
            let canonical = serde_json::to_string(theirs).unwrap();
            let again = Scheme::from_json(&canonical).ok();
            prop_assert_eq!(again.as_ref(), Some(theirs), "{}", text);
        }
    }
    Ok(())
}

/// A scheme as JSON with one random change of the kind a hand-edited file has: a field
/// removed, nulled, given another type, duplicated, or an unknown field added.
fn mutated(rng: &mut Rng, scheme: &Json) -> String {
    fn paths(value: &Json, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
        if let Json::Object(map) = value {
            for (key, child) in map {
                path.push(key.clone());
                out.push(path.clone());
                paths(child, path, out);
                path.pop();
            }
        } else if let Json::Array(items) = value {
            for (index, child) in items.iter().enumerate().take(3) {
                path.push(index.to_string());
                paths(child, path, out);
                path.pop();
            }
        }
    }
    let mut all = Vec::new();
    paths(scheme, &mut Vec::new(), &mut all);
    let path = &all[rng.below(all.len() as u64) as usize];
    let mut copy = scheme.clone();
    let (last, parents) = path.split_last().expect("non-empty path");
    let mut parent = &mut copy;
    for key in parents {
        parent = match parent {
            Json::Array(items) => &mut items[key.parse::<usize>().expect("index")],
            other => &mut other[key.as_str()],
        };
    }
    let object = parent.as_object_mut().expect("object");
    let replacements = [
        Json::Null,
        Json::from(7),
        Json::from(-1),
        Json::from(1.5),
        Json::from("x"),
        Json::from(true),
        Json::Array(vec![]),
        serde_json::json!({}),
        Json::from("12.50"),
    ];
    match rng.below(5) {
        0 => {
            object.remove(last);
        }
        1 => {
            object.insert(last.clone(), replacements[rng.below(replacements.len() as u64) as usize].clone());
        }
        2 => {
            object.insert("unknown_field".to_owned(), Json::from(1));
        }
        3 => {
            // A duplicated field (serde_json's Value would merge it, so edit the text).
            let text = copy.to_string();
            let value = scheme_value(scheme, path);
            let key = format!("\"{last}\":");
            return text.replacen(&key, &format!("{key}{value},{key}"), 1);
        }
        _ => {
            let value = object.get(last).cloned().unwrap_or(Json::Null);
            object.remove(last);
            object.insert(last.clone(), value);
        }
    }
    copy.to_string()
}

fn scheme_value(scheme: &Json, path: &[String]) -> Json {
    path.iter().fold(scheme.clone(), |value, key| match value {
        Json::Array(items) => items[key.parse::<usize>().expect("index")].clone(),
        other => other[key.as_str()].clone(),
    })
}

#[test]
fn the_scheme_reader_agrees_with_serde_on_every_golden_and_invalid_scheme() {
    for (_, json, _) in common::FILES {
        readers_agree(json).unwrap();
    }
    let cases: Json = serde_json::from_str(common::INVALID_SCHEMES).unwrap();
    for case in cases["cases"].as_array().unwrap() {
        let text = match case.get("raw").and_then(Json::as_str) {
            Some(raw) => raw.to_owned(),
            None => {
                let mut scheme = cases["base"].clone();
                common::merge(&mut scheme, &case["patch"]);
                scheme.to_string()
            }
        };
        readers_agree(&text).unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn random_filings_never_panic_and_caps_always_hold(seed in any::<u64>(), which in 0usize..5) {
        let scheme = &schemes()[which];
        let text = filing(scheme, &mut Rng::new(seed)).to_string();
        if let Ok(result) = scheme.evaluate_json(&text) {
            check_caps(scheme, &result);
            let _ = result.to_json();
        }
        let problems = Filing::from_json(&text).map(|filing| rules_wasm::validate_filing(scheme, &filing));
        prop_assert_eq!(problems, rules_wasm::validate_filing_json(scheme, &text));
    }

    #[test]
    fn the_scheme_reader_agrees_with_serde_on_mutated_schemes(seed in any::<u64>(), which in 0usize..5) {
        let scheme: Json = serde_json::from_str(common::FILES[which].1).unwrap();
        let mut rng = Rng::new(seed);
        let text = mutated(&mut rng, &scheme);
        readers_agree(&text)?;
        let twice = mutated(&mut rng, &serde_json::from_str(&text).unwrap_or(scheme));
        readers_agree(&twice)?;
    }

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,200}", which in 0usize..5) {
        let scheme = &schemes()[which];
        let _ = scheme.evaluate_json(&text);
        let _ = CompiledScheme::from_json(&text);
    }

    #[test]
    fn more_completion_never_lowers_a_score(seed in any::<u64>(), which in 0usize..5, bump in 1u64..60) {
        let scheme = &schemes()[which];
        let mut rng = Rng::new(seed);
        let base = filing(scheme, &mut rng);
        let Ok(before) = scheme.evaluate_json(&base.to_string()) else { return Ok(()) };
        let settings = scheme.scheme();
        for field in scheme.form() {
            if field.section != Section::Indicator {
                continue;
            }
            let indicator = settings.indicators.iter().find(|i| i.id == field.id).expect("indicator");
            let group = settings.groups.iter().find(|g| g.id == indicator.group).expect("group");
            if group.effect == Effect::Penalty {
                continue;
            }
            let mut better = base.clone();
            let values = better["values"].as_object_mut().expect("values");
            let current = values.get(field.id).cloned().unwrap_or(Json::Null);
            let improved = match (field.input, &indicator.method) {
                (InputKind::Check, _) => Json::Bool(true),
                (InputKind::Count, _) => match current.as_u64() {
                    Some(count) => Json::from(count + bump),
                    None => continue,
                },
                (InputKind::Number | InputKind::Rating, Method::Ratio { .. } | Method::Steps { .. } | Method::Rating { .. } | Method::Schedule { .. }) => {
                    let Some(number) = current.as_str().and_then(|text| text.parse::<Decimal>().ok()) else { continue };
                    if number < Decimal::ZERO { continue; }
                    let mut raised = number + Decimal::from(bump);
                    if matches!(indicator.method, Method::Rating { .. }) {
                        raised = raised.min(Decimal::ONE_HUNDRED);
                        if number > Decimal::ONE_HUNDRED { continue; }
                    }
                    Json::String(raised.to_string())
                }
                _ => continue,
            };
            values.insert(field.id.to_owned(), improved);
            let after = scheme.evaluate_json(&better.to_string()).expect("still evaluates");
            prop_assert!(
                after.total >= before.total,
                "raising {} lowered the total from {} to {}", field.id, before.total, after.total
            );
        }
    }
}
