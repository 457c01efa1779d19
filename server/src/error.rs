//! Turning unexpected failures into [`AppError::Internal`].
//!
//! Kaohe has one error type for everything a client sees: [`app::error::AppError`]
//! (documented there, each variant with its HTTP status). Server code maps expected
//! outcomes to its variants explicitly; everything unexpected (database down, a bug)
//! goes through [`OrInternal`], which logs the cause with context and hands the client
//! an opaque 500, so no SQL, file path or secret leaks.

use std::fmt::Display;

use app::error::AppError;

/// `.or_internal("what we were doing")?` on any `Result` with a displayable error.
pub trait OrInternal<T> {
    /// # Errors
    /// [`AppError::Internal`] when `self` is an error (after logging it).
    fn or_internal(self, context: &'static str) -> Result<T, AppError>;
}

impl<T, E: Display> OrInternal<T> for Result<T, E> {
    fn or_internal(self, context: &'static str) -> Result<T, AppError> {
        self.map_err(|e| internal(context, e))
    }
}

/// Logs an unexpected error with its context and returns the opaque [`AppError::Internal`].
pub fn internal(context: &'static str, error: impl Display) -> AppError {
    tracing::error!(%error, context, "internal error");
    AppError::Internal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unexpected_errors_become_an_opaque_internal_error() {
        let r: Result<(), String> = Err("UNIQUE constraint failed: users.username".into());
        let e = r.or_internal("insert user").unwrap_err();
        assert_eq!(e, AppError::Internal);
        assert!(!e.to_string().contains("UNIQUE"));
    }
}
