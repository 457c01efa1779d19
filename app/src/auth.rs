//! Signing in and out, and the signed-in user as the whole app sees it.

use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::*;
use crate::model::SessionUser;
use crate::ui::ErrorText;

/// Who is signed in (`None` when nobody is: that is not an error).
///
/// # Errors
/// [`AppError::Internal`] when the session store cannot be read.
#[server(endpoint = "whoami")]
pub async fn whoami() -> Result<Option<SessionUser>, AppError> {
    use crate::backend::ssr;
    let req = ssr::request()?;
    ssr::with_status(ssr::backend()?.session_user(&req).await)
}

/// Checks the password and opens a session; the session travels in a `__Host-` cookie.
/// On success the browser is sent to the user's home page.
///
/// # Errors
/// [`AppError::InvalidCredentials`], [`AppError::RateLimited`], [`AppError::Invalid`]
/// for empty fields.
#[server(endpoint = "sign_in")]
pub async fn sign_in(username: String, password: String) -> Result<(), AppError> {
    use crate::backend::ssr;
    let result = async {
        let req = ssr::request()?;
        let signed_in = ssr::backend()?.sign_in(&req, username, password).await?;
        set_cookie(&signed_in.set_cookie)?;
        leptos_axum::redirect(signed_in.user.home());
        Ok(())
    }
    .await;
    ssr::with_status(result)
}

/// Ends the session on the server (every app server sees it at once) and clears the cookie.
///
/// # Errors
/// [`AppError::Internal`] when the session store cannot be written.
#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::backend::ssr;
    let result = async {
        let req = ssr::request()?;
        let cookie = ssr::backend()?.sign_out(&req).await?;
        set_cookie(&cookie)?;
        leptos_axum::redirect("/login");
        Ok(())
    }
    .await;
    ssr::with_status(result)
}

#[cfg(feature = "ssr")]
fn set_cookie(value: &str) -> Result<(), AppError> {
    let options = use_context::<leptos_axum::ResponseOptions>().ok_or(AppError::Internal)?;
    let value = http::HeaderValue::from_str(value).map_err(|_| AppError::Internal)?;
    options.append_header(http::header::SET_COOKIE, value);
    Ok(())
}

/// The session as the UI shares it: the sign-in/out actions and the current user,
/// re-read whenever either action completes.
#[derive(Clone, Copy)]
pub struct Session {
    pub sign_in: ServerAction<SignIn>,
    pub sign_out: ServerAction<SignOut>,
    pub user: Resource<Result<Option<SessionUser>, AppError>>,
}

/// Creates the session context; called once by [`crate::App`].
pub fn provide_session() -> Session {
    let sign_in = ServerAction::<SignIn>::new();
    let sign_out = ServerAction::<SignOut>::new();
    let user = Resource::new(move || (sign_in.version().get(), sign_out.version().get()), |_| whoami());
    let session = Session { sign_in, sign_out, user };
    provide_context(session);
    session
}

/// The session context.
///
/// # Panics
/// Outside [`crate::App`], which provides it.
pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// 登录: user name and password. Works without WebAssembly too (a plain form post).
#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let error = move || session.sign_in.value().get().and_then(Result::err);
    let pending = session.sign_in.pending();

    view! {
        <div class="login-page">
            <header class="login-brand">
                <div class="login-logo" aria-hidden="true">"考"</div>
                <h1>{t!(i18n, app_name)}</h1>
                <p>{t!(i18n, app_tagline)}</p>
            </header>
            <ActionForm action=session.sign_in attr:class="card login-form">
                <h2>{t!(i18n, login_title)}</h2>
                <label class="field">
                    <span>{t!(i18n, login_username)}</span>
                    <input
                        name="username"
                        autocomplete="username"
                        autocapitalize="none"
                        required
                        data-testid="login-username"
                    />
                </label>
                <label class="field">
                    <span>{t!(i18n, login_password)}</span>
                    <input
                        type="password"
                        name="password"
                        autocomplete="current-password"
                        required
                        data-testid="login-password"
                    />
                </label>
                {move || {
                    error()
                        .map(|e| {
                            view! {
                                <p class="form-error" role="alert" data-testid="login-error">
                                    <ErrorText error=e />
                                </p>
                            }
                        })
                }}
                <button class="btn btn-primary btn-block" type="submit" disabled=pending data-testid="login-submit">
                    {move || if pending.get() { t_string!(i18n, login_submitting) } else { t_string!(i18n, login_submit) }}
                </button>
            </ActionForm>
        </div>
    }
}
