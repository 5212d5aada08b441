//! A scripted fake of the Anthropic Messages API (and of the OpenAI Responses API) on
//! 127.0.0.1, for driving the real Claude Code CLI (`ANTHROPIC_BASE_URL`) and Codex CLI (a
//! custom provider's `base_url`) without a model.
//!
//! Each `POST /v1/messages` gets the next scripted turn, streamed as server-sent events
//! (`message_start`, `content_block_start/delta/stop` per block, `message_delta`,
//! `message_stop`); once the script is used up every turn is the text "done". Every request
//! body is recorded, so a test can read what the client sent back: the hook context in the
//! system prompt, a denied tool's `tool_result`, a Stop hook's feedback.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

/// One content block of a scripted assistant turn.
#[derive(Debug, Clone)]
pub enum Block {
    Text(String),
    /// A tool call: the tool's name and its input.
    Tool(String, Value),
    /// A free-form tool call (Responses API `custom_tool_call`, e.g. Codex's `apply_patch`):
    /// the tool's name and its raw input.
    Custom(String, String),
}

/// A text block.
pub fn text(s: &str) -> Block {
    Block::Text(s.to_owned())
}

/// A tool call.
pub fn tool(name: &str, input: Value) -> Block {
    Block::Tool(name.to_owned(), input)
}

/// A free-form tool call (Responses API only).
pub fn custom(name: &str, input: &str) -> Block {
    Block::Custom(name.to_owned(), input.to_owned())
}

#[derive(Default)]
struct State {
    script: Vec<Vec<Block>>,
    next: usize,
    requests: Vec<Value>,
}

/// The running fake; it stops with the test process (its thread only accepts connections).
pub struct FakeApi {
    pub url: String,
    state: Arc<Mutex<State>>,
}

impl FakeApi {
    /// Starts the fake with the assistant turns to answer, in order.
    pub fn start(script: Vec<Vec<Block>>) -> FakeApi {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let url = format!("http://{}", listener.local_addr().expect("local addr"));
        let state = Arc::new(Mutex::new(State {
            script,
            ..State::default()
        }));
        let shared = Arc::clone(&state);
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let st = Arc::clone(&shared);
                std::thread::spawn(move || {
                    // A broken connection only ends that connection.
                    let _ = serve(conn, &st);
                });
            }
        });
        FakeApi { url, state }
    }

    /// The bodies of the `/v1/messages` requests received so far, in order.
    pub fn requests(&self) -> Vec<Value> {
        self.state.lock().expect("state").requests.clone()
    }

    /// How many scripted turns were served.
    pub fn turns_served(&self) -> usize {
        self.state.lock().expect("state").next
    }

    /// Every request rendered as text (for searching and for assertion messages).
    pub fn transcript(&self) -> String {
        let mut out = String::new();
        for (i, r) in self.requests().iter().enumerate() {
            out.push_str(&format!("--- request {i} ---\n{}\n", last_messages(r, 3)));
        }
        out
    }
}

/// The last `n` messages of a request, as JSON text (each cut to 1,500 characters).
pub fn last_messages(request: &Value, n: usize) -> String {
    let msgs = request["messages"].as_array().cloned().unwrap_or_default();
    let start = msgs.len().saturating_sub(n);
    let mut out = String::new();
    for m in &msgs[start..] {
        let text = m.to_string();
        let cut: String = text.chars().take(1_500).collect();
        out.push_str(&cut);
        if cut.len() < text.len() {
            out.push_str(" …");
        }
        out.push('\n');
    }
    out
}

/// The text of a request's system prompt and messages (Messages API), or instructions and
/// input (Responses API).
pub fn request_text(request: &Value) -> String {
    format!(
        "{}\n{}\n{}\n{}",
        request["system"], request["messages"], request["instructions"], request["input"]
    )
}

fn serve(conn: TcpStream, state: &Mutex<State>) -> std::io::Result<()> {
    conn.set_read_timeout(Some(Duration::from_secs(120)))?;
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut out = conn;
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line)? == 0 {
            return Ok(());
        }
        let mut length = 0usize;
        let mut chunked = false;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line)? == 0 {
                return Ok(());
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                let k = k.trim().to_ascii_lowercase();
                if k == "content-length" {
                    length = v.trim().parse().unwrap_or(0);
                } else if k == "transfer-encoding" && v.to_ascii_lowercase().contains("chunked") {
                    chunked = true;
                }
            }
        }
        let body = if chunked {
            read_chunked(&mut reader)?
        } else {
            let mut b = vec![0; length];
            reader.read_exact(&mut b)?;
            b
        };
        let mut parts = request_line.split_whitespace();
        let method = parts.next().unwrap_or("");
        let path = parts.next().unwrap_or("");
        if method == "POST" && path.starts_with("/v1/messages") && !path.contains("count_tokens") {
            let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            let turn = {
                let mut st = state.lock().expect("state");
                st.requests.push(request.clone());
                let turn = st.script.get(st.next).cloned();
                if turn.is_some() {
                    st.next += 1;
                }
                turn.unwrap_or_else(|| vec![text("done")])
            };
            let stream = request["stream"].as_bool().unwrap_or(false);
            let model = request["model"]
                .as_str()
                .unwrap_or("claude-test")
                .to_owned();
            if stream {
                let events = sse(&turn, &model);
                respond(&mut out, "text/event-stream", events.as_bytes())?;
            } else {
                let msg = message(&turn, &model);
                respond(&mut out, "application/json", msg.to_string().as_bytes())?;
            }
        } else if method == "POST" && path.starts_with("/v1/responses") {
            // The OpenAI Responses API, as Codex CLI speaks it.
            let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            let turn = {
                let mut st = state.lock().expect("state");
                st.requests.push(request);
                let turn = st.script.get(st.next).cloned();
                if turn.is_some() {
                    st.next += 1;
                }
                turn.unwrap_or_else(|| vec![text("done")])
            };
            respond(
                &mut out,
                "text/event-stream",
                responses_sse(&turn).as_bytes(),
            )?;
        } else if method == "GET" && path.starts_with("/v1/models") {
            respond(
                &mut out,
                "application/json",
                json!({"object": "list", "data": [], "models": []})
                    .to_string()
                    .as_bytes(),
            )?;
        } else if path.contains("count_tokens") {
            respond(
                &mut out,
                "application/json",
                json!({"input_tokens": 10}).to_string().as_bytes(),
            )?;
        } else {
            write!(
                out,
                "HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{{}}"
            )?;
            out.flush()?;
        }
    }
}

fn read_chunked(reader: &mut BufReader<TcpStream>) -> std::io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let mut size = String::new();
        reader.read_line(&mut size)?;
        let n =
            usize::from_str_radix(size.trim().split(';').next().unwrap_or("0"), 16).unwrap_or(0);
        let mut chunk = vec![0; n + 2];
        reader.read_exact(&mut chunk)?;
        if n == 0 {
            return Ok(body);
        }
        body.extend_from_slice(&chunk[..n]);
    }
}

fn respond(out: &mut TcpStream, content_type: &str, body: &[u8]) -> std::io::Result<()> {
    write!(
        out,
        "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nrequest-id: req_fake\r\n\r\n",
        body.len()
    )?;
    out.write_all(body)?;
    out.flush()
}

fn stop_reason(turn: &[Block]) -> &'static str {
    if turn
        .iter()
        .any(|b| matches!(b, Block::Tool(..) | Block::Custom(..)))
    {
        "tool_use"
    } else {
        "end_turn"
    }
}

fn message_id() -> String {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    format!(
        "msg_fake{}",
        N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    )
}

fn tool_id(index: usize) -> String {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    format!(
        "toolu_fake{}_{index}",
        N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    )
}

fn usage() -> Value {
    json!({"input_tokens": 1, "output_tokens": 1})
}

/// The turn as one JSON message (a non-streaming request).
fn message(turn: &[Block], model: &str) -> Value {
    let content: Vec<Value> = turn
        .iter()
        .enumerate()
        .map(|(i, b)| match b {
            Block::Text(t) => json!({"type": "text", "text": t}),
            Block::Tool(name, input) => {
                json!({"type": "tool_use", "id": tool_id(i), "name": name, "input": input})
            }
            Block::Custom(..) => panic!("a free-form tool call cannot be sent to Claude Code"),
        })
        .collect();
    json!({
        "id": message_id(), "type": "message", "role": "assistant", "model": model,
        "content": content, "stop_reason": stop_reason(turn), "stop_sequence": null,
        "usage": usage(),
    })
}

/// The turn as server-sent events.
fn sse(turn: &[Block], model: &str) -> String {
    let mut events: Vec<(&str, Value)> = vec![(
        "message_start",
        json!({"type": "message_start", "message": {
            "id": message_id(), "type": "message", "role": "assistant", "model": model,
            "content": [], "stop_reason": null, "stop_sequence": null, "usage": usage(),
        }}),
    )];
    for (i, b) in turn.iter().enumerate() {
        match b {
            Block::Text(t) => {
                events.push((
                    "content_block_start",
                    json!({"type": "content_block_start", "index": i,
                           "content_block": {"type": "text", "text": ""}}),
                ));
                events.push((
                    "content_block_delta",
                    json!({"type": "content_block_delta", "index": i,
                           "delta": {"type": "text_delta", "text": t}}),
                ));
            }
            Block::Tool(name, input) => {
                events.push((
                    "content_block_start",
                    json!({"type": "content_block_start", "index": i,
                           "content_block": {"type": "tool_use", "id": tool_id(i),
                                             "name": name, "input": {}}}),
                ));
                events.push((
                    "content_block_delta",
                    json!({"type": "content_block_delta", "index": i,
                           "delta": {"type": "input_json_delta",
                                     "partial_json": input.to_string()}}),
                ));
            }
            // The Messages API has no free-form tools.
            Block::Custom(..) => panic!("a free-form tool call cannot be sent to Claude Code"),
        }
        events.push((
            "content_block_stop",
            json!({"type": "content_block_stop", "index": i}),
        ));
    }
    events.push((
        "message_delta",
        json!({"type": "message_delta",
               "delta": {"stop_reason": stop_reason(turn), "stop_sequence": null},
               "usage": {"output_tokens": 1}}),
    ));
    events.push(("message_stop", json!({"type": "message_stop"})));
    let mut out = String::new();
    for (name, data) in &events {
        out.push_str(&format!("event: {name}\ndata: {data}\n\n"));
    }
    out
}

/// The turn as the Responses API's server-sent events: each block one finished output item
/// (a message, or a `function_call` whose input is its JSON arguments).
fn responses_sse(turn: &[Block]) -> String {
    let id = message_id();
    let mut events = vec![json!({"type": "response.created", "response": {"id": id}})];
    for (i, b) in turn.iter().enumerate() {
        let item = match b {
            Block::Text(t) => json!({
                "type": "message", "role": "assistant",
                "content": [{"type": "output_text", "text": t}],
            }),
            Block::Tool(name, input) => json!({
                "type": "function_call", "name": name,
                "arguments": input.to_string(), "call_id": tool_id(i),
            }),
            Block::Custom(name, input) => json!({
                "type": "custom_tool_call", "name": name,
                "input": input, "call_id": tool_id(i),
            }),
        };
        events.push(json!({"type": "response.output_item.done", "item": item}));
    }
    events.push(json!({"type": "response.completed", "response": {
        "id": id,
        "usage": {"input_tokens": 1, "input_tokens_details": null, "output_tokens": 1,
                  "output_tokens_details": null, "total_tokens": 2},
    }}));
    let mut out = String::new();
    for e in &events {
        out.push_str(&format!(
            "event: {}\ndata: {e}\n\n",
            e["type"].as_str().unwrap_or("")
        ));
    }
    out
}
