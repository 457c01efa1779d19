//! The one error type of Kaohe's API.
//!
//! Every server function returns `Result<_, AppError>`. On the wire it is JSON tagged by a
//! stable machine `code` (`{"code":"forbidden"}`), the HTTP status says the same thing, and
//! the phone shows the Chinese (or English) text for the code through i18n. Database and
//! other unexpected failures are logged on the server and leave it as an opaque
//! [`AppError::Internal`]: no SQL, paths or secrets reach the client.

use std::collections::BTreeMap;

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// What went wrong, as the client and the logs see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum AppError {
    /// 401 — no valid session (signed out, expired, revoked or disabled).
    #[error("请先登录")]
    Unauthenticated,
    /// 401 — user name or password wrong. Deliberately does not say which.
    #[error("用户名或密码错误")]
    InvalidCredentials,
    /// 429 — too many failed sign-ins for this user name or address.
    #[error("登录尝试过多，请 {retry_after_secs} 秒后再试")]
    RateLimited { retry_after_secs: u64 },
    /// 403 — signed in, but this record or action is not yours.
    #[error("无权访问")]
    Forbidden,
    /// 403 — a state-changing request came from another site (CSRF defence).
    #[error("请求来源不受信任")]
    CrossSite,
    /// 404 — no such record.
    #[error("未找到")]
    NotFound,
    /// 422 — input rejected; `fields` maps a field to its Chinese message.
    #[error("输入有误")]
    Invalid { fields: BTreeMap<String, String> },
    /// 422 — the score the phone claimed is not what the server's engine computes from the
    /// same inputs; the submission is refused and nothing is stored.
    #[error("提交的得分与服务器复核结果不一致，已拒收")]
    ScoreMismatch { differences: Vec<Mismatch> },
    /// 409 — the record changed meanwhile or already exists.
    #[error("数据已被修改，请刷新后重试：{message}")]
    Conflict { message: String },
    /// 500 — unexpected; details are in the server log only.
    #[error("服务器内部错误，请稍后再试")]
    Internal,
    /// The request did not reach the server or its answer could not be read
    /// (offline, timeout, malformed response). Never sent by the server itself.
    #[error("网络异常：{message}")]
    Transport { message: String },
}

/// One place where the phone's claimed result and the server's differ.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mismatch {
    /// e.g. `total`, `items.tasks.points`.
    pub path: String,
    pub server: String,
    pub client: String,
}

impl AppError {
    /// The HTTP status this error is sent with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated | AppError::InvalidCredentials => 401,
            AppError::RateLimited { .. } => 429,
            AppError::Forbidden | AppError::CrossSite => 403,
            AppError::NotFound => 404,
            AppError::Invalid { .. } | AppError::ScoreMismatch { .. } => 422,
            AppError::Conflict { .. } => 409,
            AppError::Internal => 500,
            AppError::Transport { .. } => 503,
        }
    }

    /// The stable machine code, the same as the JSON `code` tag.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::InvalidCredentials => "invalid_credentials",
            AppError::RateLimited { .. } => "rate_limited",
            AppError::Forbidden => "forbidden",
            AppError::CrossSite => "cross_site",
            AppError::NotFound => "not_found",
            AppError::Invalid { .. } => "invalid",
            AppError::ScoreMismatch { .. } => "score_mismatch",
            AppError::Conflict { .. } => "conflict",
            AppError::Internal => "internal",
            AppError::Transport { .. } => "transport",
        }
    }

    /// One invalid field with its message.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid { fields: BTreeMap::from([(field.to_string(), message.into())]) }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The server could not parse what was sent: the client's fault, say so.
            ServerFnErrorErr::Args(m) | ServerFnErrorErr::MissingArg(m) => AppError::invalid("request", m),
            ServerFnErrorErr::Request(m) | ServerFnErrorErr::Deserialization(m) | ServerFnErrorErr::Response(m) => {
                AppError::Transport { message: m }
            }
            _ => AppError::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_travel_as_json_tagged_by_their_code() {
        let json = serde_json::to_string(&AppError::Forbidden).unwrap();
        assert_eq!(json, r#"{"code":"forbidden"}"#);
        let limited = AppError::RateLimited { retry_after_secs: 60 };
        let json = serde_json::to_value(&limited).unwrap();
        assert_eq!(json["code"], limited.code());
        assert_eq!(serde_json::from_value::<AppError>(json).unwrap(), limited);
    }

    #[test]
    fn every_error_has_a_chinese_message_and_a_status() {
        let all = [
            AppError::Unauthenticated,
            AppError::InvalidCredentials,
            AppError::RateLimited { retry_after_secs: 1 },
            AppError::Forbidden,
            AppError::CrossSite,
            AppError::NotFound,
            AppError::invalid("x", "y"),
            AppError::ScoreMismatch { differences: vec![] },
            AppError::Conflict { message: "m".into() },
            AppError::Internal,
            AppError::Transport { message: "t".into() },
        ];
        for e in all {
            assert!(!e.to_string().is_ascii(), "{e:?} should speak Chinese");
            assert!((400..600).contains(&e.status()));
            assert_eq!(serde_json::to_value(&e).unwrap()["code"], e.code());
        }
    }
}
