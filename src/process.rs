//! The only module that spawns processes (through duct): shell commands in their own process
//! group, with output captured, a timeout that kills the whole group, and cancellation.
//! Captured output goes through pipes that the waiting thread drains itself, so running a
//! gate starts no thread; a command is finished when it has exited and its output has ended.
//!
//! **Invariant:** a child that outlives its deadline or an interrupt is killed together with
//! everything it started (the whole process group), so no gate keeps running after the hook
//! has returned.

use std::ffi::OsString;
use std::os::unix::process::CommandExt as _;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

/// The POSIX shell, by its absolute path. A program given by name would be looked up in
/// `PATH`, and because duct passes the child a complete environment (PATH included), the
/// standard library then spawns with `fork` instead of `posix_spawn` (vfork): on a 20 MB
/// process that costs about a millisecond per gate, plus one failed `execve` per `PATH`
/// entry before the shell's.
const SHELL: &str = "/bin/sh";

/// How long a child gets between SIGTERM and SIGKILL.
const KILL_GRACE: Duration = Duration::from_secs(2);
/// How often a waiting thread looks at the cancellation flag.
const CANCEL_POLL: Duration = Duration::from_millis(50);

/// A shell command to run.
#[derive(Debug, Clone)]
pub struct ShellCommand {
    /// The script handed to `sh -c` (bytes: file names need not be UTF-8).
    pub script: OsString,
    pub dir: PathBuf,
    pub env: Vec<(String, String)>,
    pub timeout: Duration,
    /// Bytes for standard input; `None` connects it to /dev/null.
    pub stdin: Option<Vec<u8>>,
    /// Capture stdout and stderr together (true) or let them through to ours (false).
    pub capture: bool,
}

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Ending {
    /// Exited with this code.
    Exited(i32),
    /// Killed by this signal (not by us).
    Signalled(i32),
    /// Killed by us when its timeout ran out.
    TimedOut,
    /// Killed by us because gatekeeper was interrupted.
    Interrupted,
}

impl Ending {
    pub fn success(self) -> bool {
        self == Ending::Exited(0)
    }
}

/// A finished command.
#[derive(Debug, Clone)]
pub struct Finished {
    pub ending: Ending,
    /// stdout and stderr interleaved, when captured (after [`run_shell_split`]: stdout, then
    /// stderr).
    pub output: Vec<u8>,
    /// stdout alone, after [`run_shell_split`]; empty otherwise.
    pub stdout: Vec<u8>,
    pub duration: Duration,
}

/// Runs `sh -c SCRIPT` in its own process group and waits for it, its deadline, or `cancel`.
pub fn run_shell(cmd: &ShellCommand, cancel: &AtomicBool) -> Result<Finished> {
    run(cmd, cancel, false)
}

/// Like [`run_shell`] with capture, but keeps stdout apart from stderr (for a gate whose
/// budget is a number it prints on stdout).
pub fn run_shell_split(cmd: &ShellCommand, cancel: &AtomicBool) -> Result<Finished> {
    run(cmd, cancel, true)
}

fn run(cmd: &ShellCommand, cancel: &AtomicBool, split: bool) -> Result<Finished> {
    let started = Instant::now();
    let (mut output, writers) = if cmd.capture {
        let (c, w) = Capture::new(split)?;
        (Some(c), Some(w))
    } else {
        (None, None)
    };
    let capture = |expr: duct::Expression| -> Result<duct::Expression> {
        Ok(match &writers {
            Some((out, Some(err))) => expr
                .stdout_file(out.try_clone()?)
                .stderr_file(err.try_clone()?),
            Some((out, None)) => expr.stderr_to_stdout().stdout_file(out.try_clone()?),
            None => expr,
        })
    };
    // A plain command runs without the shell; if it cannot start (not found, not
    // executable), the shell runs it and reports that as it always does (exit 127/126).
    let handle = match direct_expression(cmd)
        .map(&capture)
        .transpose()?
        .map(|e| e.start())
    {
        Some(Ok(handle)) => handle,
        Some(Err(_)) | None => start(&capture(shell_expression(cmd))?, cmd)?,
    };
    // Only the child may hold the write ends now, or the output would never end.
    drop(writers);
    let pgid = group_of(&handle);
    let deadline = started + cmd.timeout;
    let mut forced: Option<Ending> = None;
    let mut term_sent_at: Option<Instant> = None;
    loop {
        // Past the deadline (or once the leader is gone and stragglers are being stopped),
        // `wait_deadline` returns at once: pause between looks instead of spinning.
        let wake = if forced.is_some() {
            std::thread::sleep(CANCEL_POLL);
            Instant::now()
        } else {
            (Instant::now() + CANCEL_POLL).min(deadline.max(Instant::now()))
        };
        // The command is done when its output has ended (every process holding it is gone
        // or closed it) and it has exited; after a forced stop, once its group is empty.
        let ended = match output.as_mut() {
            Some(o) => o.drain(wake)? || (forced.is_some() && !group_alive(pgid)),
            None => true,
        };
        let exited = if ended {
            handle
                .wait_deadline(wake)
                .context("failed to wait for a command")?
        } else {
            None
        };
        // After a forced stop, a member of the group that ignores SIGTERM may outlive the
        // leader: it still gets SIGKILL.
        if let Some(out) =
            exited.filter(|_| forced.is_none() || term_sent_at.is_none() || !group_alive(pgid))
        {
            let ending = forced.unwrap_or_else(|| ending_of(out.status));
            let (output, stdout) = output.map(Capture::into_output).unwrap_or_default();
            return Ok(Finished {
                ending,
                output,
                stdout,
                duration: started.elapsed(),
            });
        }
        let now = Instant::now();
        if forced.is_none() {
            if cancel.load(Ordering::SeqCst) {
                forced = Some(Ending::Interrupted);
            } else if now >= deadline {
                forced = Some(Ending::TimedOut);
            }
            if forced.is_some() {
                signal_group(pgid, Signal::SIGTERM);
                term_sent_at = Some(now);
            }
        } else if term_sent_at.is_some_and(|t| now.duration_since(t) >= KILL_GRACE) {
            signal_group(pgid, Signal::SIGKILL);
            term_sent_at = None;
        }
    }
}

/// A captured command's output: pipes that the waiting thread drains itself (with `poll`), so
/// no reader thread is started per command. stdout and stderr share one pipe, in the order
/// they were written, unless they are kept apart.
struct Capture {
    streams: Vec<Stream>,
}

struct Stream {
    pipe: Option<std::io::PipeReader>,
    bytes: Vec<u8>,
}

/// The write ends handed to the child: stdout (and stderr with it), or stdout and stderr.
type Writers = (std::io::PipeWriter, Option<std::io::PipeWriter>);

impl Capture {
    fn new(split: bool) -> Result<(Capture, Writers)> {
        let pipe = || std::io::pipe().context("failed to create a pipe for a command's output");
        let (out_r, out_w) = pipe()?;
        let mut streams = vec![Stream {
            pipe: Some(out_r),
            bytes: Vec::new(),
        }];
        let err_w = if split {
            let (err_r, err_w) = pipe()?;
            streams.push(Stream {
                pipe: Some(err_r),
                bytes: Vec::new(),
            });
            Some(err_w)
        } else {
            None
        };
        Ok((Capture { streams }, (out_w, err_w)))
    }

    /// Reads whatever arrives until `until`; returns early, with true, once every stream has
    /// ended.
    fn drain(&mut self, until: Instant) -> Result<bool> {
        use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
        use std::io::Read as _;
        use std::os::fd::AsFd as _;
        loop {
            let open: Vec<usize> = (0..self.streams.len())
                .filter(|&i| self.streams[i].pipe.is_some())
                .collect();
            if open.is_empty() {
                return Ok(true);
            }
            let left = until.saturating_duration_since(Instant::now());
            let ready: Vec<bool> = {
                let mut fds: Vec<PollFd<'_>> = open
                    .iter()
                    .filter_map(|&i| self.streams[i].pipe.as_ref())
                    .map(|p| PollFd::new(p.as_fd(), PollFlags::POLLIN))
                    .collect();
                match poll(
                    &mut fds,
                    PollTimeout::try_from(left).unwrap_or(PollTimeout::MAX),
                ) {
                    Ok(_) | Err(nix::errno::Errno::EINTR) => {}
                    Err(e) => return Err(e).context("failed to read a command's output"),
                }
                fds.iter()
                    .map(|f| f.revents().is_some_and(|r| !r.is_empty()))
                    .collect()
            };
            if !ready.contains(&true) {
                return Ok(false);
            }
            for (&i, _) in open.iter().zip(&ready).filter(|(_, r)| **r) {
                let stream = &mut self.streams[i];
                let mut chunk = [0u8; 16 * 1024];
                let n = match stream.pipe.as_mut().map(|p| p.read(&mut chunk)) {
                    Some(Ok(n)) => n,
                    Some(Err(e)) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Some(Err(e)) => return Err(e).context("failed to read a command's output"),
                    None => 0,
                };
                if n == 0 {
                    stream.pipe = None;
                } else {
                    stream.bytes.extend_from_slice(&chunk[..n]);
                }
            }
        }
    }

    /// (all output, stdout alone when the streams were kept apart).
    fn into_output(self) -> (Vec<u8>, Vec<u8>) {
        let mut streams = self.streams.into_iter().map(|s| s.bytes);
        let out = streams.next().unwrap_or_default();
        match streams.next() {
            Some(err) => {
                let mut all = out.clone();
                all.extend(err);
                (all, out)
            }
            None => (out, Vec::new()),
        }
    }
}

/// `sh -c SCRIPT` in `dir`, with `env` and `stdin`, in a process group of its own: a timeout or
/// an interrupt can then kill everything it started, and a terminal's Ctrl-C reaches it only
/// through us.
fn shell_expression(cmd: &ShellCommand) -> duct::Expression {
    let expr = duct::cmd(SHELL, [OsString::from("-c"), cmd.script.clone()]).before_spawn(|c| {
        c.process_group(0);
        Ok(())
    });
    configure(expr, cmd)
}

/// What every child gets: its directory, its own environment on top of ours, its stdin, and
/// an exit status that is data rather than an error.
fn configure(expr: duct::Expression, cmd: &ShellCommand) -> duct::Expression {
    let mut expr = in_dir(expr, &cmd.dir).unchecked();
    for (k, v) in &cmd.env {
        expr = expr.env(k, v);
    }
    match &cmd.stdin {
        Some(bytes) => expr.stdin_bytes(bytes.clone()),
        None => expr.stdin_null(),
    }
}

/// `expr` run in `dir`. When `dir` is already this process's directory (a hook runs in the
/// work-tree root, where most gates run) no directory is set: a child that changes directory
/// cannot be started with `posix_spawn` in a statically linked build (the standard library
/// finds glibc's `addchdir` through the dynamic loader), and `fork` costs about a millisecond.
fn in_dir(expr: duct::Expression, dir: &std::path::Path) -> duct::Expression {
    if std::env::current_dir().is_ok_and(|here| here == dir) {
        expr
    } else {
        expr.dir(dir)
    }
}

fn start(expr: &duct::Expression, cmd: &ShellCommand) -> Result<duct::Handle> {
    expr.start()
        .with_context(|| format!("failed to start `sh -c {}`", cmd.script.to_string_lossy()))
}

/// Shell keywords and builtins: a command naming one of these needs the shell, even when an
/// executable of that name exists (`echo` and `printf` differ from their builtins, `cd` and
/// `exit` have no executable at all).
const NEEDS_SHELL: &[&str] = &[
    "alias", "bg", "break", "case", "cd", "command", "continue", "do", "done", "echo", "elif",
    "else", "esac", "eval", "exec", "exit", "export", "fc", "fg", "fi", "for", "function",
    "getopts", "hash", "if", "in", "jobs", "kill", "local", "printf", "pwd", "read", "readonly",
    "return", "select", "set", "shift", "source", "test", "then", "time", "times", "trap", "type",
    "ulimit", "umask", "unalias", "unset", "until", "wait", "while",
];

/// The words of a script the shell would run as one plain command, with nothing to expand,
/// quote, redirect or chain: only letters, digits, `_-./,:+=@%` and blanks, a first word
/// that is neither an assignment nor a keyword or builtin, and a program named either bare
/// (looked up in `PATH`) or by an absolute path. Anything else goes to `sh -c`.
pub fn plain_words(script: &std::ffi::OsStr) -> Option<Vec<&str>> {
    let s = script.to_str()?;
    let allowed = |c: char| c.is_ascii_alphanumeric() || "_-./,:+=@% \t".contains(c);
    if !s.chars().all(allowed) {
        return None;
    }
    let words: Vec<&str> = s.split([' ', '\t']).filter(|w| !w.is_empty()).collect();
    let first = *words.first()?;
    let relative_path = first.contains('/') && !first.starts_with('/');
    if first.contains('=') || NEEDS_SHELL.contains(&first) || relative_path {
        return None;
    }
    Some(words)
}

/// Where `execvp` would find `program`: in `path`, every entry absolute. `None` when a
/// relative or empty entry comes first (its meaning depends on the directory), or nothing
/// executable is found.
fn resolve(program: &str, path: &std::ffi::OsStr) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt as _;
    if program.starts_with('/') {
        return Some(PathBuf::from(program));
    }
    for dir in std::env::split_paths(path) {
        if !dir.is_absolute() {
            return None;
        }
        let candidate = dir.join(program);
        if std::fs::metadata(&candidate)
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        {
            return Some(candidate);
        }
    }
    None
}

/// The `PATH` a child started with `env` sees: the last `PATH` in `env`, else ours.
pub fn child_path(env: &[(String, String)]) -> OsString {
    match env.iter().rev().find(|(k, _)| k == "PATH") {
        Some((_, p)) => OsString::from(p),
        None => inherited_path().unwrap_or_default(),
    }
}

/// Whether the shell, started in `dir` with this `PATH`, would find `program`: a name with a
/// `/` is a path (relative to `dir`); a bare name is looked up in each `PATH` entry (an empty
/// or relative entry is relative to `dir`). Found means an executable regular file.
pub fn find_program(program: &str, dir: &std::path::Path, path: &std::ffi::OsStr) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    let executable = |p: &std::path::Path| {
        std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    };
    if program.contains('/') {
        return executable(&dir.join(program));
    }
    std::env::split_paths(path).any(|entry| executable(&dir.join(entry).join(program)))
}

/// The `PATH` the child inherits from this process.
#[expect(
    clippy::disallowed_methods,
    reason = "the child inherits this process's PATH; the lookup must use that same value"
)]
fn inherited_path() -> Option<OsString> {
    std::env::var_os("PATH")
}

/// The command run directly (no shell process), when its script is plain (see
/// [`plain_words`]): what `sh -c` would run, minus the shell's own start-up. The program is
/// resolved here so that the child is spawned with `posix_spawn` (see [`SHELL`]); `argv[0]`
/// stays the name as written, and `PWD` names the directory, as the shell sets it.
fn direct_expression(cmd: &ShellCommand) -> Option<duct::Expression> {
    let words = plain_words(&cmd.script)?;
    let (name, args) = words.split_first()?;
    if !cmd.dir.is_absolute() {
        return None;
    }
    let path = match cmd.env.iter().rev().find(|(k, _)| k == "PATH") {
        Some((_, p)) => OsString::from(p),
        None => inherited_path()?,
    };
    let program = resolve(name, &path)?;
    let arg0 = OsString::from(name);
    let expr = duct::cmd(program, args)
        .before_spawn(move |c| {
            c.process_group(0);
            c.arg0(&arg0);
            Ok(())
        })
        // `sh` always exports PWD as the directory it starts in.
        .env("PWD", &cmd.dir);
    Some(configure(expr, cmd))
}

/// Words quoted for `sh -c`, joined by blanks.
pub fn quote_words(words: &[String]) -> Result<String> {
    let mut script = String::new();
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            script.push(' ');
        }
        script.push_str(&shlex::try_quote(w).context("the command cannot be quoted for sh")?);
    }
    Ok(script)
}

/// Replaces this process with `program args…` (found in `PATH` like the shell does), with
/// `env` added to its environment. Returns only when that fails.
pub fn exec_replacing(
    program: &std::ffi::OsStr,
    args: &[OsString],
    env: &[(String, String)],
) -> anyhow::Error {
    let err = std::process::Command::new(program)
        .args(args)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .exec();
    anyhow::Error::new(err).context(format!("failed to run `{}`", program.to_string_lossy()))
}

/// The process group of a started command (its leader's pid).
fn group_of(handle: &duct::Handle) -> Option<i32> {
    handle
        .pids()
        .first()
        .copied()
        .and_then(|p| i32::try_from(p).ok())
}

/// Whether any process of the group is still there.
fn group_alive(pgid: Option<i32>) -> bool {
    pgid.is_some_and(|pgid| killpg(Pid::from_raw(pgid), None).is_ok())
}

fn signal_group(pgid: Option<i32>, signal: Signal) {
    if let Some(pgid) = pgid {
        // ESRCH (already gone) is fine.
        let _ = killpg(Pid::from_raw(pgid), signal);
    }
}

fn ending_of(status: std::process::ExitStatus) -> Ending {
    use std::os::unix::process::ExitStatusExt as _;
    match (status.code(), status.signal()) {
        (Some(c), _) => Ending::Exited(c),
        (None, Some(s)) => Ending::Signalled(s),
        (None, None) => Ending::Exited(-1),
    }
}

/// The largest script that can be handed to `sh -c` as one argument. Linux limits a single
/// argument to 32 pages (MAX_ARG_STRLEN, 128 KiB) whatever ARG_MAX says; the total of all
/// arguments and the environment must also stay under ARG_MAX.
pub fn max_script_len(env_bytes: usize) -> usize {
    const MAX_ARG_STRLEN: usize = 128 * 1024;
    let arg_max = nix::unistd::sysconf(nix::unistd::SysconfVar::ARG_MAX)
        .ok()
        .flatten()
        .and_then(|v| usize::try_from(v).ok())
        .unwrap_or(128 * 1024);
    // Keep a margin for `sh`, `-c`, pointers and alignment.
    let total_room = arg_max.saturating_sub(env_bytes).saturating_sub(4096);
    MAX_ARG_STRLEN
        .min(total_room)
        .saturating_sub(1024)
        .max(4096)
}

/// Where a child's output goes in [`run_shell_routed`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputRoute {
    /// Both streams go to ours, as the child writes them.
    Inherit,
    /// The child's stdout goes to our stderr (our stdout stays free for one JSON document).
    StdoutToStderr,
    /// The child's stdout is captured; its stderr goes to ours.
    CaptureStdout,
}

/// Like [`run_shell`] (own process group, deadline, cancellation; `cmd.capture` is ignored),
/// with a choice of output routing and of the signal sent first on cancellation: SIGINT
/// forwards a Ctrl-C the way a terminal would. When the child is still alive `grace` later it
/// gets SIGTERM, and SIGKILL after another `grace`.
pub fn run_shell_routed(
    cmd: &ShellCommand,
    route: OutputRoute,
    first_signal: Signal,
    grace: Duration,
    cancel: &AtomicBool,
) -> Result<Finished> {
    let started = Instant::now();
    let mut expr = shell_expression(cmd);
    expr = match route {
        OutputRoute::Inherit => expr,
        OutputRoute::StdoutToStderr => expr.stdout_to_stderr(),
        OutputRoute::CaptureStdout => expr.stdout_capture(),
    };
    let handle = start(&expr, cmd)?;
    let pgid = group_of(&handle);
    let deadline = started + cmd.timeout;
    let mut forced: Option<Ending> = None;
    // The signals still to send, and when the last one was sent.
    let mut escalation = [Signal::SIGTERM, Signal::SIGKILL].into_iter();
    let mut last_sent: Option<Instant> = None;
    loop {
        // Past the deadline (or once the leader is gone and stragglers are being stopped),
        // `wait_deadline` returns at once: pause between looks instead of spinning.
        let wake = if forced.is_some() {
            std::thread::sleep(CANCEL_POLL);
            Instant::now()
        } else {
            (Instant::now() + CANCEL_POLL).min(deadline.max(Instant::now()))
        };
        if let Some(out) = handle
            .wait_deadline(wake)
            .context("failed to wait for a command")?
            // After a forced stop, members of the group may outlive the leader (a child that
            // ignores the signals): the escalation goes on until the group is empty.
            .filter(|_| forced.is_none() || last_sent.is_none() || !group_alive(pgid))
        {
            let ending = forced.unwrap_or_else(|| ending_of(out.status));
            return Ok(Finished {
                ending,
                output: out.stdout.clone(),
                stdout: Vec::new(),
                duration: started.elapsed(),
            });
        }
        let now = Instant::now();
        if forced.is_none() {
            if cancel.load(Ordering::SeqCst) {
                forced = Some(Ending::Interrupted);
                signal_group(pgid, first_signal);
                last_sent = Some(now);
            } else if now >= deadline {
                forced = Some(Ending::TimedOut);
                signal_group(pgid, Signal::SIGTERM);
                escalation.next();
                last_sent = Some(now);
            }
        } else if last_sent.is_some_and(|t| now.duration_since(t) >= grace) {
            if let Some(sig) = escalation.next() {
                signal_group(pgid, sig);
                last_sent = Some(now);
            } else {
                last_sent = None;
            }
        }
    }
}

/// The output of a `git` command run by [`run_git`].
#[derive(Debug, Clone)]
pub struct GitOutput {
    pub success: bool,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// Runs the `git` command-line tool in `dir` with `args`, extra environment and standard
/// input, and waits for it. For what libgit2 cannot do as git does (filter drivers, work
/// trees, and `git status` on a big repository).
pub fn run_git(
    dir: &std::path::Path,
    args: &[&std::ffi::OsStr],
    env: &[(&str, &std::ffi::OsStr)],
    stdin: &[u8],
) -> Result<GitOutput> {
    let mut expr = duct::cmd("git", args)
        .dir(dir)
        .stdin_bytes(stdin.to_vec())
        .stdout_capture()
        .stderr_capture()
        .unchecked();
    for (k, v) in env {
        expr = expr.env(k, v);
    }
    let out = expr.run().context("failed to run `git`")?;
    Ok(GitOutput {
        success: out.status.success(),
        stdout: out.stdout,
        stderr: out.stderr,
    })
}

#[cfg(test)]
mod tests {
    use super::plain_words;
    use std::ffi::OsStr;

    fn words(s: &str) -> Option<Vec<&str>> {
        plain_words(OsStr::new(s))
    }

    #[test]
    fn plain_commands_are_split_into_words() {
        assert_eq!(words("true"), Some(vec!["true"]));
        assert_eq!(
            words("  cargo fmt --all -- --check "),
            Some(vec!["cargo", "fmt", "--all", "--", "--check"])
        );
        assert_eq!(
            words("/usr/bin/env A=1 ruff check src/a.py"),
            Some(vec!["/usr/bin/env", "A=1", "ruff", "check", "src/a.py"])
        );
    }

    #[test]
    fn anything_the_shell_would_interpret_needs_the_shell() {
        for s in [
            "echo hi",
            "cd sub",
            "exit 1",
            "A=1 make",
            "./scripts/check.sh",
            "make && make test",
            "cargo test; true",
            "ls *.rs",
            "echo $HOME",
            "grep 'a b' f",
            "ls ~",
            "make > log",
            "true # comment",
            "make\ntest",
            "ls a\\ b",
            "",
            "   ",
        ] {
            assert_eq!(words(s), None, "{s:?} must go to sh -c");
        }
    }
}
