//! A fake GitHub REST API on 127.0.0.1: plain HTTP/1.1 over `std::net::TcpListener`, one thread
//! per connection, `Connection: close`. It serves the four lists deploy-check reads (check runs,
//! combined status, check suites, workflow runs) with real pagination, one workflow run by id,
//! canned error replies, and records every request it saw.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

const CHECK_RUNS: &str = include_str!("fixtures/commit_check_runs.json");
const CHECK_SUITES: &str = include_str!("fixtures/list_check_suites_for_ref.json");
const WORKFLOW_RUN_EVENT: &str = include_str!("fixtures/workflow_run_event.json");

/// What GitHub says about the commit at one moment.
#[derive(Debug, Clone, Default)]
pub struct Frame {
    pub check_runs: Vec<Value>,
    pub statuses: Vec<Value>,
    pub suites: Vec<Value>,
    pub workflow_runs: Vec<Value>,
}

impl Frame {
    pub fn runs(check_runs: Vec<Value>) -> Frame {
        Frame {
            check_runs,
            ..Frame::default()
        }
    }
}

/// A reply served verbatim.
#[derive(Debug, Clone)]
pub struct Canned {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Canned {
    pub fn json(status: u16, body: &Value) -> Canned {
        Canned {
            status,
            headers: vec![(
                "Content-Type".into(),
                "application/json; charset=utf-8".into(),
            )],
            body: body.to_string(),
        }
    }

    /// GitHub's error body: `{message, documentation_url}`.
    pub fn error(status: u16, message: &str) -> Canned {
        Canned::json(
            status,
            &json!({"message": message, "documentation_url": "https://docs.github.com/rest", "status": status.to_string()}),
        )
    }

    pub fn header(mut self, k: &str, v: &str) -> Canned {
        self.headers.push((k.into(), v.into()));
        self
    }
}

/// One request the server saw.
#[derive(Debug, Clone)]
pub struct Seen {
    /// Path and query, without the configured prefix.
    pub target: String,
    pub authorization: Option<String>,
    pub if_none_match: Option<String>,
    /// The status the server answered with (`None`: it did not answer).
    pub status: Option<u16>,
}

#[derive(Default)]
struct State {
    frames: Vec<Frame>,
    rounds: usize,
    page_size: usize,
    /// Served to every request whose target contains the key (after `canned` runs out).
    sticky: Vec<(String, Canned)>,
    /// Served once, to the first request whose target contains the key.
    once: Vec<(String, Canned)>,
    /// Reply to nothing: hold the connection open.
    hang: bool,
    /// `GET /repos/{o}/{r}/actions/runs/{id}`.
    runs_by_id: Vec<Value>,
    /// Put the `Authorization` header into every error message (to prove it is scrubbed).
    echo_auth: bool,
    /// `GET /repos/{o}/{r}/actions/runs/{id}/attempts/{n}`: earlier attempts of runs.
    attempts: Vec<Value>,
    /// Runner names of jobs, by check-run id (for the jobs list).
    runners: Vec<(u64, String)>,
    /// `GET /repos/{o}/{r}/rules/branches/{branch}` (`None`: an empty list, as GitHub answers
    /// for a branch without rules).
    rules: Option<Canned>,
    /// `GET …/branches/{branch}/protection/required_status_checks` (`None`: 404 "Branch not
    /// protected").
    protection: Option<Canned>,
    /// `GET /repos/{o}/{r}`'s `default_branch` (`None`: a 404).
    default_branch: Option<String>,
    seen: Vec<Seen>,
}

pub struct FakeGithub {
    /// The API root to hand gatekeeper (with the prefix, if any).
    pub url: String,
    prefix: String,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    port: u16,
}

impl FakeGithub {
    pub fn start(frames: Vec<Frame>) -> FakeGithub {
        FakeGithub::start_with_prefix(frames, "")
    }

    /// A server whose API lives under `prefix`, as GitHub Enterprise's `/api/v3`.
    pub fn start_with_prefix(frames: Vec<Frame>, prefix: &str) -> FakeGithub {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the fake GitHub");
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(State {
            frames,
            page_size: 100,
            default_branch: Some("main".into()),
            ..State::default()
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let (st, sp, pre) = (state.clone(), stop.clone(), prefix.to_owned());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if sp.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (st, pre) = (st.clone(), pre.clone());
                std::thread::spawn(move || serve(conn, &st, &pre, port));
            }
        });
        FakeGithub {
            url: format!("http://127.0.0.1:{port}{prefix}"),
            prefix: prefix.to_owned(),
            state,
            stop,
            port,
        }
    }

    /// Serve lists in pages of at most `n` items, whatever `per_page` asks.
    pub fn page_size(&self, n: usize) {
        self.state.lock().unwrap().page_size = n;
    }

    /// A reply for the next request whose path and query contain `needle`, once.
    pub fn once(&self, needle: &str, reply: Canned) {
        self.state.lock().unwrap().once.push((needle.into(), reply));
    }

    /// A reply for every request whose path and query contain `needle`.
    pub fn always(&self, needle: &str, reply: Canned) {
        self.state
            .lock()
            .unwrap()
            .sticky
            .push((needle.into(), reply));
    }

    pub fn hang(&self) {
        self.state.lock().unwrap().hang = true;
    }

    pub fn echo_auth(&self) {
        self.state.lock().unwrap().echo_auth = true;
    }

    pub fn add_run_by_id(&self, run: Value) {
        self.state.lock().unwrap().runs_by_id.push(run);
    }

    /// An earlier attempt of a workflow run (a full run object with its `run_attempt`).
    pub fn add_attempt(&self, run: Value) {
        self.state.lock().unwrap().attempts.push(run);
    }

    /// The runner a job (by its check-run id) runs on.
    pub fn runner(&self, check_run_id: u64, name: &str) {
        self.state
            .lock()
            .unwrap()
            .runners
            .push((check_run_id, name.into()));
    }

    /// The rules endpoint's reply: a 200 with these rules, or a canned error.
    pub fn rules(&self, reply: Canned) {
        self.state.lock().unwrap().rules = Some(reply);
    }

    pub fn protection(&self, reply: Canned) {
        self.state.lock().unwrap().protection = Some(reply);
    }

    pub fn default_branch(&self, branch: Option<&str>) {
        self.state.lock().unwrap().default_branch = branch.map(Into::into);
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.state.lock().unwrap().seen.clone()
    }

    /// How many times the check runs were read from their first page.
    pub fn rounds(&self) -> usize {
        self.state.lock().unwrap().rounds
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }
}

impl Drop for FakeGithub {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve(mut conn: TcpStream, state: &Mutex<State>, prefix: &str, port: u16) {
    conn.set_read_timeout(Some(Duration::from_secs(10))).ok();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match conn.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let head = String::from_utf8_lossy(&buf).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or("");
    let target = request_line.split(' ').nth(1).unwrap_or("/").to_owned();
    let headers: Vec<(String, String)> = lines
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let authorization = header("authorization");
    let if_none_match = header("if-none-match");
    let target = target.strip_prefix(prefix).unwrap_or(&target).to_owned();

    let reply = {
        let mut st = state.lock().unwrap();
        st.seen.push(Seen {
            target: target.clone(),
            authorization: authorization.clone(),
            if_none_match: if_none_match.clone(),
            status: None,
        });
        if st.hang {
            None
        } else {
            let once = st
                .once
                .iter()
                .position(|(k, _)| target.contains(k.as_str()));
            let mut reply = match once {
                Some(i) => st.once.remove(i).1,
                None => match st.sticky.iter().find(|(k, _)| target.contains(k.as_str())) {
                    Some((_, c)) => c.clone(),
                    None => with_etag(
                        route(&mut st, &target, prefix, port),
                        if_none_match.as_deref(),
                    ),
                },
            };
            if st.echo_auth && reply.status >= 400 {
                reply.body = json!({"message": format!("Bad credentials: you sent `{}`", authorization.clone().unwrap_or_default())}).to_string();
                reply.headers = vec![("Content-Type".into(), "application/json".into())];
            }
            if let Some(last) = st.seen.last_mut() {
                last.status = Some(reply.status);
            }
            Some(reply)
        }
    };
    let Some(reply) = reply else {
        // Hold the connection without answering until the client gives up.
        std::thread::sleep(Duration::from_secs(30));
        return;
    };
    let mut out = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (k, v) in &reply.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        reply.body.len()
    ));
    out.push_str(&reply.body);
    let _ = conn.write_all(out.as_bytes());
    let _ = conn.flush();
}

/// GitHub's conditional requests: a 200 carries an ETag of its body, and a request whose
/// `If-None-Match` equals the current ETag gets an empty 304.
fn with_etag(reply: Canned, if_none_match: Option<&str>) -> Canned {
    use std::hash::{Hash, Hasher};
    if reply.status != 200 {
        return reply;
    }
    let mut h = std::collections::hash_map::DefaultHasher::new();
    reply.body.hash(&mut h);
    let etag = format!("W/\"{:016x}\"", h.finish());
    if if_none_match == Some(etag.as_str()) {
        return Canned {
            status: 304,
            headers: vec![("ETag".into(), etag)],
            body: String::new(),
        };
    }
    reply.header("ETag", &etag)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        304 => "Not Modified",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Whatever",
    }
}

fn query_param(query: &str, key: &str) -> Option<String> {
    query.split('&').find_map(|kv| {
        kv.split_once('=')
            .filter(|(k, _)| *k == key)
            .map(|(_, v)| v.to_owned())
    })
}

fn route(st: &mut State, target: &str, prefix: &str, port: u16) -> Canned {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let page: usize = query_param(query, "page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1);
    let per_page: usize = query_param(query, "per_page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(30);
    let frame_of = |st: &State| {
        let i = st
            .rounds
            .saturating_sub(1)
            .min(st.frames.len().saturating_sub(1));
        st.frames.get(i).cloned().unwrap_or_default()
    };
    match parts.as_slice() {
        ["repos", _, _, "commits", _, "check-runs"] => {
            if page == 1 {
                st.rounds += 1;
            }
            let items = frame_of(st).check_runs;
            paged(
                st,
                &items,
                "check_runs",
                json!({}),
                path,
                query,
                page,
                per_page,
                prefix,
                port,
            )
        }
        ["repos", _, _, "commits", sha, "status"] => {
            let items = frame_of(st).statuses;
            let state = combined_state(&items);
            let extra = json!({
                "state": state,
                "sha": sha,
                "commit_url": format!("https://api.github.com/repos/acme/shop/commits/{sha}"),
                "url": format!("https://api.github.com/repos/acme/shop/commits/{sha}/status"),
            });
            paged(
                st, &items, "statuses", extra, path, query, page, per_page, prefix, port,
            )
        }
        ["repos", _, _, "commits", _, "check-suites"] => {
            let items = frame_of(st).suites;
            paged(
                st,
                &items,
                "check_suites",
                json!({}),
                path,
                query,
                page,
                per_page,
                prefix,
                port,
            )
        }
        ["repos", _, _, "actions", "runs"] => {
            let items = frame_of(st).workflow_runs;
            paged(
                st,
                &items,
                "workflow_runs",
                json!({}),
                path,
                query,
                page,
                per_page,
                prefix,
                port,
            )
        }
        ["repos", _, _, "actions", "runs", id] => {
            match st
                .runs_by_id
                .iter()
                .find(|r| r["id"].as_u64().is_some_and(|n| id.parse() == Ok(n)))
            {
                Some(r) => Canned::json(200, r),
                None => Canned::error(404, "Not Found"),
            }
        }
        ["repos", _, _, "actions", "runs", id, "attempts", n] => {
            let (id, n): (u64, u64) = (id.parse().unwrap_or(0), n.parse().unwrap_or(0));
            match st
                .attempts
                .iter()
                .find(|r| r["id"].as_u64() == Some(id) && r["run_attempt"].as_u64() == Some(n))
            {
                Some(r) => Canned::json(200, r),
                None => Canned::error(404, "Not Found"),
            }
        }
        ["repos", _, _, "actions", "runs", id, "jobs"]
        | ["repos", _, _, "actions", "runs", id, "attempts", _, "jobs"] => {
            let id: u64 = id.parse().unwrap_or(0);
            let frame = frame_of(st);
            let suite = st
                .runs_by_id
                .iter()
                .chain(frame.workflow_runs.iter())
                .find(|r| r["id"].as_u64() == Some(id))
                .and_then(|r| r["check_suite_id"].as_u64());
            let jobs: Vec<Value> = frame
                .check_runs
                .iter()
                .filter(|c| suite.is_some() && c["check_suite"]["id"].as_u64() == suite)
                .map(|c| {
                    let cid = c["id"].as_u64().unwrap_or(0);
                    let runner = st
                        .runners
                        .iter()
                        .find(|(k, _)| *k == cid)
                        .map(|(_, n)| n.clone());
                    job_of(c, id, runner.as_deref())
                })
                .collect();
            paged(
                st,
                &jobs,
                "jobs",
                json!({}),
                path,
                query,
                page,
                per_page,
                prefix,
                port,
            )
        }
        ["repos", _, _] => match &st.default_branch {
            Some(b) => Canned::json(
                200,
                &json!({"id": 1, "name": "shop", "full_name": "acme/shop", "private": true, "default_branch": b}),
            ),
            None => Canned::error(404, "Not Found"),
        },
        ["repos", _, _, "rules", "branches", ..] => st
            .rules
            .clone()
            .unwrap_or_else(|| Canned::json(200, &json!([]))),
        [
            "repos",
            _,
            _,
            "branches",
            _,
            "protection",
            "required_status_checks",
        ] => st
            .protection
            .clone()
            .unwrap_or_else(|| Canned::error(404, "Branch not protected")),
        _ => Canned::error(404, "Not Found"),
    }
}

/// GitHub's rule for the combined state: failure if any context is error or failure, pending
/// if there are none or one is pending, success otherwise.
fn combined_state(statuses: &[Value]) -> &'static str {
    let states: Vec<&str> = statuses
        .iter()
        .filter_map(|s| s["state"].as_str())
        .collect();
    if states.iter().any(|s| matches!(*s, "error" | "failure")) {
        "failure"
    } else if states.is_empty() || states.contains(&"pending") {
        "pending"
    } else {
        "success"
    }
}

#[expect(
    clippy::too_many_arguments,
    reason = "a test helper mirroring one reply's parts"
)]
fn paged(
    st: &State,
    items: &[Value],
    key: &str,
    mut body: Value,
    path: &str,
    query: &str,
    page: usize,
    per_page: usize,
    prefix: &str,
    port: u16,
) -> Canned {
    let size = per_page.min(st.page_size).max(1);
    let start = (page - 1).saturating_mul(size).min(items.len());
    let end = (start + size).min(items.len());
    body["total_count"] = json!(items.len());
    body[key] = Value::Array(items[start..end].to_vec());
    let mut reply = Canned::json(200, &body);
    let pages = items.len().div_ceil(size);
    if pages > 1 {
        let other: Vec<&str> = query
            .split('&')
            .filter(|kv| !kv.starts_with("page=") && !kv.is_empty())
            .collect();
        let link = |n: usize, rel: &str| {
            format!(
                "<http://127.0.0.1:{port}{prefix}{path}?{}&page={n}>; rel=\"{rel}\"",
                other.join("&")
            )
        };
        let mut links = Vec::new();
        if page < pages {
            links.push(link(page + 1, "next"));
            links.push(link(pages, "last"));
        }
        if page > 1 {
            links.push(link(1, "first"));
            links.push(link(page - 1, "prev"));
        }
        reply = reply.header("Link", &links.join(", "));
    }
    reply
}

// ---- response objects built from the real shapes ----

/// A job of a workflow run, as `GET /actions/runs/{id}/jobs` lists it (GitHub's documented
/// `job` shape), for the check run that reports it.
fn job_of(check_run: &Value, run_id: u64, runner: Option<&str>) -> Value {
    let id = check_run["id"].as_u64().unwrap_or(0);
    json!({
        "id": id,
        "run_id": run_id,
        "run_url": format!("https://api.github.com/repos/acme/shop/actions/runs/{run_id}"),
        "run_attempt": 1,
        "node_id": "CR_kwDOABCD",
        "head_sha": check_run["head_sha"],
        "url": format!("https://api.github.com/repos/acme/shop/actions/jobs/{id}"),
        "html_url": format!("https://github.com/acme/shop/actions/runs/{run_id}/job/{id}"),
        "status": check_run["status"],
        "conclusion": check_run["conclusion"],
        "created_at": "2026-01-01T00:00:00Z",
        "started_at": "2026-01-01T00:00:05Z",
        "completed_at": check_run["completed_at"],
        "name": check_run["name"],
        "steps": [],
        "check_run_url": format!("https://api.github.com/repos/acme/shop/check-runs/{id}"),
        "labels": ["ubuntu-latest"],
        "runner_id": 1,
        "runner_name": runner.unwrap_or("GitHub Actions 1"),
        "runner_group_id": 1,
        "runner_group_name": "GitHub Actions",
        "workflow_name": "Deploy",
        "head_branch": "main"
    })
}

/// One rule of `GET /repos/{o}/{r}/rules/branches/{branch}` requiring these checks
/// (`(context, integration_id)`), in GitHub's documented shape.
pub fn status_checks_rule(checks: &[(&str, Option<u64>)]) -> Value {
    let list: Vec<Value> = checks
        .iter()
        .map(|(context, app)| match app {
            Some(id) => json!({"context": context, "integration_id": id}),
            None => json!({"context": context}),
        })
        .collect();
    json!({
        "type": "required_status_checks",
        "ruleset_source_type": "Repository",
        "ruleset_source": "acme/shop",
        "ruleset_id": 42,
        "parameters": {
            "strict_required_status_checks_policy": true,
            "do_not_enforce_on_create": false,
            "required_status_checks": list
        }
    })
}

/// A check run reported by another app (id and slug), e.g. to forge a required name.
pub fn from_app(mut run: Value, id: u64, slug: &str) -> Value {
    run["app"]["id"] = json!(id);
    run["app"]["slug"] = json!(slug);
    run["app"]["name"] = json!(slug);
    run
}

/// A check run: the first run of the octocrab fixture with these fields changed.
pub fn check_run(id: u64, name: &str, status: &str, conclusion: Option<&str>) -> Value {
    let fixture: Value = serde_json::from_str(CHECK_RUNS).unwrap();
    let mut r = fixture["check_runs"][0].clone();
    r["id"] = json!(id);
    r["name"] = json!(name);
    r["status"] = json!(status);
    r["conclusion"] = json!(conclusion);
    r["html_url"] = json!(format!(
        "https://github.com/acme/shop/actions/runs/1/job/{id}"
    ));
    if status != "completed" {
        r["completed_at"] = Value::Null;
    }
    r["check_suite"] = json!({"id": 1000});
    r
}

pub fn green(id: u64, name: &str) -> Value {
    check_run(id, name, "completed", Some("success"))
}

pub fn concluded(id: u64, name: &str, conclusion: &str) -> Value {
    check_run(id, name, "completed", Some(conclusion))
}

/// Moves a check run into another suite.
pub fn in_suite(mut run: Value, suite: u64) -> Value {
    run["check_suite"] = json!({"id": suite});
    run
}

/// A commit status as listed by the combined status (GitHub's documented example shape).
pub fn status(id: u64, context: &str, state: &str) -> Value {
    json!({
        "url": format!("https://api.github.com/repos/acme/shop/statuses/{id}"),
        "avatar_url": "https://github.com/images/error/hubot_happy.gif",
        "id": id,
        "node_id": "MDY6U3RhdHVzMQ==",
        "state": state,
        "description": format!("{context} says {state}"),
        "target_url": format!("https://ci.example.com/{id}/output"),
        "context": context,
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z"
    })
}

/// A check suite: the octocrab fixture's suite with these fields changed.
pub fn suite(id: u64, app_slug: &str, status: &str, conclusion: Option<&str>, runs: u64) -> Value {
    let fixture: Value = serde_json::from_str(CHECK_SUITES).unwrap();
    let mut s = fixture["check_suites"][0].clone();
    s["id"] = json!(id);
    s["status"] = json!(status);
    s["conclusion"] = json!(conclusion);
    s["latest_check_runs_count"] = json!(runs);
    s["app"]["id"] = json!(id + 90_000);
    s["app"]["slug"] = json!(app_slug);
    s["app"]["name"] = json!(app_slug);
    s
}

/// A workflow run: the octocrab fixture's run with these fields changed, plus the fields the
/// list endpoint documents (`path`, `run_attempt`).
pub fn workflow_run(
    id: u64,
    path: &str,
    status: &str,
    conclusion: Option<&str>,
    suite: u64,
) -> Value {
    let fixture: Value = serde_json::from_str(WORKFLOW_RUN_EVENT).unwrap();
    let mut w = fixture["payload"]["workflow_run"].clone();
    w["id"] = json!(id);
    w["name"] = json!(path.rsplit('/').next().unwrap_or(path));
    w["path"] = json!(path);
    w["event"] = json!("push");
    w["status"] = json!(status);
    w["conclusion"] = json!(conclusion);
    w["check_suite_id"] = json!(suite);
    w["run_attempt"] = json!(1);
    w["workflow_id"] = json!(id % 97);
    w["html_url"] = json!(format!("https://github.com/acme/shop/actions/runs/{id}"));
    w
}
