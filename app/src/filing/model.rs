//! What the phone and the server exchange about a period's report.

use std::collections::BTreeMap;

use rules_wasm::scheme::FilledBy;
use rules_wasm::{CompiledScheme, Evaluation, Filing};
use serde::{Deserialize, Serialize};

/// Limits that keep a one-page report one page (checked on the phone and the server).
pub const MAX_ENTRIES: usize = 20;
pub const MAX_TITLE_CHARS: usize = 60;
pub const MAX_NOTE_CHARS: usize = 300;
pub const MAX_PHOTOS_PER_ENTRY: usize = 3;

/// One piece of key or hard work done this period (实绩): what, how much, a short note
/// and photos. Entries linked to an indicator feed it (the engine counts or sums them).
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct WorkEntry {
    /// Made on the phone, stable across edits.
    pub id: String,
    /// The task from the task list this reports on, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_id: Option<i64>,
    pub title: String,
    /// The scheme indicator this work counts toward, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
    /// Quantity done, as typed (a plain decimal); empty counts as one.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub quantity: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// Ids of uploaded photos.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
}

/// The draft the phone edits and saves: the engine's inputs plus the work entries.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct DraftBody {
    #[serde(default)]
    pub filing: Filing,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entries: Vec<WorkEntry>,
}

/// The scheme a period is filed under, as the phone compiles it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemeInfo {
    pub id: String,
    pub version: u32,
    pub hash: String,
    pub name: String,
    /// The scheme JSON exactly as stored (and hashed).
    pub json: String,
    /// Whether the scheme says how an empty period counts (the "本月无重难点工作" button).
    pub allows_nothing_to_report: bool,
}

impl SchemeInfo {
    /// Compiles the scheme as the browser does: the server validated and hashed it when it
    /// was saved, so it is taken with that hash ([`CompiledScheme::published`]) and neither
    /// validated nor hashed again — which keeps scheme validation and SHA-256 out of the
    /// app's WebAssembly. The server recomputes every submitted score with its own
    /// validated copy, so nothing the browser compiles can change a stored score.
    ///
    /// # Errors
    /// The engine's error when the text is not a scheme.
    pub fn compile(&self) -> Result<CompiledScheme, rules_wasm::Error> {
        let mut scheme = rules_wasm::Scheme::from_json(&self.json)?;
        scheme.hash = Some(self.hash.clone());
        CompiledScheme::published(scheme)
    }
}

/// A task the cadre can report on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskItem {
    pub id: i64,
    pub title: String,
    pub target: String,
    pub deadline: Option<String>,
    pub indicator: Option<String>,
    pub status: String,
}

/// Where a filing is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilingStatus {
    /// 已提交, waiting for the supervising leader.
    Submitted,
    /// 已退回: the leader sent it back; the cadre may change and resubmit.
    Returned,
    /// 已审核 by the supervising leader (level one).
    Reviewed,
    /// 已确认 by the second level.
    Confirmed,
    /// 公示中.
    Published,
    /// 已定档.
    Final,
}

impl FilingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FilingStatus::Submitted => "submitted",
            FilingStatus::Returned => "returned",
            FilingStatus::Reviewed => "reviewed",
            FilingStatus::Confirmed => "confirmed",
            FilingStatus::Published => "published",
            FilingStatus::Final => "final",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Submitted, Self::Returned, Self::Reviewed, Self::Confirmed, Self::Published, Self::Final]
            .into_iter()
            .find(|st| st.as_str() == s)
    }

    /// The statuses in which the cadre may still change (resubmit) the filing.
    pub const EDITABLE_BY_CADRE: [FilingStatus; 2] = [FilingStatus::Submitted, FilingStatus::Returned];

    /// The cadre may still change (resubmit) the filing.
    pub fn editable_by_cadre(self) -> bool {
        Self::EDITABLE_BY_CADRE.contains(&self)
    }
}

/// A submitted filing, as its owner sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub filing_id: i64,
    pub period: String,
    pub revision: i64,
    pub status: FilingStatus,
    pub total: String,
    pub grade: Option<String>,
    pub late: bool,
    pub nothing_to_report: bool,
    /// RFC 3339, UTC.
    pub submitted_at: String,
    /// This answer was stored earlier for the same idempotency key.
    #[serde(default)]
    pub replayed: bool,
}

/// One stored filing in full, for its owner and their reviewers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FilingView {
    pub receipt: Receipt,
    pub person_name: String,
    pub unit_name: String,
    pub period_label: String,
    pub scheme_id: String,
    pub scheme_version: u32,
    pub draft: DraftBody,
    pub result: Evaluation,
}

/// A server-kept draft with the phone's counter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServerDraft {
    pub body: DraftBody,
    pub client_rev: i64,
}

/// Everything the report page needs for one period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FilingContext {
    /// The signed-in user: the phone keys its local drafts and outbox by it.
    pub user_id: i64,
    pub period: String,
    pub period_label: String,
    /// The last on-time day, `YYYY-MM-DD`.
    pub deadline: String,
    /// Today is past the deadline.
    pub overdue: bool,
    pub allow_late: bool,
    pub scheme: SchemeInfo,
    pub tasks: Vec<TaskItem>,
    pub draft: Option<ServerDraft>,
    pub filed: Option<Receipt>,
}

/// A draft as the phone sends it for safekeeping. `client_rev` grows with every change on
/// the phone, so an older copy arriving late never overwrites a newer one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DraftSave {
    pub period: String,
    pub scheme_id: String,
    pub scheme_version: u32,
    pub body: DraftBody,
    pub client_rev: i64,
}

/// A submission: the inputs, the score the phone computed, and a key made before the first
/// attempt so that resending (after a lost answer, or from the offline outbox) is harmless.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Submission {
    pub period: String,
    pub scheme_id: String,
    pub scheme_version: u32,
    pub idempotency_key: String,
    pub draft: DraftBody,
    pub claimed: Evaluation,
}

impl DraftBody {
    /// The engine's filing for this draft: values as entered, stamped with scheme and
    /// period, and the work entries linked to indicators as the engine's entries.
    pub fn engine_filing(&self, scheme_id: &str, version: u32, period: &str) -> Filing {
        let mut filing = self.filing.clone();
        filing.scheme = Some(scheme_id.to_string());
        filing.version = Some(version);
        filing.period = Some(period.to_string());
        filing.entries = self
            .entries
            .iter()
            .filter_map(|e| {
                let indicator = e.indicator.as_deref()?;
                let quantity = e.quantity.trim();
                Some(rules_wasm::Entry::new(indicator, (!quantity.is_empty()).then_some(quantity)))
            })
            .collect();
        filing
    }

    /// Problems with the parts of the draft the engine does not check (lengths, counts),
    /// as `(field path, Chinese message)`.
    pub fn shape_problems(&self) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if self.entries.len() > MAX_ENTRIES {
            problems.push(("entries".to_string(), format!("重点工作最多 {MAX_ENTRIES} 项")));
        }
        for (i, e) in self.entries.iter().enumerate() {
            if e.title.trim().is_empty() {
                problems.push((format!("entries[{i}].title"), "请填写工作内容".to_string()));
            }
            if e.title.chars().count() > MAX_TITLE_CHARS {
                problems.push((format!("entries[{i}].title"), format!("工作内容不超过 {MAX_TITLE_CHARS} 字")));
            }
            if e.note.chars().count() > MAX_NOTE_CHARS {
                problems.push((format!("entries[{i}].note"), format!("说明不超过 {MAX_NOTE_CHARS} 字")));
            }
            if e.evidence.len() > MAX_PHOTOS_PER_ENTRY {
                problems.push((format!("entries[{i}].evidence"), format!("每项最多 {MAX_PHOTOS_PER_ENTRY} 张照片")));
            }
            if !e.quantity.trim().is_empty() && rules_wasm::num::parse_decimal(e.quantity.trim()).is_none() {
                problems.push((format!("entries[{i}].quantity"), "数量应为数字".to_string()));
            }
        }
        problems
    }
}

/// What keeps a cadre from submitting, as field path → Chinese message: the draft's own
/// shape problems and the engine's problems with what the cadre fills. Required inputs
/// that leaders, the assessment office, other systems or evaluations provide later are
/// not the cadre's to fill, so their absence does not block the submission. The phone and
/// the server both decide with this one function.
pub fn submission_problems(scheme: &CompiledScheme, draft: &DraftBody, filing: &Filing) -> BTreeMap<String, String> {
    let mut problems: BTreeMap<String, String> = draft.shape_problems().into_iter().collect();
    if filing.nothing_to_report && scheme.scheme().empty_period.is_some() {
        return problems;
    }
    let filled_by_others: Vec<String> =
        scheme.form().iter().filter(|f| f.filled_by != FilledBy::Own).map(|f| format!("values.{}", f.id)).collect();
    for p in rules_wasm::validate_filing(scheme, filing) {
        if p.code == "value.missing" && filled_by_others.contains(&p.path) {
            continue;
        }
        problems.entry(p.path).or_insert(p.message);
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_compiles_a_scheme_with_the_servers_hash_and_scores_as_the_server() {
        let json = include_str!("../../../rules-wasm/schemes/s1-hanbin-staff-monthly.json");
        let server = CompiledScheme::from_json(json).unwrap();
        let info = SchemeInfo {
            id: "s1-hanbin-staff-monthly".into(),
            version: 1,
            hash: server.hash().to_owned(),
            name: "汉滨".into(),
            json: json.into(),
            allows_nothing_to_report: false,
        };
        let browser = info.compile().unwrap();
        assert_eq!(browser.reference(), server.reference());
        let filing = r#"{"period":"2024-03","values":{"tasks":"95","quality":"88"}}"#;
        assert_eq!(browser.evaluate_json(filing), server.evaluate_json(filing));
        assert!(SchemeInfo { json: "{".into(), ..info }.compile().is_err());
    }

    #[test]
    fn entries_linked_to_an_indicator_reach_the_engine_with_their_quantity() {
        let entry = |indicator: Option<&str>, quantity: &str| WorkEntry {
            id: "e".into(),
            title: "兴安小区商户分流安置".into(),
            indicator: indicator.map(str::to_string),
            quantity: quantity.into(),
            ..Default::default()
        };
        let draft = DraftBody {
            entries: vec![entry(Some("households"), " 2 "), entry(Some("households"), ""), entry(None, "5")],
            ..Default::default()
        };
        let filing = draft.engine_filing("s1", 1, "2026-11");
        assert_eq!(filing.period.as_deref(), Some("2026-11"));
        assert_eq!(
            filing.entries,
            vec![rules_wasm::Entry::new("households", Some("2")), rules_wasm::Entry::new("households", None)]
        );
    }
}
