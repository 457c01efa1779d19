//! Building and running the server: storage, keys, routes, graceful shutdown.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

use app::backend::BackendHandle;
use app::{shell, App};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use axum::extract::DefaultBodyLimit;
use axum::extract::FromRef;
use axum::routing::{get, post};
use axum::{middleware, Router};
use chrono::TimeDelta;
use http::header::{HeaderName, HeaderValue};
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{file_and_error_handler_with_context, generate_route_list, AxumRouteListing, LeptosRoutes};
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::auth::token::Keys;
use crate::auth::{Auth, Throttle};
use crate::backend::ServerBackend;
use crate::config::Settings;
use crate::http::{csrf, evidence, gate, health, status};
use crate::social;
use crate::storage::{settings, Db};

/// What axum handlers can extract.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub backend: ServerBackend,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl FromRef<AppState> for ServerBackend {
    fn from_ref(state: &AppState) -> Self {
        state.backend.clone()
    }
}

impl FromRef<AppState> for Db {
    fn from_ref(state: &AppState) -> Self {
        state.backend.db.clone()
    }
}

/// A bound, ready-to-run server.
pub struct Application {
    listener: TcpListener,
    router: Router,
    db: Db,
}

impl Application {
    /// Connects and migrates the database, resolves the signing key, binds the address
    /// (port 0 picks a free port, as tests do) and assembles the routes.
    ///
    /// # Errors
    /// A database that cannot be opened or migrated, or an address that cannot be bound:
    /// start-up must stop with that message.
    pub async fn build(settings: &Settings, leptos_options: LeptosOptions) -> anyhow::Result<Self> {
        let db = Db::connect_and_migrate(&settings.database_url, settings.db_max_connections).await?;
        let secret = signing_key(&db, settings).await?;
        let auth = Auth::new(
            db.clone(),
            Keys::new(&secret),
            TimeDelta::hours(settings.session_hours),
            Throttle {
                max_per_username: settings.login_max_failures,
                max_per_ip: settings.login_max_failures_per_ip,
                window: TimeDelta::minutes(settings.login_window_minutes),
            },
            settings.trust_proxy,
        );
        crate::schemes::install_builtin(&db).await?;
        let social = crate::social::Social::new(&secret, settings);
        let backend = ServerBackend { db: db.clone(), auth, schemes: crate::schemes::SchemeCache::default(), social };
        let listener =
            TcpListener::bind(settings.addr).await.map_err(|e| anyhow::anyhow!("无法监听 {}：{e}", settings.addr))?;
        let router = router(AppState { leptos_options, backend });
        Ok(Self { listener, router, db })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Serves until `shutdown` resolves, then stops accepting, lets requests in flight
    /// finish, seals the audit entries they appended and closes the pool. The audit
    /// log's sealer runs alongside all the while.
    ///
    /// # Errors
    /// An I/O error of the listener.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        let Self { listener, router, db } = self;
        let (stop_sealer, stopped) = tokio::sync::watch::channel(false);
        let sealer = tokio::spawn(crate::sealer::run(db.clone(), stopped));
        let served = axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(shutdown)
            .await;
        let _ = stop_sealer.send(true);
        let _ = sealer.await;
        db.close().await;
        served
    }
}

/// The routes: health, Leptos pages behind the sign-in gate, server functions, static
/// files; CSRF defence, compression, security headers and request tracing around them.
pub fn router(state: AppState) -> Router {
    let routes = page_routes();
    let handle = BackendHandle(Arc::new(state.backend.clone()));
    let context = move || provide_context(handle.clone());
    let options = state.leptos_options.clone();

    let pages = Router::new()
        .leptos_routes_with_context(&state, routes, context.clone(), move || shell(options.clone()))
        .route_layer(middleware::from_fn_with_state(state.backend.clone(), gate::page_gate));

    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/evidence", post(evidence::upload).layer(DefaultBodyLimit::max(evidence::MAX_BYTES + 1024)))
        .route("/evidence/{id}", get(evidence::download))
        // 社会评议: the residents' public page (no session), and the admin's QR codes.
        .route(
            "/r/{token}",
            get(social::resident::open).post(social::resident::submit).layer(DefaultBodyLimit::max(8 * 1024)),
        )
        .route("/r/{token}/challenge", get(social::resident::challenge))
        .route("/admin/campaigns/{id}/qr.svg", get(social::admin::qr_svg))
        .route("/admin/campaigns/{id}/qr.png", get(social::admin::qr_png))
        .route("/admin/campaigns/{id}/poster", get(social::admin::poster))
        .merge(pages)
        .fallback(file_and_error_handler_with_context::<AppState, _>(context, shell))
        .layer(middleware::from_fn(status::status_from_code))
        .layer(middleware::from_fn(csrf::reject_cross_site))
        .layer(CompressionLayer::new())
        .layer(header("x-content-type-options", "nosniff"))
        .layer(header("referrer-policy", "same-origin"))
        .layer(header("x-frame-options", "DENY"))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The app's page routes, listed once per process.
///
/// Why once: Leptos lists them by rendering the app with resource loading suppressed
/// through a process-wide flag (leptos_server's `SuppressResourceLoad`, leptos issue
/// 4773). A page another server of this process renders meanwhile, whose data is first
/// asked for inside that window, waits forever. One server per process never meets this;
/// the integration tests start many, and CI once hung on it. The first call finishes
/// before any server of the process can serve (each needs the list), so no render ever
/// overlaps the listing.
fn page_routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

fn header(name: &'static str, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(HeaderName::from_static(name), HeaderValue::from_static(value))
}

/// The JWT signing key: `KAOHE_SECRET_KEY` when given, otherwise one generated on first
/// start and kept in the database, so every server sharing the database shares the key.
async fn signing_key(db: &Db, settings: &Settings) -> anyhow::Result<Vec<u8>> {
    if let Some(key) = &settings.secret_key {
        return Ok(key.clone());
    }
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let mut pooled = db.acquire().await?;
    let stored = settings::get_or_insert(&mut pooled.conn(), "jwt_secret", &hex::encode(bytes)).await?;
    Ok(stored.into_bytes())
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received, draining");
}
