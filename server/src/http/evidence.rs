//! Photo evidence: `POST /evidence` (the photo as the body) and `GET /evidence/{id}`.
//!
//! Plain endpoints rather than server functions: the body is binary and the browser
//! loads photos with `<img src>`. Photos live in the database so servers stay stateless;
//! the id is derived from owner and content, so re-uploading the same photo is harmless.

use app::error::AppError;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use http::{header, HeaderMap, HeaderValue};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::error_response;
use crate::backend::ServerBackend;
use crate::error::OrInternal;
use crate::rights;
use crate::storage::{self, evidence, org};

/// The largest photo accepted (the phone shrinks photos to ~200 KB before upload).
pub const MAX_BYTES: usize = 2 * 1024 * 1024;

/// The image type the bytes really are (by their magic number), if accepted.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Some("image/jpeg"),
        [0x89, b'P', b'N', b'G', ..] => Some("image/png"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some("image/webp"),
        _ => None,
    }
}

fn evidence_id(person_id: i64, bytes: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(person_id.to_be_bytes());
    h.update(bytes);
    hex::encode(&h.finalize()[..16])
}

pub async fn upload(State(backend): State<ServerBackend>, headers: HeaderMap, body: Bytes) -> Response {
    match upload_inner(&backend, &headers, &body).await {
        Ok(id) => (http::StatusCode::CREATED, Json(json!({ "id": id }))).into_response(),
        Err(e) => error_response(&e),
    }
}

async fn upload_inner(backend: &ServerBackend, headers: &HeaderMap, body: &[u8]) -> Result<String, AppError> {
    let user = backend.auth.session_user(headers).await?.ok_or(AppError::Unauthenticated)?;
    rights::require_role(&user, app::model::Role::Cadre)?;
    let person_id = user.person_id.ok_or(AppError::Forbidden)?;
    if body.len() > MAX_BYTES {
        return Err(AppError::invalid("photo", "照片不能超过 2 MB"));
    }
    let content_type = sniff(body).ok_or_else(|| AppError::invalid("photo", "只接受 JPEG、PNG 或 WebP 照片"))?;
    let id = evidence_id(person_id, body);
    let mut tx = backend.db.begin().await.or_internal("begin")?;
    evidence::insert(&mut tx.conn(), &id, person_id, content_type, body, storage::now()).await.or_internal("insert")?;
    tx.commit().await.or_internal("commit")?;
    Ok(id)
}

pub async fn download(State(backend): State<ServerBackend>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    match download_inner(&backend, &id, &headers).await {
        Ok((content_type, bytes)) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
                // Content-addressed and private: the browser may keep it, proxies may not.
                (header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=31536000, immutable")),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => error_response(&e),
    }
}

async fn download_inner(
    backend: &ServerBackend,
    id: &str,
    headers: &HeaderMap,
) -> Result<(&'static str, Vec<u8>), AppError> {
    let user = backend.auth.session_user(headers).await?.ok_or(AppError::Unauthenticated)?;
    if id.len() != 32 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    let mut pooled = backend.db.acquire().await.or_internal("acquire")?;
    let mut conn = pooled.conn();
    let photo = evidence::get(&mut conn, id).await.or_internal("evidence")?.ok_or(AppError::NotFound)?;
    let owner = org::person(&mut conn, photo.person_id).await.or_internal("person")?.ok_or(AppError::NotFound)?;
    rights::require_person_access(&user, owner.id, owner.unit_id)?;
    let content_type = sniff(&photo.bytes).unwrap_or("application/octet-stream");
    Ok((content_type, photo.bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_real_images_are_accepted() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Some("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n"), Some("image/png"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff(b"<svg onload=alert(1)>"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn ids_depend_on_owner_and_content() {
        assert_eq!(evidence_id(1, b"x"), evidence_id(1, b"x"));
        assert_ne!(evidence_id(1, b"x"), evidence_id(2, b"x"));
        assert_eq!(evidence_id(1, b"x").len(), 32);
    }
}
