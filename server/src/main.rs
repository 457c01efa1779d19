//! `kaohe`: serve the app, load the demo district, add an admin, or verify the audit log.

use std::io::BufRead;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use leptos::config::get_configuration;
use server::config::Settings;
use server::startup::{shutdown_signal, Application};
use server::storage::{self, audit, users, Db};
use server::{demo, telemetry};

#[derive(Parser)]
#[command(name = "kaohe", about = "考核 Kaohe: routine assessment of cadres", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the app (the default).
    Serve {
        /// Load the demo district first if the database is empty, and print its sign-ins.
        #[arg(long)]
        demo: bool,
    },
    /// Migrate the database and load the demo district into it (it must be empty).
    LoadDemo,
    /// Migrate the database and add an organisation-department admin account.
    /// The password is read from KAOHE_ADMIN_PASSWORD or the first line of stdin.
    AddAdmin {
        #[arg(long)]
        username: String,
        #[arg(long, default_value = "组织部管理员")]
        display_name: String,
    },
    /// Seal pending audit entries, then re-compute the hash chain; fails naming the first
    /// broken entry.
    VerifyAudit,
}

/// mimalloc: under load every request allocates (JSON, SQL rows, the engine's values)
/// from many threads at once, which glibc's allocator serves more slowly.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("启动失败: {e}");
            return ExitCode::FAILURE;
        }
    };
    telemetry::init(settings.log_json);
    let result = match Cli::parse().command.unwrap_or(Command::Serve { demo: false }) {
        Command::Serve { demo } => serve(settings, demo).await,
        Command::LoadDemo => load_demo(&settings).await,
        Command::AddAdmin { username, display_name } => add_admin(&settings, &username, &display_name).await,
        Command::VerifyAudit => verify_audit(&settings).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e:#}");
            eprintln!("失败: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(settings: Settings, with_demo: bool) -> anyhow::Result<()> {
    let mut leptos_options = get_configuration(None)?.leptos_options;
    if leptos_options.output_name.is_empty() {
        leptos_options.output_name = "kaohe".into();
    }
    leptos_options.site_addr = settings.addr;
    tracing::info!(settings = ?settings, "starting");
    let app = Application::build(&settings, leptos_options).await?;
    if with_demo {
        match demo::load(app.db()).await {
            Ok(loaded) => tracing::info!(?loaded, "demo district loaded"),
            Err(demo::DemoError::NotEmpty) => tracing::info!("database has users; demo district not loaded again"),
            Err(e) => return Err(e.into()),
        }
        println!("{}", demo::sign_in_help(&app.local_addr().to_string()));
    }
    tracing::info!(addr = %app.local_addr(), "listening");
    app.run_until(shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

async fn load_demo(settings: &Settings) -> anyhow::Result<()> {
    let db = Db::connect_and_migrate(&settings.database_url, 2).await?;
    let loaded = demo::load(&db).await?;
    println!("已载入演示数据：{} 个单位、{} 人、{} 个账号", loaded.units, loaded.people, loaded.accounts);
    println!("{}", demo::sign_in_help(&settings.addr.to_string()));
    Ok(())
}

async fn add_admin(settings: &Settings, username: &str, display_name: &str) -> anyhow::Result<()> {
    let password = match std::env::var("KAOHE_ADMIN_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_string()
        }
    };
    if password.chars().count() < 12 {
        anyhow::bail!("管理员密码至少 12 个字符");
    }
    let db = Db::connect_and_migrate(&settings.database_url, 2).await?;
    let hash = server::auth::password::hash(password).await?;
    let mut tx = db.begin().await?;
    let user = users::NewUser { username, password_hash: &hash, person_id: None, display_name };
    let id = users::insert(&mut tx.conn(), &user, storage::now()).await.map_err(|e| {
        if storage::is_unique_violation(&e) {
            anyhow::anyhow!("用户名 {username} 已存在")
        } else {
            e.into()
        }
    })?;
    users::add_role(&mut tx.conn(), id, "admin").await?;
    tx.commit().await?;
    println!("已添加管理员 {username}");
    Ok(())
}

async fn verify_audit(settings: &Settings) -> anyhow::Result<()> {
    let db = Db::connect_and_migrate(&settings.database_url, 1).await?;
    // Seal what a server has not sealed yet (after a crash, or with none running), as a
    // server would, so that the check covers every entry.
    audit::seal_all(&db).await?;
    let mut pooled = db.acquire().await?;
    let report = audit::verify(&mut pooled.conn()).await?;
    match report.first_broken {
        None => {
            println!("审计日志完整：{} 条记录，哈希链校验通过（{} 条待封存）", report.entries, report.pending);
            Ok(())
        }
        Some(id) => anyhow::bail!("审计日志被改动：第一条不一致的记录 id = {id}（共 {} 条）", report.entries),
    }
}
