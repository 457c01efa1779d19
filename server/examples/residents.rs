//! Prepares many residents rating one 社会评议 campaign, for wrk to replay against a
//! running release server (`scripts/bench-social.sh`).
//!
//! ```text
//! residents prepare --url http://127.0.0.1:3181 --out bench/tmp --count 40000
//! ```
//!
//! Signs in the demo admin, opens a campaign for the first unit, then — exactly as a phone
//! does — fetches one proof-of-work challenge per resident from the public
//! `/r/{token}/challenge` and solves it. Each resident gets its own device id and one of
//! many client addresses (20 residents per address, under the default limit of 30 per
//! 10 minutes), sent as `X-Forwarded-For`: the bench server runs with
//! `KAOHE_TRUST_PROXY=true`, so the per-address limit is counted for every request as it
//! would be behind a proxy. Writes `residents.txt` (one request per line) and `rate.lua`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{ensure, Context, Result};
use clap::{Parser, Subcommand};
use serde_json::{json, Value};

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Open a campaign, fetch and solve the challenges, write the wrk files.
    Prepare {
        #[arg(long, default_value = "http://127.0.0.1:3000")]
        url: String,
        #[arg(long, default_value = "bench/tmp")]
        out: PathBuf,
        #[arg(long, default_value_t = 40_000)]
        count: usize,
        /// Residents per client address.
        #[arg(long, default_value_t = 20)]
        per_address: usize,
    },
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("http client")
}

async fn sign_in_admin(http: &reqwest::Client, url: &str) -> Result<String> {
    let res = http
        .post(format!("{url}/api/sign_in"))
        .header("sec-fetch-site", "same-origin")
        .header("accept", "application/json")
        .form(&[("username", "admin"), ("password", server::demo::PASSWORD)])
        .send()
        .await?;
    res.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("__Host-kaohe=") && !v.starts_with("__Host-kaohe=;"))
        .map(|v| v.split(';').next().unwrap_or_default().to_string())
        .context("the demo admin could not sign in")
}

/// Opens a campaign for the first unit; returns its `/r/{token}` path.
async fn open_campaign(http: &reqwest::Client, url: &str, cookie: &str) -> Result<String> {
    let board: Value = http
        .post(format!("{url}/api/load_campaigns"))
        .header("sec-fetch-site", "same-origin")
        .header("cookie", cookie)
        .send()
        .await?
        .json()
        .await?;
    let unit = board["units"][0]["id"].as_i64().context("a unit")?;
    let campaign: Value = http
        .post(format!("{url}/api/create_campaign"))
        .header("sec-fetch-site", "same-origin")
        .header("cookie", cookie)
        .json(&json!({ "campaign": { "unit_id": unit, "person_id": null, "period": "2026-11", "days": 1 } }))
        .send()
        .await?
        .json()
        .await?;
    let link = campaign["link"].as_str().with_context(|| format!("no link in {campaign}"))?;
    Ok(format!("/r/{}", link.split_once("/r/").context("a resident link")?.1))
}

/// Fetches `count` challenges with a few concurrent requests.
async fn challenges(
    http: &reqwest::Client,
    url: &str,
    path: &str,
    count: usize,
) -> Result<Vec<altcha_lib_rs::Challenge>> {
    let mut tasks = Vec::new();
    let workers = 8;
    for w in 0..workers {
        let (http, endpoint) = (http.clone(), format!("{url}{path}/challenge"));
        let n = count / workers + usize::from(w < count % workers);
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::with_capacity(n);
            for _ in 0..n {
                out.push(http.get(&endpoint).send().await?.json::<altcha_lib_rs::Challenge>().await?);
            }
            Ok::<_, reqwest::Error>(out)
        }));
    }
    let mut all = Vec::with_capacity(count);
    for t in tasks {
        all.extend(t.await??);
    }
    Ok(all)
}

/// Solves every challenge on all cores.
fn solve_all(challenges: Vec<altcha_lib_rs::Challenge>) -> Result<Vec<String>> {
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    let chunk = challenges.len().div_ceil(cores).max(1);
    let handles: Vec<_> = challenges
        .chunks(chunk)
        .map(|part| {
            let part = part.to_vec();
            std::thread::spawn(move || part.iter().map(server::social::pow::solve).collect::<Result<Vec<_>, _>>())
        })
        .collect();
    let mut out = Vec::new();
    for h in handles {
        out.extend(h.join().map_err(|_| anyhow::anyhow!("a solver panicked"))??);
    }
    Ok(out)
}

/// `application/x-www-form-urlencoded` for our values (base64 needs `+`, `/`, `=` escaped).
fn form_value(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

const LUA: &str = r#"-- generated by `residents prepare`: one line per resident, split across wrk threads
local threads = {}
local count = 0
setup = function(thread)
  thread:set("tid", count)
  count = count + 1
  table.insert(threads, thread)
end
init = function(args)
  mine = {}
  local n = 0
  for line in io.lines(PATH .. "/residents.txt") do
    if n % NTHREADS == tid then
      local device, ip, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
      table.insert(mine, { device = device, ip = ip, body = body })
    end
    n = n + 1
  end
  i = 0
  accepted = 0
  refused = 0
end
request = function()
  i = i + 1
  local r = mine[((i - 1) % #mine) + 1]
  return wrk.format("POST", TARGET, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Sec-Fetch-Site"] = "same-origin",
    ["Cookie"] = "kaohe_device=" .. r.device,
    ["X-Forwarded-For"] = r.ip,
  }, r.body)
end
response = function(status, headers, body)
  if status == 200 then
    accepted = accepted + 1
  else
    refused = refused + 1
    if refused <= 3 then io.stderr:write("status " .. status .. ": " .. body:sub(1, 200) .. "\n") end
  end
end
done = function(summary, latency, requests)
  local a, r = 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("accepted")
    r = r + t:get("refused")
  end
  io.write(string.format("accepted: %d, refused: %d, accepted/s: %.0f\n", a, r, a / (summary.duration / 1e6)))
  io.write(string.format("latency p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
"#;

async fn prepare(url: &str, out: &PathBuf, count: usize, per_address: usize) -> Result<()> {
    let http = client();
    let cookie = sign_in_admin(&http, url).await?;
    let path = open_campaign(&http, url, &cookie).await?;
    let started = Instant::now();
    let fetched = challenges(&http, url, &path, count).await?;
    let fetched_in = started.elapsed();
    let solutions = tokio::task::spawn_blocking(move || solve_all(fetched)).await??;
    ensure!(solutions.len() == count, "solved {} of {count}", solutions.len());
    let mut lines = String::with_capacity(count * 600);
    for (i, solution) in solutions.iter().enumerate() {
        let device = format!("{:032x}", u128::try_from(i).unwrap_or(0) + 1);
        let a = i / per_address.max(1);
        let ip = format!("10.{}.{}.{}", (a >> 16) & 255, (a >> 8) & 255, a & 255);
        let level = ["satisfied", "satisfied", "basic", "dissatisfied"][i % 4];
        let body = format!("level={level}&comment={}&altcha={}", form_value("路灯修好了"), form_value(solution));
        lines.push_str(&format!("{device}\t{ip}\t{body}\n"));
    }
    std::fs::create_dir_all(out)?;
    std::fs::write(out.join("residents.txt"), lines)?;
    let lua =
        format!("PATH = {:?}\nNTHREADS = 2\nTARGET = {:?}\n{LUA}", out.canonicalize()?.display().to_string(), path);
    std::fs::write(out.join("rate.lua"), lua)?;
    println!(
        "{count} residents for {path}: challenges fetched in {:.1} s, solved in {:.1} s; wrote {}",
        fetched_in.as_secs_f64(),
        (started.elapsed() - fetched_in).as_secs_f64(),
        out.join("rate.lua").display()
    );
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    match Cli::parse().command {
        Cmd::Prepare { url, out, count, per_address } => prepare(&url, &out, count, per_address).await,
    }
}
