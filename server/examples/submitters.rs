//! Drives many cadres submitting their month against a running release server, over
//! real HTTP, exactly as the phone does (the claimed score computed by the engine).
//!
//! ```text
//! submitters prepare --url http://127.0.0.1:3000 --out bench/tmp
//!     signs in every demo cadre filing under the Hanbin staff scheme and writes
//!     bench/tmp/submit.lua for wrk: each request a new idempotency key, so each one
//!     is a revalidated, committed (re)submission.
//! submitters crash --bin target/release/kaohe --database-url sqlite:///tmp/x.db
//!     32 concurrent submitters; the server is killed with SIGKILL mid-load and
//!     restarted; every key ever sent is sent again; then checks that no acknowledged
//!     filing was lost and no key was applied twice.
//! ```
//!
//! Not a test of the suite (it needs the release binary); `scripts/test.sh` runs the
//! crash check and `scripts/bench-submissions.sh` the load, both through this tool.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use clap::{Parser, Subcommand};
use rules_wasm::CompiledScheme;
use serde_json::{json, Value};
use tokio::sync::Mutex;

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Sign the cadres in and write the wrk script.
    Prepare {
        #[arg(long, default_value = "http://127.0.0.1:3000")]
        url: String,
        #[arg(long, default_value = "bench/tmp")]
        out: PathBuf,
    },
    /// Kill the server under load, restart it, replay, and check.
    Crash {
        #[arg(long, default_value = "target/release/kaohe")]
        bin: PathBuf,
        #[arg(long)]
        database_url: String,
        #[arg(long, default_value_t = 32)]
        submitters: usize,
        /// Seconds of load before the kill.
        #[arg(long, default_value_t = 4.0)]
        seconds: f64,
        #[arg(long, default_value_t = 3190)]
        port: u16,
    },
}

/// The demo cadres filing under `s1-hanbin-staff-monthly` (Tier::Staff in every unit).
const STAFF: [&str; 20] = [
    "wangfang", "liuyang", "chenjing", "zhoujie", "wumin", "zhenghao", "machao", "humei", "linfeng", "gaolin",
    "liangyu", "songjia", "fengxue", "dengkai", "xiaonan", "tiantian", "caiqin", "dupeng", "lvbo", "dingjie",
];

/// One cadre ready to submit: their session and a submission with a placeholder key.
#[derive(Clone)]
struct Cadre {
    username: String,
    cookie: String,
    /// The JSON body, with `KEY` where the idempotency key goes.
    template: String,
}

impl Cadre {
    fn body(&self, key: &str) -> String {
        self.template.replacen("\"KEY\"", &format!("\"{key}\""), 1)
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("http client")
}

async fn sign_in(http: &reqwest::Client, url: &str, username: &str) -> Result<Option<String>> {
    let res = http
        .post(format!("{url}/api/sign_in"))
        .header("sec-fetch-site", "same-origin")
        .header("accept", "application/json")
        .form(&[("username", username), ("password", server::demo::PASSWORD)])
        .send()
        .await?;
    if !(res.status().is_success() || res.status().is_redirection()) {
        return Ok(None);
    }
    Ok(res
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("__Host-kaohe=") && !v.starts_with("__Host-kaohe=;"))
        .map(|v| v.split(';').next().unwrap_or_default().to_string()))
}

/// Signs in the demo staff and builds each one's typical-month submission.
async fn prepare(http: &reqwest::Client, url: &str) -> Result<Vec<Cadre>> {
    let mut cadres = Vec::new();
    for username in STAFF {
        let Some(cookie) = sign_in(http, url, username).await? else { continue };
        let ctx: Value = http
            .post(format!("{url}/api/period_report"))
            .header("sec-fetch-site", "same-origin")
            .header("cookie", &cookie)
            .send()
            .await?
            .json()
            .await?;
        if ctx.is_null() || ctx["scheme"]["id"] != "s1-hanbin-staff-monthly" {
            continue;
        }
        let scheme = CompiledScheme::from_json(ctx["scheme"]["json"].as_str().context("scheme json")?)?;
        let draft = json!({
            "filing": { "values": { "tasks": "95", "study": "6", "households": "2" } },
            "entries": [
                { "id": "e1", "title": "兴安小区商户分流安置", "quantity": "2", "note": "一户一策" },
                { "id": "e2", "title": "矛盾纠纷排查台账更新" }
            ]
        });
        let mut filing = draft["filing"].clone();
        filing["scheme"] = ctx["scheme"]["id"].clone();
        filing["version"] = ctx["scheme"]["version"].clone();
        filing["period"] = ctx["period"].clone();
        let claimed = serde_json::to_value(scheme.evaluate_json(&filing.to_string())?)?;
        let body = json!({ "submission": {
            "period": ctx["period"],
            "scheme_id": ctx["scheme"]["id"],
            "scheme_version": ctx["scheme"]["version"],
            "idempotency_key": "KEY",
            "draft": draft,
            "claimed": claimed,
        }});
        cadres.push(Cadre { username: username.to_string(), cookie, template: body.to_string() });
    }
    ensure!(!cadres.is_empty(), "no demo cadre could sign in at {url}");
    Ok(cadres)
}

/// A Lua string literal.
fn lua(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The wrk script: connection-local cadre, a fresh key per request.
fn wrk_script(cadres: &[Cadre]) -> String {
    let mut s = String::from("-- generated by `submitters prepare`\nlocal cadres = {\n");
    for c in cadres {
        let (head, tail) = c.template.split_once("\"KEY\"").expect("placeholder");
        s.push_str(&format!("  {{ cookie = {}, head = {}, tail = {} }},\n", lua(&c.cookie), lua(head), lua(tail)));
    }
    s.push_str(
        r#"}
local counter = 0
local threads = 0
local me = nil
setup = function(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
init = function(args)
  me = cadres[(tid % #cadres) + 1]
  math.randomseed(os.time() + tid)
end
request = function()
  counter = counter + 1
  me = cadres[((tid * 7919 + counter) % #cadres) + 1]
  local key = string.format("wrk-%d-%d-%d-%d", os.time(), tid, counter, math.random(1, 1000000000))
  local headers = {
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json",
    ["Sec-Fetch-Site"] = "same-origin",
    ["Cookie"] = me.cookie,
  }
  return wrk.format("POST", "/api/submit_filing", headers, me.head .. '"' .. key .. '"' .. me.tail)
end
response = function(status, headers, body)
  if status ~= 200 then
    io.stderr:write("status " .. status .. ": " .. body:sub(1, 200) .. "\n")
  end
end
"#,
    );
    s
}

struct Server {
    child: Child,
}

impl Server {
    async fn start(bin: &PathBuf, database_url: &str, port: u16) -> Result<Self> {
        ensure!(
            std::net::TcpListener::bind(("127.0.0.1", port)).is_ok(),
            "port {port} is busy: another server would answer for ours"
        );
        let child = Command::new(bin)
            .args(["serve", "--demo"])
            .env("KAOHE_DATABASE_URL", database_url)
            .env("KAOHE_ADDR", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "error")
            .env("LEPTOS_SITE_ROOT", "target/site")
            .stdout(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        let http = client();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(30) {
            if http.get(format!("http://127.0.0.1:{port}/healthz")).send().await.is_ok_and(|r| r.status().is_success())
            {
                return Ok(Self { child });
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("the server did not become healthy in 30 s")
    }

    fn kill9(mut self) -> Result<()> {
        // Child::kill sends SIGKILL on Unix: no graceful shutdown, no flush.
        self.child.kill()?;
        self.child.wait()?;
        Ok(())
    }
}

/// A failed check must not leave a server behind on the port.
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a submitter learnt: every key it sent, and the revision acknowledged for it.
#[derive(Default)]
struct Ledger {
    sent: Vec<(usize, String)>,
    acked: BTreeMap<String, i64>,
}

/// Sends one submission; `Err` says why it was not acknowledged (status and body, or
/// the transport error).
async fn submit(http: &reqwest::Client, url: &str, cadre: &Cadre, key: &str) -> std::result::Result<i64, String> {
    let res = http
        .post(format!("{url}/api/submit_filing"))
        .header("sec-fetch-site", "same-origin")
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .header("cookie", &cadre.cookie)
        .body(cadre.body(key))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = res.status();
    let body = res.text().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("{status}: {}", body.chars().take(300).collect::<String>()));
    }
    let receipt: Value = serde_json::from_str(&body).map_err(|e| e.to_string())?;
    receipt["revision"].as_i64().ok_or_else(|| format!("no revision in {body}"))
}

async fn crash(bin: PathBuf, database_url: String, submitters: usize, seconds: f64, port: u16) -> Result<()> {
    let url = format!("http://127.0.0.1:{port}");
    let server = Server::start(&bin, &database_url, port).await?;
    let http = client();
    let cadres = Arc::new(prepare(&http, &url).await?);
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);

    let mut tasks = Vec::new();
    for n in 0..submitters {
        let (cadres, ledger, http, url) = (cadres.clone(), ledger.clone(), http.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            let mut i = 0;
            // Keep going past the deadline: the kill lands while requests are in flight.
            while Instant::now() < deadline + Duration::from_secs(2) {
                let c = (n + i * submitters) % cadres.len();
                // Idempotency keys are 16–64 characters.
                let key = format!("crash-{n:03}-{i:08}-key");
                i += 1;
                ledger.lock().await.sent.push((c, key.clone()));
                match submit(&http, &url, &cadres[c], &key).await {
                    Ok(revision) => {
                        ledger.lock().await.acked.insert(key, revision);
                    }
                    Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_secs_f64(seconds)).await;
    server.kill9()?;
    println!("killed the server with SIGKILL after {seconds} s");
    for t in tasks {
        t.await?;
    }

    let server = Server::start(&bin, &database_url, port).await?;
    // Sessions are server rows and survive the restart; replay every key ever sent.
    let ledger = Arc::try_unwrap(ledger).ok().context("ledger still shared")?.into_inner();
    let mut replayed_acked = 0;
    let mut changed = Vec::new();
    for (c, key) in &ledger.sent {
        let revision = submit(&http, &url, &cadres[*c], key)
            .await
            .map_err(|why| anyhow::anyhow!("replay of {key} failed: {why}"))?;
        if let Some(acked) = ledger.acked.get(key) {
            replayed_acked += 1;
            if *acked != revision {
                changed.push(format!("{key}: acknowledged revision {acked}, replay says {revision}"));
            }
        }
    }
    // Each key applied exactly once: a filing's revisions are exactly its distinct keys.
    let mut keys_per_cadre: BTreeMap<usize, usize> = BTreeMap::new();
    for (c, _) in &ledger.sent {
        *keys_per_cadre.entry(*c).or_default() += 1;
    }
    let mut wrong = Vec::new();
    for (c, keys) in &keys_per_cadre {
        let cadre = &cadres[*c];
        let filings: Value = http
            .post(format!("{url}/api/my_filings"))
            .header("sec-fetch-site", "same-origin")
            .header("cookie", &cadre.cookie)
            .send()
            .await?
            .json()
            .await?;
        let revision = filings[0]["revision"].as_i64().unwrap_or(0);
        if revision != *keys as i64 {
            wrong.push(format!("{}: {keys} keys sent, {revision} revisions stored", cadre.username));
        }
    }
    server.kill9()?;
    println!(
        "sent {} keys, {} acknowledged before the kill; replayed all: {} acknowledged receipts unchanged",
        ledger.sent.len(),
        ledger.acked.len(),
        replayed_acked - changed.len()
    );
    println!("lost acknowledged filings: {}", changed.len());
    println!("cadres whose revisions differ from their keys (duplicates or losses): {}", wrong.len());
    ensure!(changed.is_empty() && wrong.is_empty(), "crash test failed:\n{}\n{}", changed.join("\n"), wrong.join("\n"));
    ensure!(!ledger.acked.is_empty(), "nothing was acknowledged before the kill: the test proved nothing");
    println!("crash test passed: 0 lost, 0 duplicates");
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    match Cli::parse().command {
        Cmd::Prepare { url, out } => {
            let cadres = prepare(&client(), &url).await?;
            std::fs::create_dir_all(&out)?;
            let path = out.join("submit.lua");
            std::fs::write(&path, wrk_script(&cadres))?;
            println!("{} cadres signed in; wrote {}", cadres.len(), path.display());
            Ok(())
        }
        Cmd::Crash { bin, database_url, submitters, seconds, port } => {
            crash(bin, database_url, submitters, seconds, port).await
        }
    }
}
