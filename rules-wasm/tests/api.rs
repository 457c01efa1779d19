//! The API the app and server rely on, beyond the golden cases.
#![cfg(not(target_arch = "wasm32"))]

use rules_wasm::{
    evaluate, scheme_hash, validate_scheme, CompiledScheme, Entry, Filing, InputKind, Scheme, Section, WarningCode,
};

const S1: &str = include_str!("../schemes/s1-hanbin-staff-monthly.json");
const S5: &str = include_str!("../schemes/s5-quzhou-cadre-quarterly.json");

const FILING: &str = r#"{"period":"2024-03","values":{"tasks":"100","attendance":true,"quality":"90","study":"8"},
  "sources":{"leader":{"score":"92","n":3},"peer":{"score":"85","n":12},"social":{"score":"80","n":30}}}"#;

#[test]
fn every_golden_scheme_validates_clean() {
    for json in [S1, S5] {
        let scheme: Scheme = serde_json::from_str(json).unwrap();
        assert_eq!(validate_scheme(&scheme), vec![]);
    }
}

#[test]
fn the_hash_ignores_formatting_and_key_order_but_not_content() {
    let pretty = CompiledScheme::from_json(S1).unwrap();
    let value: serde_json::Value = serde_json::from_str(S1).unwrap();
    let compact = CompiledScheme::from_json(&value.to_string()).unwrap();
    assert_eq!(pretty.hash(), compact.hash());
    assert!(pretty.hash().starts_with("sha256:") && pretty.hash().len() == 7 + 64);
    let changed = S1.replace("\"points\": \"40\"", "\"points\": \"41\"");
    assert_ne!(CompiledScheme::from_json(&changed).unwrap().hash(), pretty.hash());
}

#[test]
fn a_scheme_carrying_its_own_correct_hash_compiles() {
    let scheme: Scheme = serde_json::from_str(S1).unwrap();
    let mut stamped = scheme.clone();
    stamped.hash = Some(scheme_hash(&scheme));
    let compiled = CompiledScheme::new(stamped).unwrap();
    assert_eq!(compiled.hash(), scheme_hash(&scheme));
}

#[test]
fn a_published_scheme_takes_its_stated_hash_and_evaluates_as_the_validated_one() {
    for json in [S1, S5] {
        let validated = CompiledScheme::from_json(json).unwrap();
        let mut scheme: Scheme = serde_json::from_str(json).unwrap();
        scheme.hash = Some(validated.hash().to_owned());
        let text = serde_json::to_string(&scheme).unwrap();
        let published = CompiledScheme::from_published_json(&text).unwrap();
        assert_eq!(published.reference(), validated.reference());
        let filing = r#"{"period":"2024-03","values":{"tasks":"95"}}"#;
        assert_eq!(published.evaluate_json(filing), validated.evaluate_json(filing));
        assert_eq!(published.form_json(), validated.form_json());
    }
    // The phone does not check: a stated hash is taken as it is, and the server, which
    // recomputes with its own copy, finds the difference.
    let mut scheme: Scheme = serde_json::from_str(S1).unwrap();
    scheme.hash = Some("sha256:stated".to_owned());
    assert_eq!(CompiledScheme::published(scheme).unwrap().hash(), "sha256:stated");
}

#[test]
fn a_published_scheme_leaves_its_rollups_out() {
    let mut scheme: Scheme = serde_json::from_str(S1).unwrap();
    assert!(!scheme.rollups.is_empty(), "S1 has roll-ups");
    scheme.hash = Some("sha256:stated".to_owned());
    let text = serde_json::to_string(&scheme).unwrap();
    assert!(Scheme::from_json(&text).unwrap().rollups.len() == scheme.rollups.len());
    let read = Scheme::from_published_json(&text).unwrap();
    assert!(read.rollups.is_empty());
    scheme.rollups.clear();
    assert_eq!(read, scheme, "everything else is read as from_json reads it");
    // Any JSON may stand there; it is not read, but the document must still be JSON.
    let odd = text.replacen("\"rollups\":[", "\"rollups\":[{\"anything\":1},", 1);
    assert!(Scheme::from_json(&odd).is_err());
    assert!(Scheme::from_published_json(&odd).unwrap().rollups.is_empty());
    assert!(Scheme::from_published_json(&text.replacen("\"rollups\":[", "\"rollups\":[}", 1)).is_err());
    let published = CompiledScheme::from_published_json(&text).unwrap();
    let validated = CompiledScheme::from_json(S1).unwrap();
    let year = &validated.scheme().rollups[0].id;
    let input: rules_wasm::RollUpInput = serde_json::from_str(r#"{"scores":[]}"#).unwrap();
    assert!(rules_wasm::roll_up(&validated, year, &input).is_ok());
    assert!(rules_wasm::roll_up(&published, year, &input).is_err(), "a phone's scheme has no roll-ups");
}

#[test]
fn a_published_scheme_without_a_hash_is_refused() {
    let Err(rules_wasm::Error::InvalidScheme { problems }) = CompiledScheme::from_published_json(S1) else {
        panic!("compiled without a hash");
    };
    assert_eq!(problems.iter().map(|p| p.code.as_str()).collect::<Vec<_>>(), ["hash.missing"]);
}

#[test]
fn identical_results_have_no_differences_and_a_tampered_total_is_found() {
    let scheme = CompiledScheme::from_json(S1).unwrap();
    let ours = scheme.evaluate_json(FILING).unwrap();
    let claimed: rules_wasm::Evaluation = serde_json::from_str(&ours.to_json()).unwrap();
    assert_eq!(claimed, ours);
    assert!(ours.differences(&claimed).is_empty());
    let mut tampered = claimed.clone();
    tampered.total = "99.00".parse().unwrap();
    tampered.items[0].points = "41.00".parse().unwrap();
    let paths: Vec<String> = ours.differences(&tampered).into_iter().map(|d| d.path).collect();
    assert_eq!(paths, ["total", "items.tasks.points"]);
}

#[test]
fn the_result_names_scheme_version_hash_and_engine() {
    let scheme = CompiledScheme::from_json(S1).unwrap();
    let result = scheme.evaluate_json(FILING).unwrap();
    assert_eq!(&*result.scheme.id, "s1-hanbin-staff-monthly");
    assert_eq!(result.scheme.version, 1);
    assert_eq!(&*result.scheme.hash, scheme.hash());
    assert_eq!(&*result.engine, rules_wasm::ENGINE_VERSION);
    let json: serde_json::Value = serde_json::from_str(&result.to_json()).unwrap();
    assert_eq!(json["total"], "95.50", "decimals serialize as strings");
    assert!(json["lines"][0]["text"].as_str().unwrap().contains("工作任务完成率"));
}

#[test]
fn the_form_lists_every_input_with_its_widget() {
    let scheme = CompiledScheme::from_json(S5).unwrap();
    let form = scheme.form();
    let field = |id: &str| form.iter().find(|field| field.id == id).unwrap();
    assert_eq!(field("post_duty").input, InputKind::Rating);
    assert_eq!(field("inspections").input, InputKind::Count);
    assert_eq!(field("jiebang").input, InputKind::Choice);
    assert_eq!(field("jiebang").options.len(), 3);
    assert_eq!(field("safety").input, InputKind::Check);
    assert!(field("petitions").selectable);
    assert_eq!(field("neg_merit").section, Section::Veto);
    assert_eq!(field("workload").section, Section::Coefficient);
    assert_eq!(field("workload").default, Some("1".parse().unwrap()));
    assert_eq!(form.len(), 8 + 2 + 3);
    serde_json::to_string(&form).unwrap();
}

#[test]
fn a_draft_with_nothing_filled_evaluates_and_validation_lists_what_is_missing() {
    let scheme = CompiledScheme::from_json(S1).unwrap();
    let draft = Filing::default();
    let result = evaluate(&scheme, &draft).unwrap();
    assert_eq!(result.total.to_string(), "0.00");
    let problems = rules_wasm::validate_filing(&scheme, &draft);
    assert!(problems.iter().any(|p| p.code == "period.missing"));
    assert_eq!(problems.iter().filter(|p| p.code == "value.missing").count(), 4);
    assert!(problems.iter().all(|p| !p.message.is_empty() && !p.path.is_empty()));
}

#[test]
fn a_grade_set_gate_applies_only_when_no_other_gate_fired() {
    let mut scheme: serde_json::Value = serde_json::from_str(S5).unwrap();
    scheme["vetoes"].as_array_mut().unwrap().push(serde_json::json!(
        {"id": "first", "name": "专项考核排名第一", "effect": {"type": "grade_set", "grade": "好", "outside_quota": true}}
    ));
    let scheme = CompiledScheme::from_json(&scheme.to_string()).unwrap();
    let filing = r#"{"period":"2025-Q3","selected":["safety"],"values":{"post_duty":"50","safety":true,"first":true}}"#;
    let result = scheme.evaluate_json(filing).unwrap();
    assert_eq!(result.total.to_string(), "35.00");
    assert_eq!(result.grade.as_deref(), Some("好"));
    assert!(result.outside_quota);
    let vetoed = filing.replace("\"first\":true", "\"first\":true,\"neg_merit\":true");
    let result = scheme.evaluate_json(&vetoed).unwrap();
    assert_eq!(result.grade.as_deref(), Some("较差"));
    assert!(!result.outside_quota);
}

#[test]
fn an_excluded_empty_period_is_flagged_for_roll_up() {
    let mut scheme: serde_json::Value =
        serde_json::from_str(include_str!("../schemes/s4-wanzhou-head-monthly-street.json")).unwrap();
    scheme["empty_period"]["counts_as"] = "excluded".into();
    let scheme = CompiledScheme::from_json(&scheme.to_string()).unwrap();
    let result = scheme.evaluate_json(r#"{"period":"2023-05","nothing_to_report":true}"#).unwrap();
    assert!(result.excluded_from_rollup);
    let score = rules_wasm::PeriodScore::from_evaluation("months", &result);
    assert!(score.excluded);
}

#[test]
fn errors_and_problems_write_what_serde_writes() {
    let errors = [
        CompiledScheme::from_json("{}").unwrap_err(),
        CompiledScheme::from_json(&S1.replace("\"version\": 1", "\"version\": 0")).unwrap_err(),
        CompiledScheme::from_json(S1).unwrap().evaluate_json(r#"{"scheme":"other"}"#).unwrap_err(),
        rules_wasm::Error::UnknownRollUp { id: "x\"y".to_owned() },
        rules_wasm::Error::InvalidRollUp { problems: vec![] },
    ];
    for error in errors {
        assert_eq!(error.to_json(), serde_json::to_string(&error).unwrap());
        assert_eq!(rules_wasm::Problem::list_json(error.problems()), serde_json::to_string(error.problems()).unwrap());
    }
}

#[test]
fn errors_serialize_with_their_code() {
    let error = CompiledScheme::from_json("{}").unwrap_err();
    assert_eq!(error.code(), "json");
    let json: serde_json::Value = serde_json::from_str(&error.to_json()).unwrap();
    assert_eq!(json["code"], "json");
}

#[test]
fn work_entries_feed_an_indicator_that_has_no_value() {
    let scheme = CompiledScheme::from_json(S1).unwrap();
    let mut filing = Filing::from_json(FILING).unwrap();
    filing.entries = vec![Entry::new("households", Some("2")), Entry::new("households", None)];
    let result = evaluate(&scheme, &filing).unwrap();
    assert_eq!(result.item("households").unwrap().computed.to_string(), "30.00");
    assert!(result.texts().iter().any(|text| text == "专项攻关：完成分流安置商户：3 户（来自 2 条工作记录）"));
    let json = serde_json::to_value(&filing).unwrap();
    assert_eq!(
        json["entries"],
        serde_json::json!([{ "indicator": "households", "quantity": "2" }, { "indicator": "households" }])
    );
    assert_eq!(scheme.evaluate_json(&json.to_string()).unwrap(), result, "the JSON path agrees");

    filing.values.insert("households".to_owned(), "1".into());
    let result = evaluate(&scheme, &filing).unwrap();
    assert_eq!(result.item("households").unwrap().computed.to_string(), "10.00", "a value wins over entries");
    assert_eq!(result.warnings.iter().map(|w| w.code).collect::<Vec<_>>(), [WarningCode::EntriesOverridden]);
}

#[test]
fn the_form_says_which_fields_work_entries_can_feed() {
    let scheme = CompiledScheme::from_json(S1).unwrap();
    let fed: Vec<&str> = scheme.form().into_iter().filter(|field| field.entries).map(|field| field.id).collect();
    assert_eq!(fed, ["tasks", "attendance", "study", "households", "praise", "innovation", "late", "complaints"]);
}

/// Content hashes as the engine computed them with serde_json (before its own JSON
/// writer): stored schemes keep their hashes.
#[test]
fn seed_scheme_hashes_are_unchanged() {
    let expected = [
        (S1, "sha256:9ec75efd4574877cbede39decc4085721d4b6732dbb601656803e755166d42da"),
        (
            include_str!("../schemes/s2-hengkou-dept-quarterly.json"),
            "sha256:688e1ed9970b85208ad71c8725aae58349142abd6cee61eee6ac99754b510c8e",
        ),
        (
            include_str!("../schemes/s3-lvyuan-midlevel-halfyear.json"),
            "sha256:d4971f942442a0cd106652ae5f34ef2f9f1c9d2ab54fb70203f7fa1a1cc71422",
        ),
        (
            include_str!("../schemes/s4-wanzhou-head-monthly-street.json"),
            "sha256:f5b54ea5903ba32ae5371c5533979352d8497f74908a8f11e17424bfa3fff3bd",
        ),
        (S5, "sha256:44a8027adaa0fd97f3460e1c56719484cf2940d6660ac2f76e3ceb0243d7d398"),
        (
            include_str!("../benches/monthly-8.json"),
            "sha256:1ff7fb56669fb89b7e68f35261224712a8624b9411f1cd5864554f3137dadda2",
        ),
    ];
    for (json, hash) in expected {
        assert_eq!(CompiledScheme::from_json(json).unwrap().hash(), hash);
    }
}

#[test]
fn a_scheme_with_more_keys_than_results_can_index_is_refused_at_once() {
    let mut scheme: Scheme = serde_json::from_str(S1).unwrap();
    let template = scheme.indicators[0].clone();
    let room = rules_wasm::MAX_ITEMS - scheme.indicators.len() - scheme.vetoes.len() - scheme.coefficients.len();
    for n in 0..room {
        let mut indicator = template.clone();
        indicator.id = format!("extra_{n}");
        scheme.indicators.push(indicator);
    }
    // At the limit the scheme is not too large (the rest of validation, whose duplicate
    // checks compare ids pairwise, would take minutes on it: not run here).
    assert_eq!(scheme.indicators.len() + scheme.vetoes.len() + scheme.coefficients.len(), rules_wasm::MAX_ITEMS);
    scheme.indicators.push(template);
    let problems = rules_wasm::validate_scheme(&scheme);
    assert_eq!(problems.len(), 1, "alone: {problems:?}");
    assert_eq!((problems[0].path.as_str(), problems[0].code.as_str()), ("indicators", "scheme.too_large"));
    assert_eq!(problems[0].message, "指标、否决项和系数共 65536 个，最多 65535 个");
}
