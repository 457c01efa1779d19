//! Scheme versions: the built-in seed schemes, and compiled schemes kept in memory.
//!
//! A stored (id, version) never changes, so its compiled form can be cached for the life
//! of the process without making the server stateful: every server compiles the same
//! bytes into the same scheme.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use app::error::AppError;
use chrono::NaiveDate;
use rules_wasm::CompiledScheme;

use crate::error::OrInternal;
use crate::storage::schemes::{self, SchemeRow, VersionSpan};
use crate::storage::{self, Conn, Db};

/// The five seed systems, shipped with the server as configuration templates.
pub const BUILTIN: [(&str, &str); 5] = [
    ("s1-hanbin-staff-monthly", include_str!("../../rules-wasm/schemes/s1-hanbin-staff-monthly.json")),
    ("s2-hengkou-dept-quarterly", include_str!("../../rules-wasm/schemes/s2-hengkou-dept-quarterly.json")),
    ("s3-lvyuan-midlevel-halfyear", include_str!("../../rules-wasm/schemes/s3-lvyuan-midlevel-halfyear.json")),
    ("s4-wanzhou-head-monthly-street", include_str!("../../rules-wasm/schemes/s4-wanzhou-head-monthly-street.json")),
    ("s5-quzhou-cadre-quarterly", include_str!("../../rules-wasm/schemes/s5-quzhou-cadre-quarterly.json")),
];

/// A scheme that cannot be stored.
#[derive(Debug, thiserror::Error)]
pub enum SchemeError {
    #[error("方案无效：{0}")]
    Invalid(String),
    #[error("方案 {id} 第 {version} 版已存在且内容不同（已发布的版本不可修改，请发布新版本）")]
    Changed { id: String, version: i64 },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Parses, validates and hashes a scheme into the row that stores it.
///
/// # Errors
/// [`SchemeError::Invalid`] with the engine's problems.
pub fn row_of(json: &str) -> Result<(SchemeRow, CompiledScheme), SchemeError> {
    let compiled = CompiledScheme::from_json(json).map_err(|e| SchemeError::Invalid(e.to_string()))?;
    let scheme = compiled.scheme();
    let date =
        |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| SchemeError::Invalid(format!("日期无效：{s}")));
    let row = SchemeRow {
        id: scheme.id.clone(),
        version: i64::from(scheme.version),
        name: scheme.name.clone(),
        period_kind: app::period::Kind::from(scheme.period).as_str().to_string(),
        hash: compiled.hash().to_string(),
        body: json.to_string(),
        effective_from: date(&scheme.effective_from)?,
        effective_to: scheme.effective_to.as_deref().map(date).transpose()?,
    };
    Ok((row, compiled))
}

/// Stores a scheme version (idempotent for identical content).
///
/// # Errors
/// [`SchemeError::Changed`] when the version exists with other content.
pub async fn publish(conn: &mut Conn<'_>, json: &str) -> Result<SchemeRow, SchemeError> {
    let (row, _) = row_of(json)?;
    schemes::insert_if_absent(conn, &row, storage::now()).await?;
    let stored = schemes::get(conn, &row.id, row.version).await?.ok_or_else(|| SchemeError::Invalid(row.id.clone()))?;
    if stored.hash != row.hash {
        return Err(SchemeError::Changed { id: row.id, version: row.version });
    }
    Ok(stored)
}

/// Installs the built-in schemes that are not stored yet (every start-up; cheap).
///
/// # Errors
/// A built-in scheme that fails validation (a bug) or a database error.
pub async fn install_builtin(db: &Db) -> Result<(), SchemeError> {
    let mut tx = db.begin().await?;
    for (_, json) in BUILTIN {
        publish(&mut tx.conn(), json).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A scheme's identity: its id and version.
type SchemeKey = (String, i64);

/// Stored and compiled schemes by (id, version), shared by all requests.
#[derive(Debug, Default, Clone)]
pub struct SchemeCache {
    inner: Arc<RwLock<HashMap<SchemeKey, Arc<CompiledScheme>>>>,
    rows: Arc<RwLock<HashMap<SchemeKey, Arc<SchemeRow>>>>,
}

impl SchemeCache {
    /// The stored row of (id, version): read once, then from memory. Which version
    /// applies is always asked of the database (new versions get published); a version's
    /// row, once stored, never changes.
    ///
    /// # Errors
    /// The database's, on the first read.
    pub async fn row(
        &self,
        conn: &mut Conn<'_>,
        id: &str,
        version: i64,
    ) -> Result<Option<Arc<SchemeRow>>, sqlx::Error> {
        let key = (id.to_string(), version);
        if let Some(hit) = self.rows.read().ok().and_then(|m| m.get(&key).cloned()) {
            return Ok(Some(hit));
        }
        let Some(row) = schemes::get(conn, id, version).await? else {
            return Ok(None);
        };
        let row = Arc::new(row);
        if let Ok(mut m) = self.rows.write() {
            m.insert(key, row.clone());
        }
        Ok(Some(row))
    }

    /// The compiled scheme of a stored row.
    ///
    /// # Errors
    /// [`AppError::Internal`] if a stored scheme no longer compiles (a bug or tampering).
    pub fn compiled(&self, row: &SchemeRow) -> Result<Arc<CompiledScheme>, AppError> {
        let key = (row.id.clone(), row.version);
        if let Some(hit) = self.inner.read().ok().and_then(|m| m.get(&key).cloned()) {
            return Ok(hit);
        }
        let compiled = Arc::new(CompiledScheme::from_json(&row.body).or_internal("compile stored scheme")?);
        if compiled.hash() != row.hash {
            tracing::error!(id = %row.id, version = row.version, "stored scheme hash mismatch");
            return Err(AppError::Internal);
        }
        if let Ok(mut m) = self.inner.write() {
            m.insert(key, compiled.clone());
        }
        Ok(compiled)
    }
}

/// The newest of `spans` in effect on `day` (what `storage::schemes::effective` asks
/// the database).
pub fn newest_in_effect(spans: &[VersionSpan], day: NaiveDate) -> Option<i64> {
    spans
        .iter()
        .filter(|s| s.effective_from <= day && s.effective_to.is_none_or(|to| day <= to))
        .map(|s| s.version)
        .max()
}

/// Whether a scheme version is in effect on `day`.
pub fn in_effect(row: &SchemeRow, day: NaiveDate) -> bool {
    row.effective_from <= day && row.effective_to.is_none_or(|to| day <= to)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(version: i64, from: &str, to: Option<&str>) -> VersionSpan {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        VersionSpan { version, effective_from: day(from), effective_to: to.map(day) }
    }

    #[test]
    fn the_newest_version_in_effect_on_the_day_applies() {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let spans =
            [span(3, "2027-01-01", None), span(2, "2026-06-01", Some("2026-12-31")), span(1, "2026-01-01", None)];
        assert_eq!(newest_in_effect(&spans, day("2026-03-01")), Some(1));
        assert_eq!(newest_in_effect(&spans, day("2026-11-30")), Some(2));
        assert_eq!(newest_in_effect(&spans, day("2027-02-01")), Some(3));
        assert_eq!(newest_in_effect(&spans, day("2025-12-31")), None);
    }

    #[test]
    fn every_builtin_scheme_compiles_and_names_its_file() {
        for (file, json) in BUILTIN {
            let (row, _) = row_of(json).unwrap_or_else(|e| panic!("{file}: {e}"));
            assert_eq!(row.id, file);
            assert!(row.hash.starts_with("sha256:"));
        }
    }
}
