//! A scripted fake of the Gemini API (`generateContent`, `streamGenerateContent`,
//! `countTokens`) on 127.0.0.1, for driving the real Gemini CLI (`GOOGLE_GEMINI_BASE_URL`)
//! without a model.
//!
//! Each `streamGenerateContent` request gets the next scripted turn as one server-sent event
//! (text parts and `functionCall` parts); once the script is used up every turn is the text
//! "done". Other `generateContent` calls (the client's own checks) get a JSON answer that
//! hands the turn back to the user. Every turn's request body is recorded.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

use super::fake_api::Block;

#[derive(Default)]
struct State {
    script: Vec<Vec<Block>>,
    next: usize,
    requests: Vec<Value>,
}

/// The running fake; it stops with the test process.
pub struct FakeGemini {
    pub url: String,
    state: Arc<Mutex<State>>,
}

impl FakeGemini {
    /// Starts the fake with the model turns to answer, in order.
    pub fn start(script: Vec<Vec<Block>>) -> FakeGemini {
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
                    let _ = serve(conn, &st);
                });
            }
        });
        FakeGemini { url, state }
    }

    /// The bodies of the scripted-turn requests received so far, in order.
    pub fn requests(&self) -> Vec<Value> {
        self.state.lock().expect("state").requests.clone()
    }

    /// The last contents of every request, as text (for assertion messages).
    pub fn transcript(&self) -> String {
        let mut out = String::new();
        for (i, r) in self.requests().iter().enumerate() {
            let msgs = r["contents"].as_array().cloned().unwrap_or_default();
            let start = msgs.len().saturating_sub(2);
            out.push_str(&format!("--- request {i} ---\n"));
            for m in &msgs[start..] {
                let t = m.to_string();
                out.push_str(&t.chars().take(1_500).collect::<String>());
                out.push('\n');
            }
        }
        out
    }
}

/// The text of a request's system instruction and contents.
pub fn request_text(request: &Value) -> String {
    format!("{}\n{}", request["systemInstruction"], request["contents"])
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
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line)? == 0 {
                return Ok(());
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((k, v)) = line.split_once(':')
                && k.trim().eq_ignore_ascii_case("content-length")
            {
                length = v.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        let path = request_line.split_whitespace().nth(1).unwrap_or("");
        if path.contains(":streamGenerateContent") {
            let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            let turn = {
                let mut st = state.lock().expect("state");
                st.requests.push(request);
                let turn = st.script.get(st.next).cloned();
                if turn.is_some() {
                    st.next += 1;
                }
                turn.unwrap_or_else(|| vec![Block::Text("done".into())])
            };
            let data = format!("data: {}\r\n\r\n", response(&turn));
            respond(&mut out, "text/event-stream", data.as_bytes())?;
        } else if path.contains(":countTokens") {
            respond(&mut out, "application/json", br#"{"totalTokens": 10}"#)?;
        } else if path.contains(":generateContent") {
            let answer = json!({"reasoning": "the model is done", "next_speaker": "user"});
            let turn = vec![Block::Text(answer.to_string())];
            respond(
                &mut out,
                "application/json",
                response(&turn).to_string().as_bytes(),
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

fn respond(out: &mut TcpStream, content_type: &str, body: &[u8]) -> std::io::Result<()> {
    write!(
        out,
        "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )?;
    out.write_all(body)?;
    out.flush()
}

/// One `GenerateContentResponse` holding the turn.
fn response(turn: &[Block]) -> Value {
    let parts: Vec<Value> = turn
        .iter()
        .map(|b| match b {
            Block::Text(t) => json!({"text": t}),
            Block::Tool(name, args) => json!({"functionCall": {"name": name, "args": args}}),
            // Gemini has no free-form tools: the raw text travels as an `input` argument.
            Block::Custom(name, input) => {
                json!({"functionCall": {"name": name, "args": {"input": input}}})
            }
        })
        .collect();
    json!({
        "candidates": [{
            "content": {"role": "model", "parts": parts},
            "finishReason": "STOP",
            "index": 0,
        }],
        "usageMetadata": {"promptTokenCount": 1, "candidatesTokenCount": 1, "totalTokenCount": 2},
    })
}
