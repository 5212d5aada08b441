//! Reading an agent's shell command for ways around git's hooks: `--no-verify` (and
//! `git commit -n`), `GATEKEEPER_SKIP=`, `core.hooksPath` overrides and writes into the hooks
//! directory.
//!
//! The command is split the way a shell would (quotes, `;`, `&&`, `||`, `|`, `&`, newlines,
//! subshells, `$(…)` and back-quotes, `sh -c '…'`), so global options such as
//! `git -C dir commit --no-verify` do not hide a bypass. `git push -n` is a dry run and is
//! allowed.

/// A refused shell command and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bypass {
    pub reason: String,
}

/// The first bypass found in `command`, if any. `hooks_dirs` are the directories git runs
/// hooks from (written as they may appear in the command).
pub fn find_bypass(command: &str, hooks_dirs: &[String]) -> Option<Bypass> {
    find_in(command, hooks_dirs, 0)
}

/// The files a command line visibly writes: output redirection targets, and the files named
/// on the command line of programs that write them (`tee`, `cp`/`mv`/`install`/`ln`, `rm`,
/// `touch`, `chmod`…, `sed -i`, `perl -i`, `dd of=`, `git checkout|restore|rm|mv`), also
/// behind `sudo`, `env`, `nice`, `timeout`… and in `sh -c '…'`, substitutions and here-documents
/// run by a shell. A directory written into is returned with a trailing `/`. (What other
/// programs write cannot be read off the command line; after `xargs` nothing is guessed.)
/// Empty when the command cannot be parsed.
pub fn write_targets(command: &str) -> Vec<String> {
    write_targets_with(command, &|_| false)
}

/// [`write_targets`], with `is_dir` telling whether an operand names an existing directory:
/// `cp a.rs dir` then also writes `dir/a.rs`.
pub fn write_targets_with(command: &str, is_dir: &dyn Fn(&str) -> bool) -> Vec<String> {
    let mut out = targets_in(command, is_dir, 0);
    out.retain(|t| !t.is_empty() && !t.starts_with("/dev/"));
    out
}

/// The simple commands of a command line as their words (quotes removed), including those in
/// `$(…)`, back-quotes and here-documents fed to a shell, in order of appearance within each
/// level. `None` when the line cannot be parsed (unbalanced quotes) or nests too deeply.
pub fn simple_commands(command: &str) -> Option<Vec<Vec<String>>> {
    fn collect(command: &str, depth: usize, out: &mut Vec<Vec<String>>) -> Option<()> {
        if depth > 8 {
            return None;
        }
        let (command, bodies) = strip_heredocs(command);
        for body in &bodies {
            collect(body, depth + 1, out)?;
        }
        let parsed = split_commands(&command)?;
        for inner in &parsed.substitutions {
            collect(inner, depth + 1, out)?;
        }
        out.extend(parsed.commands.into_iter().map(|s| s.words));
        Some(())
    }
    let mut out = Vec::new();
    collect(command, 0, &mut out)?;
    Some(out)
}

fn targets_in(command: &str, is_dir: &dyn Fn(&str) -> bool, depth: usize) -> Vec<String> {
    let mut out = Vec::new();
    if depth > 8 {
        return out;
    }
    let (command, bodies) = strip_heredocs(command);
    for body in &bodies {
        out.extend(targets_in(body, is_dir, depth + 1));
    }
    let Some(parsed) = split_commands(&command) else {
        return out;
    };
    for inner in &parsed.substitutions {
        out.extend(targets_in(inner, is_dir, depth + 1));
    }
    for simple in &parsed.commands {
        out.extend(simple.redirects.iter().cloned());
        out.extend(command_writes(&simple.words, is_dir, depth));
    }
    out
}

fn find_in(command: &str, hooks_dirs: &[String], depth: usize) -> Option<Bypass> {
    if depth > 8 {
        return Some(Bypass {
            reason: "the command nests shells too deeply to be checked".to_owned(),
        });
    }
    let (command, executed_bodies) = strip_heredocs(command);
    for body in &executed_bodies {
        if let Some(b) = find_in(body, hooks_dirs, depth + 1) {
            return Some(b);
        }
    }
    let command = command.as_str();
    let Some(parsed) = split_commands(command) else {
        // An unterminated quote: the shell would refuse it too, but do not let it hide a
        // bypass.
        let lower = command.to_lowercase();
        if lower.contains("git") || lower.contains("gatekeeper_skip") {
            return Some(Bypass {
                reason: "the command could not be parsed (unbalanced quotes)".to_owned(),
            });
        }
        return None;
    };
    for inner in &parsed.substitutions {
        if let Some(b) = find_in(inner, hooks_dirs, depth + 1) {
            return Some(b);
        }
    }
    for simple in &parsed.commands {
        if let Some(b) = check_simple(simple, hooks_dirs, depth) {
            return Some(b);
        }
    }
    None
}

/// Programs that run a here-document's body as commands.
const BODY_RUNNERS: [&str; 9] = [
    "sh", "bash", "zsh", "dash", "ksh", "eval", "source", ".", "xargs",
];

/// Removes here-document bodies (data, not commands) from a command line. Bodies fed to a
/// shell (`bash <<EOF`) are returned to be checked as commands.
fn strip_heredocs(src: &str) -> (String, Vec<String>) {
    let mut out = String::new();
    let mut executed = Vec::new();
    let mut lines = src.split_inclusive('\n');
    while let Some(line) = lines.next() {
        out.push_str(line);
        let delimiters = heredoc_delimiters(line);
        if delimiters.is_empty() {
            continue;
        }
        let runs_body = line
            .split(|c: char| c.is_whitespace() || ";&|()".contains(c))
            .any(|w| BODY_RUNNERS.contains(&basename(w)));
        for delim in delimiters {
            let mut body = String::new();
            for l in lines.by_ref() {
                if l.trim() == delim {
                    break;
                }
                body.push_str(l);
            }
            if runs_body {
                executed.push(body);
            }
        }
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    (out, executed)
}

/// The delimiters of the here-documents a line opens (`<<EOF`, `<<-'EOF'`, `<< "EOF"`), in
/// order; `<<<` (a here-string) opens none.
fn heredoc_delimiters(line: &str) -> Vec<String> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < chars.len() {
        if chars[i] == '<' && chars[i + 1] == '<' {
            if chars.get(i + 2) == Some(&'<') {
                i += 3;
                continue;
            }
            let mut j = i + 2;
            if chars.get(j) == Some(&'-') {
                j += 1;
            }
            while matches!(chars.get(j), Some(' ' | '\t')) {
                j += 1;
            }
            let mut delim = String::new();
            while let Some(&c) = chars.get(j) {
                if c == '\'' || c == '"' || c == '\\' {
                    j += 1;
                    continue;
                }
                if c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.' {
                    delim.push(c);
                    j += 1;
                } else {
                    break;
                }
            }
            if !delim.is_empty() {
                out.push(delim);
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// A simple command: its words and the targets of its output redirections.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Simple {
    words: Vec<String>,
    redirects: Vec<String>,
}

#[derive(Debug, Default)]
struct Parsed {
    commands: Vec<Simple>,
    /// Texts of `$(…)` and back-quoted substitutions, parsed on their own.
    substitutions: Vec<String>,
}

/// Splits a command line into simple commands. `None` on unbalanced quotes.
fn split_commands(src: &str) -> Option<Parsed> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Parsed::default();
    let mut cur = Simple::default();
    let mut word = String::new();
    let mut in_word = false;
    // Some(true): the next word is an output target; Some(false): an input, dropped.
    let mut redirect_next: Option<bool> = None;
    let mut i = 0;
    let push_word =
        |cur: &mut Simple, word: &mut String, in_word: &mut bool, redir: &mut Option<bool>| {
            if *in_word {
                match redir.take() {
                    Some(true) => cur.redirects.push(std::mem::take(word)),
                    Some(false) => word.clear(),
                    None => cur.words.push(std::mem::take(word)),
                }
                *in_word = false;
            }
        };
    let end_command = |out: &mut Parsed, cur: &mut Simple| {
        if !cur.words.is_empty() || !cur.redirects.is_empty() {
            out.commands.push(std::mem::take(cur));
        }
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\'' => {
                in_word = true;
                i += 1;
                loop {
                    let ch = *chars.get(i)?;
                    i += 1;
                    if ch == '\'' {
                        break;
                    }
                    word.push(ch);
                }
                continue;
            }
            '"' => {
                in_word = true;
                i += 1;
                loop {
                    let ch = *chars.get(i)?;
                    match ch {
                        '"' => {
                            i += 1;
                            break;
                        }
                        '\\' => {
                            if let Some(n) = chars.get(i + 1) {
                                if matches!(n, '"' | '\\' | '$' | '`') {
                                    word.push(*n);
                                } else if *n != '\n' {
                                    word.push('\\');
                                    word.push(*n);
                                }
                            }
                            i += 2;
                        }
                        '$' if chars.get(i + 1) == Some(&'(') => {
                            let (inner, next) = take_paren(&chars, i + 2)?;
                            out.substitutions.push(inner.clone());
                            word.push_str(&inner);
                            i = next;
                        }
                        '`' => {
                            let (inner, next) = take_backquote(&chars, i + 1)?;
                            out.substitutions.push(inner);
                            i = next;
                        }
                        _ => {
                            word.push(ch);
                            i += 1;
                        }
                    }
                }
                continue;
            }
            '\\' => {
                if let Some(n) = chars.get(i + 1)
                    && *n != '\n'
                {
                    word.push(*n);
                    in_word = true;
                }
                i += 2;
                continue;
            }
            '$' if chars.get(i + 1) == Some(&'(') => {
                let (inner, next) = take_paren(&chars, i + 2)?;
                out.substitutions.push(inner);
                in_word = true;
                i = next;
                continue;
            }
            '`' => {
                let (inner, next) = take_backquote(&chars, i + 1)?;
                out.substitutions.push(inner);
                in_word = true;
                i = next;
                continue;
            }
            '#' if !in_word => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            ' ' | '\t' => {
                push_word(&mut cur, &mut word, &mut in_word, &mut redirect_next);
            }
            ';' | '&' | '|' | '\n' | '(' | ')' | '{' | '}'
                if !(matches!(c, '{' | '}') && in_word) =>
            {
                // `>&2` and `&>` are redirections, not separators.
                if c == '&' && chars.get(i + 1) == Some(&'>') {
                    push_word(&mut cur, &mut word, &mut in_word, &mut redirect_next);
                    redirect_next = Some(true);
                    i += 2;
                    if chars.get(i) == Some(&'>') {
                        i += 1;
                    }
                    continue;
                }
                push_word(&mut cur, &mut word, &mut in_word, &mut redirect_next);
                end_command(&mut out, &mut cur);
            }
            '>' | '<' => {
                // A file-descriptor number just before belongs to the redirection.
                if in_word && word.chars().all(|d| d.is_ascii_digit()) {
                    word.clear();
                    in_word = false;
                } else {
                    push_word(&mut cur, &mut word, &mut in_word, &mut redirect_next);
                }
                let is_output = c == '>';
                i += 1;
                while matches!(chars.get(i), Some('>' | '|')) {
                    i += 1;
                }
                // `<<` and `<<-` (a here-document; its body was removed beforehand).
                while !is_output && matches!(chars.get(i), Some('<' | '-')) {
                    i += 1;
                }
                if chars.get(i) == Some(&'&') {
                    // `>&2`: duplicates a descriptor, no file.
                    i += 1;
                    while matches!(chars.get(i), Some(d) if d.is_ascii_digit() || *d == '-') {
                        i += 1;
                    }
                    continue;
                }
                // An input's word is read, not written: it is dropped.
                redirect_next = Some(is_output);
                continue;
            }
            _ => {
                word.push(c);
                in_word = true;
            }
        }
        i += 1;
    }
    push_word(&mut cur, &mut word, &mut in_word, &mut redirect_next);
    end_command(&mut out, &mut cur);
    Some(out)
}

/// The text of `$( … )` starting after the `(`; returns it and the index after `)`.
fn take_paren(chars: &[char], mut i: usize) -> Option<(String, usize)> {
    let mut depth = 1;
    let mut s = String::new();
    let mut quote: Option<char> = None;
    while i < chars.len() {
        let c = chars[i];
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                } else if c == '\\' && q == '"' {
                    s.push(c);
                    i += 1;
                    if let Some(n) = chars.get(i) {
                        s.push(*n);
                    }
                    i += 1;
                    continue;
                }
            }
            None => match c {
                '\'' | '"' => quote = Some(c),
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some((s, i + 1));
                    }
                }
                _ => {}
            },
        }
        s.push(c);
        i += 1;
    }
    None
}

fn take_backquote(chars: &[char], mut i: usize) -> Option<(String, usize)> {
    let mut s = String::new();
    while i < chars.len() {
        match chars[i] {
            '`' => return Some((s, i + 1)),
            '\\' => {
                if let Some(n) = chars.get(i + 1) {
                    s.push(*n);
                }
                i += 2;
            }
            c => {
                s.push(c);
                i += 1;
            }
        }
    }
    None
}

/// Programs that only read the files they are given (`find` is not one: `-delete`, `-exec`).
const READERS: [&str; 15] = [
    "ls", "cat", "head", "tail", "less", "more", "grep", "rg", "stat", "file", "test", "[", "wc",
    "diff", "echo",
];

/// Programs that run the rest of their arguments as a command.
const WRAPPERS: [&str; 9] = [
    "env", "command", "exec", "nohup", "time", "sudo", "nice", "timeout", "xargs",
];

fn basename(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

#[expect(
    clippy::unnecessary_wraps,
    reason = "every check returns `Option<Bypass>`; this keeps each refusal one expression"
)]
fn bypass(reason: impl Into<String>) -> Option<Bypass> {
    Some(Bypass {
        reason: reason.into(),
    })
}

fn mentions_hooks_dir(word: &str, hooks_dirs: &[String]) -> bool {
    let normal = word.replace("//", "/");
    normal.contains(".git/hooks")
        || hooks_dirs
            .iter()
            .any(|d| !d.is_empty() && normal.contains(d.trim_end_matches('/')))
}

fn check_simple(cmd: &Simple, hooks_dirs: &[String], depth: usize) -> Option<Bypass> {
    for target in &cmd.redirects {
        if mentions_hooks_dir(target, hooks_dirs) {
            return bypass(format!(
                "writing into git's hooks directory (`> {target}`) would disable gatekeeper's hooks"
            ));
        }
    }
    let mut words: &[String] = &cmd.words;
    // Environment assignments before the program, and wrappers that run a command.
    loop {
        let first = words.first()?;
        if let Some((name, _)) = first.split_once('=')
            && !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            if let Some(b) = check_assignment(first) {
                return Some(b);
            }
            words = &words[1..];
            continue;
        }
        let prog = basename(first);
        if prog == "export" || prog == "declare" || prog == "typeset" || prog == "set" {
            for w in &words[1..] {
                if let Some(b) = check_assignment(w) {
                    return Some(b);
                }
            }
            return None;
        }
        if WRAPPERS.contains(&prog) {
            words = &words[1..];
            // Options of the wrapper (`env -i`, `timeout 10`, `nice -n 5`).
            while let Some(w) = words.first() {
                if w.starts_with('-') || w.chars().all(|c| c.is_ascii_digit() || c == '.') {
                    words = &words[1..];
                } else {
                    break;
                }
            }
            continue;
        }
        break;
    }
    let prog = basename(&words[0]);
    let args = &words[1..];
    if matches!(prog, "sh" | "bash" | "zsh" | "dash" | "ksh") {
        if let Some(pos) = args.iter().position(|a| {
            a == "-c" || (a.starts_with('-') && !a.starts_with("--") && a.contains('c'))
        }) && let Some(script) = args.get(pos + 1)
        {
            return find_in(script, hooks_dirs, depth + 1);
        }
        return None;
    }
    if prog == "eval" {
        return find_in(&args.join(" "), hooks_dirs, depth + 1);
    }
    if prog == "git" {
        return check_git(args, hooks_dirs);
    }
    if !READERS.contains(&prog) {
        for w in args {
            if mentions_hooks_dir(w, hooks_dirs) {
                return bypass(format!(
                    "`{prog}` on git's hooks directory (`{w}`) would change or disable gatekeeper's hooks"
                ));
            }
        }
    }
    None
}

fn check_assignment(word: &str) -> Option<Bypass> {
    let (name, value) = word.split_once('=')?;
    if name == "GATEKEEPER_SKIP" {
        return bypass(
            "`GATEKEEPER_SKIP=` skips gates; agents may not skip gates (ask a human)".to_owned(),
        );
    }
    if name.starts_with("GIT_CONFIG") && value.to_lowercase().contains("core.hookspath") {
        return bypass(format!(
            "`{name}` overriding core.hooksPath would disable gatekeeper's hooks"
        ));
    }
    if name.starts_with("GIT_CONFIG_KEY_") && value.eq_ignore_ascii_case("core.hooksPath") {
        return bypass("`GIT_CONFIG_KEY_*=core.hooksPath` would disable gatekeeper's hooks");
    }
    None
}

/// Whether `arg` is an unambiguous abbreviation of `--no-verify` (git accepts prefixes).
fn is_no_verify(arg: &str) -> bool {
    let a = arg.split('=').next().unwrap_or(arg);
    a.len() >= "--no-ve".len() && "--no-verify".starts_with(a)
}

fn check_git(args: &[String], hooks_dirs: &[String]) -> Option<Bypass> {
    // Global options before the subcommand.
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if !a.starts_with('-') {
            break;
        }
        match a {
            "-C" | "--git-dir" | "--work-tree" | "--namespace" | "--super-prefix"
            | "--exec-path" | "--config-env" | "-c" => {
                if let Some(v) = args.get(i + 1)
                    && (a == "-c" || a == "--config-env")
                    && v.to_lowercase().starts_with("core.hookspath")
                {
                    return bypass(format!(
                        "`git {a} {v}` overrides core.hooksPath and would skip gatekeeper's hooks"
                    ));
                }
                i += 2;
                continue;
            }
            _ => {
                if let Some(v) = a.strip_prefix("--config-env=")
                    && v.to_lowercase().starts_with("core.hookspath")
                {
                    return bypass(format!(
                        "`git {a}` overrides core.hooksPath and would skip gatekeeper's hooks"
                    ));
                }
                if let Some(v) = a.strip_prefix("-c")
                    && v.to_lowercase().starts_with("core.hookspath")
                {
                    return bypass(format!(
                        "`git {a}` overrides core.hooksPath and would skip gatekeeper's hooks"
                    ));
                }
            }
        }
        i += 1;
    }
    let sub = args.get(i)?;
    let rest = &args[i + 1..];
    let options: Vec<&str> = rest
        .iter()
        .map(String::as_str)
        .take_while(|a| *a != "--")
        .collect();
    if options.iter().any(|a| is_no_verify(a)) {
        return bypass(format!(
            "`git {sub} --no-verify` skips gatekeeper's hooks; fix what the hooks report instead"
        ));
    }
    match sub.as_str() {
        "commit" if commit_short_n(&options) => {
            return bypass(
                "`git commit -n` is `--no-verify`: it skips gatekeeper's hooks; fix what the hooks report instead",
            );
        }
        "config" => {
            let read_only = options.iter().any(|a| {
                matches!(
                    *a,
                    "--get" | "--get-all" | "--get-regexp" | "-l" | "--list" | "get" | "list"
                )
            });
            if !read_only
                && options
                    .iter()
                    .any(|a| a.to_lowercase().starts_with("core.hookspath"))
            {
                return bypass(
                    "changing core.hooksPath would point git away from gatekeeper's hooks",
                );
            }
        }
        "update-index" | "rm" | "mv" | "checkout" | "restore"
            if options.iter().any(|a| mentions_hooks_dir(a, hooks_dirs)) =>
        {
            return bypass("changing git's hooks directory would disable gatekeeper's hooks");
        }
        _ => {}
    }
    None
}

/// Whether `git commit`'s options contain `-n` (alone or in a cluster such as `-nm`), given
/// that `-m`, `-F`, `-c`, `-C`, `-t` take a value and `-S`, `-u` an attached optional one.
fn commit_short_n(options: &[&str]) -> bool {
    let mut skip_value = false;
    for a in options {
        if skip_value {
            skip_value = false;
            continue;
        }
        if a.starts_with("--") || !a.starts_with('-') || *a == "-" {
            if matches!(
                *a,
                "--message"
                    | "--file"
                    | "--reuse-message"
                    | "--reedit-message"
                    | "--template"
                    | "--author"
                    | "--date"
                    | "--fixup"
                    | "--squash"
                    | "--trailer"
                    | "--cleanup"
                    | "--pathspec-from-file"
            ) {
                skip_value = true;
            }
            continue;
        }
        for (idx, c) in a[1..].char_indices() {
            match c {
                'n' => return true,
                'm' | 'F' | 'c' | 'C' | 't' => {
                    // The value is the rest of the cluster, or the next argument.
                    if idx + 1 == a.len() - 1 {
                        skip_value = true;
                    }
                    break;
                }
                'S' | 'u' => break,
                _ => {}
            }
        }
    }
    false
}

/// Whether an option takes a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Arg {
    No,
    /// `--name=VALUE` or `--name VALUE`.
    Required,
    /// Only `--name=VALUE`.
    Optional,
}

/// A program's option syntax (GNU `getopt_long`).
struct Spec {
    /// Short options with a value: the rest of the cluster, else the next word (`-t DIR`).
    short_value: &'static str,
    /// Short options whose value is only the rest of the cluster, possibly empty (`sed -i`).
    short_rest: &'static str,
    /// Long options; an unambiguous prefix selects one, as with `getopt_long`.
    long: &'static [(&'static str, Arg)],
    /// Options end at the first operand (`sudo`, `env`, `timeout`: the rest is a command).
    stop_at_operand: bool,
}

const fn spec(
    short_value: &'static str,
    short_rest: &'static str,
    long: &'static [(&'static str, Arg)],
) -> Spec {
    Spec {
        short_value,
        short_rest,
        long,
        stop_at_operand: false,
    }
}

const fn wrapper(short_value: &'static str, long: &'static [(&'static str, Arg)]) -> Spec {
    Spec {
        short_value,
        short_rest: "",
        long,
        stop_at_operand: true,
    }
}

/// A command line read with a [`Spec`].
#[derive(Debug, Default)]
struct Args {
    /// Options in order: a short option's letter or a long option's full name, and its value.
    options: Vec<(String, Option<String>)>,
    operands: Vec<String>,
    /// How many operands came before `--`, when there was one.
    before_dashdash: Option<usize>,
}

impl Args {
    fn value(&self, short: char, long: &str) -> Option<&str> {
        self.options
            .iter()
            .rev()
            .find(|(k, _)| k.len() == short.len_utf8() && k.starts_with(short) || k == long)
            .and_then(|(_, v)| v.as_deref())
    }

    fn has(&self, short: char, long: &str) -> bool {
        self.has_short(short) || self.has_long(long)
    }

    fn has_short(&self, short: char) -> bool {
        self.options
            .iter()
            .any(|(k, _)| k.len() == short.len_utf8() && k.starts_with(short))
    }

    fn has_long(&self, long: &str) -> bool {
        self.options.iter().any(|(k, _)| k == long)
    }
}

fn parse_args(words: &[String], spec: &Spec, is_operand: &dyn Fn(&str) -> bool) -> Args {
    let mut out = Args::default();
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        i += 1;
        if w == "--" {
            out.before_dashdash = Some(out.operands.len());
            out.operands.extend(words[i..].iter().cloned());
            break;
        }
        if !w.starts_with('-') || w == "-" || is_operand(w) {
            if spec.stop_at_operand {
                out.operands.extend(words[i - 1..].iter().cloned());
                break;
            }
            out.operands.push(w.clone());
            continue;
        }
        if let Some(long) = w.strip_prefix("--") {
            let (name, attached) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_owned())),
                None => (long, None),
            };
            let found = spec
                .long
                .iter()
                .find(|(n, _)| *n == name)
                .or_else(|| {
                    let mut candidates = spec.long.iter().filter(|(n, _)| n.starts_with(name));
                    let first = candidates.next();
                    if candidates.next().is_none() {
                        first
                    } else {
                        None
                    }
                })
                .copied();
            let (name, kind) = found.unwrap_or((name, Arg::No));
            let value = if attached.is_none() && kind == Arg::Required {
                i += 1;
                words.get(i - 1).cloned()
            } else {
                attached
            };
            out.options.push((name.to_owned(), value));
            continue;
        }
        let cluster = &w[1..];
        for (idx, c) in cluster.char_indices() {
            let rest = &cluster[idx + c.len_utf8()..];
            if spec.short_value.contains(c) {
                let value = if rest.is_empty() {
                    i += 1;
                    words.get(i - 1).cloned()
                } else {
                    Some(rest.to_owned())
                };
                out.options.push((c.to_string(), value));
                break;
            }
            if spec.short_rest.contains(c) {
                out.options.push((c.to_string(), Some(rest.to_owned())));
                break;
            }
            out.options.push((c.to_string(), None));
        }
    }
    out
}

fn no_operand_options(_: &str) -> bool {
    false
}

/// `dir/name`.
fn join(dir: &str, name: &str) -> String {
    if dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

/// A directory written into, marked with a trailing `/`.
fn as_dir(dir: &str) -> String {
    join(dir, "")
}

/// The last component of a path, ignoring trailing slashes (`cp -r src/ dst/` writes
/// `dst/src`).
fn last_component(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return path;
    }
    basename(trimmed)
}

/// Whether a path names a directory by its spelling alone.
fn looks_like_dir(path: &str) -> bool {
    path.ends_with('/') || matches!(basename(path), "." | "..") || path == "~"
}

const CP: Spec = spec(
    "St",
    "",
    &[
        ("archive", Arg::No),
        ("attributes-only", Arg::No),
        ("backup", Arg::Optional),
        ("copy-contents", Arg::No),
        ("debug", Arg::No),
        ("dereference", Arg::No),
        ("force", Arg::No),
        ("interactive", Arg::No),
        ("link", Arg::No),
        ("no-clobber", Arg::No),
        ("no-dereference", Arg::No),
        ("no-preserve", Arg::Required),
        ("no-target-directory", Arg::No),
        ("one-file-system", Arg::No),
        ("parents", Arg::No),
        ("preserve", Arg::Optional),
        ("recursive", Arg::No),
        ("reflink", Arg::Optional),
        ("remove-destination", Arg::No),
        ("sparse", Arg::Required),
        ("strip-trailing-slashes", Arg::No),
        ("suffix", Arg::Required),
        ("symbolic-link", Arg::No),
        ("target-directory", Arg::Required),
        ("update", Arg::Optional),
        ("verbose", Arg::No),
        ("context", Arg::Optional),
        ("keep-directory-symlink", Arg::No),
    ],
);

const MV: Spec = spec(
    "St",
    "",
    &[
        ("backup", Arg::Optional),
        ("context", Arg::No),
        ("debug", Arg::No),
        ("exchange", Arg::No),
        ("force", Arg::No),
        ("interactive", Arg::No),
        ("no-clobber", Arg::No),
        ("no-copy", Arg::No),
        ("no-target-directory", Arg::No),
        ("strip-trailing-slashes", Arg::No),
        ("suffix", Arg::Required),
        ("target-directory", Arg::Required),
        ("update", Arg::Optional),
        ("verbose", Arg::No),
    ],
);

const INSTALL: Spec = spec(
    "gmoSt",
    "",
    &[
        ("backup", Arg::Optional),
        ("compare", Arg::No),
        ("context", Arg::Optional),
        ("debug", Arg::No),
        ("directory", Arg::No),
        ("group", Arg::Required),
        ("mode", Arg::Required),
        ("no-target-directory", Arg::No),
        ("owner", Arg::Required),
        ("preserve-context", Arg::No),
        ("preserve-timestamps", Arg::No),
        ("strip", Arg::No),
        ("strip-program", Arg::Required),
        ("suffix", Arg::Required),
        ("target-directory", Arg::Required),
        ("verbose", Arg::No),
    ],
);

const LN: Spec = spec(
    "St",
    "",
    &[
        ("backup", Arg::Optional),
        ("directory", Arg::No),
        ("force", Arg::No),
        ("interactive", Arg::No),
        ("logical", Arg::No),
        ("no-dereference", Arg::No),
        ("no-target-directory", Arg::No),
        ("physical", Arg::No),
        ("relative", Arg::No),
        ("suffix", Arg::Required),
        ("symbolic", Arg::No),
        ("target-directory", Arg::Required),
        ("verbose", Arg::No),
    ],
);

const RM: Spec = spec(
    "",
    "",
    &[
        ("dir", Arg::No),
        ("force", Arg::No),
        ("interactive", Arg::Optional),
        ("no-preserve-root", Arg::No),
        ("one-file-system", Arg::No),
        ("preserve-root", Arg::Optional),
        ("recursive", Arg::No),
        ("verbose", Arg::No),
    ],
);

const TOUCH: Spec = spec(
    "drt",
    "",
    &[
        ("date", Arg::Required),
        ("no-create", Arg::No),
        ("no-dereference", Arg::No),
        ("reference", Arg::Required),
        ("time", Arg::Required),
    ],
);

const TRUNCATE: Spec = spec(
    "rs",
    "",
    &[
        ("io-blocks", Arg::No),
        ("no-create", Arg::No),
        ("reference", Arg::Required),
        ("size", Arg::Required),
    ],
);

const SHRED: Spec = spec(
    "ns",
    "",
    &[
        ("exact", Arg::No),
        ("force", Arg::No),
        ("iterations", Arg::Required),
        ("random-source", Arg::Required),
        ("remove", Arg::Optional),
        ("size", Arg::Required),
        ("verbose", Arg::No),
        ("zero", Arg::No),
    ],
);

const CHMOD: Spec = spec(
    "",
    "",
    &[
        ("changes", Arg::No),
        ("dereference", Arg::No),
        ("no-dereference", Arg::No),
        ("no-preserve-root", Arg::No),
        ("preserve-root", Arg::No),
        ("quiet", Arg::No),
        ("recursive", Arg::No),
        ("reference", Arg::Required),
        ("silent", Arg::No),
        ("verbose", Arg::No),
    ],
);

const CHOWN: Spec = spec(
    "",
    "",
    &[
        ("changes", Arg::No),
        ("dereference", Arg::No),
        ("from", Arg::Required),
        ("no-dereference", Arg::No),
        ("no-preserve-root", Arg::No),
        ("preserve-root", Arg::No),
        ("quiet", Arg::No),
        ("recursive", Arg::No),
        ("reference", Arg::Required),
        ("silent", Arg::No),
        ("verbose", Arg::No),
    ],
);

const SED: Spec = spec(
    "efl",
    "i",
    &[
        ("binary", Arg::No),
        ("debug", Arg::No),
        ("expression", Arg::Required),
        ("file", Arg::Required),
        ("follow-symlinks", Arg::No),
        ("in-place", Arg::Optional),
        ("line-length", Arg::Required),
        ("null-data", Arg::No),
        ("posix", Arg::No),
        ("quiet", Arg::No),
        ("regexp-extended", Arg::No),
        ("sandbox", Arg::No),
        ("separate", Arg::No),
        ("silent", Arg::No),
        ("unbuffered", Arg::No),
        ("zero-terminated", Arg::No),
    ],
);

const TEE: Spec = spec(
    "",
    "",
    &[
        ("append", Arg::No),
        ("ignore-interrupts", Arg::No),
        ("output-error", Arg::Optional),
    ],
);

const GIT_CHECKOUT: Spec = spec(
    "bBU",
    "",
    &[
        ("conflict", Arg::Required),
        ("orphan", Arg::Required),
        ("pathspec-from-file", Arg::Required),
        ("track", Arg::Optional),
        ("unified", Arg::Required),
    ],
);

const GIT_RESTORE: Spec = spec(
    "sU",
    "",
    &[
        ("conflict", Arg::Required),
        ("pathspec-from-file", Arg::Required),
        ("source", Arg::Required),
        ("unified", Arg::Required),
    ],
);

const GIT_RM: Spec = spec("", "", &[("pathspec-from-file", Arg::Required)]);

const GIT_MV: Spec = spec("", "", &[]);

const SUDO: Spec = wrapper(
    "CDghprtTUu",
    &[
        ("chdir", Arg::Required),
        ("chroot", Arg::Required),
        ("close-from", Arg::Required),
        ("command-timeout", Arg::Required),
        ("group", Arg::Required),
        ("host", Arg::Required),
        ("other-user", Arg::Required),
        ("prompt", Arg::Required),
        ("role", Arg::Required),
        ("type", Arg::Required),
        ("user", Arg::Required),
        ("edit", Arg::No),
        ("preserve-env", Arg::Optional),
    ],
);

const DOAS: Spec = wrapper("uC", &[]);

const ENV: Spec = wrapper(
    "uCS",
    &[
        ("block-signal", Arg::Optional),
        ("chdir", Arg::Required),
        ("debug", Arg::No),
        ("default-signal", Arg::Optional),
        ("ignore-environment", Arg::No),
        ("ignore-signal", Arg::Optional),
        ("list-signal-handling", Arg::No),
        ("null", Arg::No),
        ("split-string", Arg::Required),
        ("unset", Arg::Required),
    ],
);

const NICE: Spec = wrapper("n", &[("adjustment", Arg::Required)]);

const TIMEOUT: Spec = wrapper(
    "ks",
    &[
        ("foreground", Arg::No),
        ("kill-after", Arg::Required),
        ("preserve-status", Arg::No),
        ("signal", Arg::Required),
        ("verbose", Arg::No),
    ],
);

const TIME: Spec = wrapper(
    "fo",
    &[
        ("append", Arg::No),
        ("format", Arg::Required),
        ("output", Arg::Required),
        ("portability", Arg::No),
        ("quiet", Arg::No),
        ("verbose", Arg::No),
    ],
);

const EXEC: Spec = wrapper("a", &[]);

const STDBUF: Spec = wrapper(
    "ioe",
    &[
        ("error", Arg::Required),
        ("input", Arg::Required),
        ("output", Arg::Required),
    ],
);

const IONICE: Spec = wrapper(
    "cnpPu",
    &[
        ("class", Arg::Required),
        ("classdata", Arg::Required),
        ("pgid", Arg::Required),
        ("pid", Arg::Required),
        ("uid", Arg::Required),
    ],
);

const PLAIN_WRAPPER: Spec = wrapper("", &[]);

/// `NAME=value`: a variable assignment before a command.
pub fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// The files one simple command writes through its arguments (not its redirections).
fn command_writes(words: &[String], is_dir: &dyn Fn(&str) -> bool, depth: usize) -> Vec<String> {
    let mut words: Vec<String> = words.to_vec();
    // A directory the command runs in (`env -C DIR`, `sudo -D DIR`).
    let mut chdir: Option<String> = None;
    let mut out = Vec::new();
    // Assignments and wrappers that run the rest of their arguments as a command.
    loop {
        let start = words.iter().take_while(|w| is_assignment(w)).count();
        words.drain(..start);
        let Some(first) = words.first() else {
            return out;
        };
        let prog = basename(first).to_owned();
        let spec = match prog.as_str() {
            "sudo" => &SUDO,
            "doas" => &DOAS,
            "env" => &ENV,
            "nice" => &NICE,
            "timeout" => &TIMEOUT,
            "time" => &TIME,
            "exec" => &EXEC,
            "stdbuf" => &STDBUF,
            "ionice" => &IONICE,
            "command" | "nohup" | "builtin" => &PLAIN_WRAPPER,
            // What xargs runs gets its arguments from standard input: no guess.
            "xargs" => return out,
            _ => break,
        };
        // `nice -5 cmd`: an old-style adjustment.
        let numeric = |w: &str| {
            prog == "nice"
                && w.strip_prefix('-')
                    .is_some_and(|n| n.trim_start_matches('-').parse::<i32>().is_ok())
        };
        let rest: Vec<String> = words[1..].iter().filter(|w| !numeric(w)).cloned().collect();
        let args = parse_args(&rest, spec, &no_operand_options);
        if prog == "command" && (args.has_short('v') || args.has_short('V')) {
            return out;
        }
        if prog == "sudo" && args.has('e', "edit") {
            // sudoedit: every operand is a file edited.
            out.extend(args.operands);
            return out;
        }
        if prog == "time" {
            out.extend(args.value('o', "output").map(str::to_owned));
        }
        if let Some(dir) = args.value('C', "chdir").filter(|_| prog == "env") {
            chdir = Some(dir.to_owned());
        }
        if let Some(dir) = args.value('D', "chdir").filter(|_| prog == "sudo") {
            chdir = Some(dir.to_owned());
        }
        let mut next = args.operands.clone();
        if prog == "timeout" && !next.is_empty() {
            next.remove(0);
        }
        if prog == "env"
            && let Some(split) = args.value('S', "split-string")
            && let Some(parsed) = split_commands(split)
            && let Some(cmd) = parsed.commands.into_iter().next()
        {
            let mut words = cmd.words;
            words.extend(next);
            next = words;
        }
        words = next;
    }
    let prog = basename(&words[0]).to_owned();
    let args = &words[1..];
    match prog.as_str() {
        "sh" | "bash" | "zsh" | "dash" | "ksh" => {
            if let Some(pos) = args.iter().position(|a| {
                a == "-c" || (a.starts_with('-') && !a.starts_with("--") && a.contains('c'))
            }) && let Some(script) = args.get(pos + 1)
            {
                out.extend(targets_in(script, is_dir, depth + 1));
            }
        }
        "eval" => out.extend(targets_in(&args.join(" "), is_dir, depth + 1)),
        "tee" => out.extend(
            parse_args(args, &TEE, &no_operand_options)
                .operands
                .into_iter()
                .filter(|w| w != "-"),
        ),
        "cp" => copy_writes(
            &parse_args(args, &CP, &no_operand_options),
            false,
            is_dir,
            &mut out,
        ),
        "mv" => copy_writes(
            &parse_args(args, &MV, &no_operand_options),
            true,
            is_dir,
            &mut out,
        ),
        "install" => {
            let a = parse_args(args, &INSTALL, &no_operand_options);
            if a.has('d', "directory") {
                out.extend(a.operands.iter().map(|d| as_dir(d)));
            } else {
                copy_writes(&a, false, is_dir, &mut out);
            }
        }
        "ln" => {
            let a = parse_args(args, &LN, &no_operand_options);
            if a.operands.len() == 1 && !a.has('t', "target-directory") {
                // `ln -s ../x`: the link is `x` in the current directory.
                out.push(last_component(&a.operands[0]).to_owned());
            } else {
                copy_writes(&a, false, is_dir, &mut out);
            }
        }
        "rm" => out.extend(parse_args(args, &RM, &no_operand_options).operands),
        "rmdir" => out.extend(
            parse_args(
                args,
                &spec(
                    "",
                    "",
                    &[
                        ("ignore-fail-on-non-empty", Arg::No),
                        ("parents", Arg::No),
                        ("verbose", Arg::No),
                    ],
                ),
                &no_operand_options,
            )
            .operands
            .iter()
            .map(|d| as_dir(d)),
        ),
        "unlink" => out.extend(parse_args(args, &spec("", "", &[]), &no_operand_options).operands),
        "touch" => out.extend(parse_args(args, &TOUCH, &no_operand_options).operands),
        "truncate" => out.extend(parse_args(args, &TRUNCATE, &no_operand_options).operands),
        "shred" => out.extend(parse_args(args, &SHRED, &no_operand_options).operands),
        "chmod" => {
            // `chmod -x f`: a mode that looks like an option is an operand.
            let a = parse_args(args, &CHMOD, &|w: &str| {
                w[1..].chars().all(|c| "rwxXstugoa+-=,01234567".contains(c))
            });
            let skip = usize::from(!a.has_long("reference"));
            out.extend(a.operands.into_iter().skip(skip));
        }
        "chown" | "chgrp" => {
            let a = parse_args(args, &CHOWN, &no_operand_options);
            let skip = usize::from(!a.has_long("reference"));
            out.extend(a.operands.into_iter().skip(skip));
        }
        "sed" => {
            let a = parse_args(args, &SED, &no_operand_options);
            let suffix = a
                .options
                .iter()
                .rev()
                .find(|(k, _)| k == "i" || k == "in-place")
                .map(|(_, v)| v.clone().unwrap_or_default());
            if let Some(suffix) = suffix {
                let has_script = a.has('e', "expression") || a.has('f', "file");
                let files = &a.operands[usize::from(!has_script).min(a.operands.len())..];
                in_place_writes(files, &suffix, &mut out);
            }
        }
        "perl" => perl_writes(args, &mut out),
        "dd" => out.extend(
            args.iter()
                .filter_map(|a| a.strip_prefix("of="))
                .map(str::to_owned),
        ),
        "git" => git_writes(args, is_dir, &mut out),
        _ => {}
    }
    if let Some(dir) = chdir {
        for t in &mut out {
            if !t.starts_with('/') {
                *t = join(&dir, t);
            }
        }
    }
    out
}

/// `cp`/`mv`/`install`/`ln`/`git mv`: the destination, or for a directory destination the
/// directory and `DIR/<name of each source>`; `mv` also removes its sources.
fn copy_writes(a: &Args, moves: bool, is_dir: &dyn Fn(&str) -> bool, out: &mut Vec<String>) {
    let (dir, sources): (&str, &[String]) = if let Some(dir) = a.value('t', "target-directory") {
        (dir, &a.operands)
    } else {
        let Some((dest, sources)) = a.operands.split_last() else {
            return;
        };
        if sources.is_empty() {
            return;
        }
        let into_dir = !a.has('T', "no-target-directory")
            && (sources.len() > 1 || looks_like_dir(dest) || is_dir(dest));
        if !into_dir {
            out.push(dest.clone());
            if moves {
                out.extend(sources.iter().cloned());
            }
            return;
        }
        (dest.as_str(), sources)
    };
    out.push(as_dir(dir));
    out.extend(sources.iter().map(|s| join(dir, last_component(s))));
    if moves {
        out.extend(sources.iter().cloned());
    }
}

/// `sed -i`/`perl -i`: the files edited, and their backups when a suffix is given (`*` in it
/// stands for the file's name, as both programs read it).
fn in_place_writes(files: &[String], suffix: &str, out: &mut Vec<String>) {
    for f in files {
        out.push(f.clone());
        if suffix.is_empty() {
            continue;
        }
        if suffix.contains('*') {
            let name = basename(f);
            let backup = suffix.replace('*', name);
            if backup.contains('/') {
                out.push(backup);
            } else {
                let dir = &f[..f.len() - name.len()];
                out.push(format!("{dir}{backup}"));
            }
        } else {
            out.push(format!("{f}{suffix}"));
        }
    }
}

/// `perl -i[EXT]` (alone or in a cluster: `-pi`, `-pie`, `-i.bak`): the files after the
/// program (`-e CODE`/`-E CODE`, else the first operand is the program file).
fn perl_writes(args: &[String], out: &mut Vec<String>) {
    let mut in_place: Option<String> = None;
    let mut has_code = false;
    let mut i = 0;
    while i < args.len() {
        let w = &args[i];
        i += 1;
        if w == "--" {
            break;
        }
        if !w.starts_with('-') || w == "-" {
            i -= 1;
            break;
        }
        let cluster: Vec<char> = w[1..].chars().collect();
        let mut j = 0;
        while j < cluster.len() {
            let c = cluster[j];
            j += 1;
            let rest: String = cluster[j..].iter().collect();
            match c {
                'e' | 'E' => {
                    has_code = true;
                    if rest.is_empty() {
                        i += 1;
                    }
                    break;
                }
                'i' => {
                    in_place = Some(rest);
                    break;
                }
                'I' => {
                    if rest.is_empty() {
                        i += 1;
                    }
                    break;
                }
                // Their value is the rest of the cluster.
                'M' | 'm' | 'F' | 'x' | 'C' | 'd' | 'D' | 'V' => break,
                // `-l[octal]`, `-0[digits]`: only digits follow.
                'l' | '0' => {
                    while j < cluster.len() && cluster[j].is_ascii_hexdigit()
                        || (c == '0' && cluster.get(j) == Some(&'x'))
                    {
                        j += 1;
                    }
                }
                _ => {}
            }
        }
    }
    let Some(ext) = in_place else {
        return;
    };
    let operands = args.get(i..).unwrap_or_default();
    let files = &operands[usize::from(!has_code).min(operands.len())..];
    in_place_writes(files, &ext, out);
}

/// `git checkout [REV] -- PATHS`, `git restore PATHS`, `git rm PATHS`, `git mv A B`, under
/// `git -C DIR`.
fn git_writes(args: &[String], is_dir: &dyn Fn(&str) -> bool, out: &mut Vec<String>) {
    let mut dir: Option<String> = None;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if !a.starts_with('-') {
            break;
        }
        i += 1;
        match a {
            "-C" => {
                if let Some(d) = args.get(i) {
                    dir = Some(match &dir {
                        Some(prev) if !d.starts_with('/') => join(prev, d),
                        _ => d.clone(),
                    });
                }
                i += 1;
            }
            "-c" | "--git-dir" | "--work-tree" | "--namespace" | "--super-prefix"
            | "--config-env" => i += 1,
            _ => {}
        }
    }
    let Some(sub) = args.get(i) else {
        return;
    };
    let rest = &args[i + 1..];
    let mut paths = Vec::new();
    match sub.as_str() {
        "checkout" => {
            let a = parse_args(rest, &GIT_CHECKOUT, &no_operand_options);
            if let Some(n) = a.before_dashdash {
                paths.extend(a.operands[n..].iter().cloned());
            } else if !a.has('b', "orphan") && !a.has_short('B') {
                // `git checkout REV PATH…`; a lone `git checkout .` discards every change.
                if a.operands.len() > 1 {
                    paths.extend(a.operands[1..].iter().cloned());
                } else if a.operands.first().is_some_and(|o| looks_like_dir(o)) {
                    paths.extend(a.operands.iter().map(|o| as_dir(o)));
                }
            }
        }
        "restore" => paths.extend(parse_args(rest, &GIT_RESTORE, &no_operand_options).operands),
        "rm" => paths.extend(parse_args(rest, &GIT_RM, &no_operand_options).operands),
        "mv" => copy_writes(
            &parse_args(rest, &GIT_MV, &no_operand_options),
            true,
            is_dir,
            &mut paths,
        ),
        _ => {}
    }
    out.extend(paths.into_iter().map(|p| match &dir {
        Some(d) if !p.starts_with('/') => join(d, &p),
        _ => p,
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(cmd: &str) -> bool {
        find_bypass(cmd, &[]).is_some()
    }

    #[test]
    fn no_verify_in_its_forms_is_refused() {
        assert!(refused("git commit --no-verify -m x"));
        assert!(refused("git commit -nm x"));
        assert!(refused("git commit -n -m x"));
        assert!(refused("git commit -anm 'x y'"));
        assert!(refused("git -C dir commit --no-verify"));
        assert!(refused("git -c user.name=x commit --no-verif -m y"));
        assert!(refused("git push --no-verify origin main"));
        assert!(refused("cd a && git commit -n -m x"));
        assert!(refused("echo hi; git commit -qn -m x"));
        assert!(refused("bash -c 'git commit --no-verify -m x'"));
        assert!(refused("echo $(git commit -n -m x)"));
        assert!(refused("FOO=1 git commit -n -m x"));
        assert!(refused("env FOO=1 git merge --no-verify topic"));
    }

    #[test]
    fn innocent_commands_pass() {
        assert!(!refused("git push -n origin main"));
        assert!(!refused("git push --dry-run"));
        assert!(!refused("git commit -m 'do not use -n here'"));
        assert!(!refused("git commit -mn"));
        assert!(!refused("git commit -m -n"));
        assert!(!refused("git commit -m \"--no-verify is bad\""));
        assert!(!refused("git log -n 3"));
        assert!(!refused("cargo test 2>&1 | tail -n 5"));
        assert!(!refused("echo 'git commit -n'"));
        assert!(!refused("ls .git/hooks"));
        assert!(!refused("git config --get core.hooksPath"));
    }

    #[test]
    fn skip_variable_and_hooks_path_are_refused() {
        assert!(refused("GATEKEEPER_SKIP=test git commit -m x"));
        assert!(refused("export GATEKEEPER_SKIP=test"));
        assert!(refused("git -c core.hooksPath=/dev/null commit -m x"));
        assert!(refused("git config core.hooksPath /tmp/none"));
        assert!(refused("git config --unset core.hookspath"));
    }

    #[test]
    fn writes_into_the_hooks_directory_are_refused() {
        assert!(refused("echo exit 0 > .git/hooks/pre-commit"));
        assert!(refused("rm -f .git/hooks/pre-commit"));
        assert!(refused("chmod -x .git/hooks/pre-push"));
        assert!(refused("cp /tmp/x .git//hooks/pre-commit"));
        assert!(refused("echo x | tee .git/hooks/pre-commit"));
        assert!(refused("find .git/hooks -name 'pre-*' -delete"));
        assert!(
            find_bypass(
                "rm /repo/hooks-custom/pre-commit",
                &["/repo/hooks-custom".into()]
            )
            .is_some()
        );
    }

    #[test]
    fn write_targets_are_redirections_and_tee_files() {
        assert_eq!(
            write_targets("echo a > x.txt; cat y >> 'z z.md' 2>/dev/null | tee -a w.log"),
            vec!["x.txt", "z z.md", "w.log"]
        );
        assert_eq!(
            write_targets("cargo test 2>&1 | tail"),
            Vec::<String>::new()
        );
        assert_eq!(write_targets("echo $(date > d.txt)"), vec!["d.txt"]);
    }

    fn targets(cmd: &str) -> Vec<String> {
        write_targets(cmd)
    }

    fn none() -> Vec<String> {
        Vec::new()
    }

    #[test]
    fn cp_install_and_ln_write_their_destination() {
        assert_eq!(
            targets("cp evil.rs protected/billing.rs"),
            ["protected/billing.rs"]
        );
        assert_eq!(targets("cp -f -- -weird.rs dst.rs"), ["dst.rs"]);
        assert_eq!(targets("cp -r --preserve=mode src/ dst"), ["dst"]);
        assert_eq!(
            targets("cp a.rs b/c.rs out/"),
            ["out/", "out/a.rs", "out/c.rs"]
        );
        assert_eq!(targets("cp a.rs ."), ["./", "./a.rs"]);
        assert_eq!(targets("cp -r src/ dst/"), ["dst/", "dst/src"]);
        assert_eq!(
            targets("cp -t out a.rs b.rs"),
            ["out/", "out/a.rs", "out/b.rs"]
        );
        assert_eq!(
            targets("cp a.rs --target-directory=out"),
            ["out/", "out/a.rs"]
        );
        assert_eq!(targets("cp --target out a.rs"), ["out/", "out/a.rs"]);
        assert_eq!(targets("cp -Tr a b"), ["b"]);
        // `-S`/`--suffix` take a value that is not a file.
        assert_eq!(targets("cp -S .orig a.rs b.rs"), ["b.rs"]);
        assert_eq!(targets("cp --suffix .orig -b a.rs b.rs"), ["b.rs"]);
        // Options after the operands (GNU permutes them).
        assert_eq!(targets("cp a.rs b.rs -v"), ["b.rs"]);
        assert_eq!(targets("cp onlyone"), none());
        assert_eq!(
            targets("install -m 644 -o root bin/x /usr/bin/x"),
            ["/usr/bin/x"]
        );
        assert_eq!(targets("install -d a b/c"), ["a/", "b/c/"]);
        assert_eq!(targets("ln -sf ../shared/x.rs src/x.rs"), ["src/x.rs"]);
        assert_eq!(targets("ln -s ../shared/x.rs"), ["x.rs"]);
        assert_eq!(
            targets("ln -s -t bin ../a ../b"),
            ["bin/", "bin/a", "bin/b"]
        );
    }

    #[test]
    fn a_destination_that_is_a_directory_receives_the_source() {
        let is_dir = |p: &str| p == "tests";
        assert_eq!(
            write_targets_with("cp evil.rs tests", &is_dir),
            ["tests/", "tests/evil.rs"]
        );
        assert_eq!(write_targets_with("cp evil.rs other", &is_dir), ["other"]);
        assert_eq!(
            write_targets_with("cp -T evil.rs tests", &is_dir),
            ["tests"]
        );
    }

    #[test]
    fn mv_writes_its_destination_and_removes_its_sources() {
        assert_eq!(targets("mv a.rs b.rs"), ["b.rs", "a.rs"]);
        assert_eq!(
            targets("mv -f a.rs b.rs dir"),
            ["dir/", "dir/a.rs", "dir/b.rs", "a.rs", "b.rs"]
        );
        assert_eq!(targets("mv -t dir a.rs"), ["dir/", "dir/a.rs", "a.rs"]);
        assert_eq!(targets("mv --backup=numbered -- -a b"), ["b", "-a"]);
    }

    #[test]
    fn removing_and_changing_files_writes_every_operand() {
        assert_eq!(targets("rm -rf target a.rs"), ["target", "a.rs"]);
        assert_eq!(targets("rm -- -f"), ["-f"]);
        assert_eq!(targets("rm --interactive=never a"), ["a"]);
        assert_eq!(targets("rmdir -p a/b"), ["a/b/"]);
        assert_eq!(targets("unlink x"), ["x"]);
        assert_eq!(targets("touch -d yesterday -r ref.txt a b"), ["a", "b"]);
        assert_eq!(targets("touch --date=now a"), ["a"]);
        assert_eq!(targets("truncate -s 0 log.txt"), ["log.txt"]);
        assert_eq!(targets("truncate --size 0 --reference r a"), ["a"]);
        assert_eq!(targets("shred -u -n 3 secret"), ["secret"]);
        assert_eq!(targets("chmod 644 a b"), ["a", "b"]);
        assert_eq!(targets("chmod -R u+x,go-w bin"), ["bin"]);
        assert_eq!(targets("chmod -x script.sh"), ["script.sh"]);
        assert_eq!(targets("chmod --reference=ref a"), ["a"]);
        assert_eq!(targets("chown -R user:group dir"), ["dir"]);
        assert_eq!(targets("chown --from=a:b c:d f"), ["f"]);
        assert_eq!(targets("chgrp staff f"), ["f"]);
        assert_eq!(targets("chown --reference ref f"), ["f"]);
    }

    #[test]
    fn sed_in_place_writes_the_files_after_the_script() {
        assert_eq!(
            targets("sed -i 's/100/1/' tests/sacred_test.rs"),
            ["tests/sacred_test.rs"]
        );
        assert_eq!(targets("sed -i -e 's/a/b/' -e 's/c/d/' a b"), ["a", "b"]);
        assert_eq!(targets("sed -ni -f script.sed a"), ["a"]);
        assert_eq!(targets("sed --in-place --expression=s/a/b/ a"), ["a"]);
        assert_eq!(targets("sed --in-place=.bak s/a/b/ a"), ["a", "a.bak"]);
        assert_eq!(targets("sed -i.orig s/a/b/ src/a"), ["src/a", "src/a.orig"]);
        assert_eq!(
            targets("sed -i'bak/*.old' s/a/b/ src/a"),
            ["src/a", "bak/a.old"]
        );
        // `-ie` is `-i` with the suffix `e`: the script is the first operand.
        assert_eq!(targets("sed -ie s/a/b/ f"), ["f", "fe"]);
        assert_eq!(targets("sed -E -i -- s/a/b/ -f"), ["-f"]);
        assert_eq!(targets("sed s/a/b/ f > g"), ["g"]);
        assert_eq!(targets("sed -n p f"), none());
        assert_eq!(targets("sed -e s/a/b/ -i f"), ["f"]);
    }

    #[test]
    fn perl_in_place_writes_the_files_after_the_program() {
        assert_eq!(targets("perl -pi -e 's/a/b/' x.rs y.rs"), ["x.rs", "y.rs"]);
        assert_eq!(targets("perl -pie 's/a/b/' x.rs"), ["x.rs", "x.rse"]);
        assert_eq!(
            targets("perl -i.bak -pe 's/a/b/' x.rs"),
            ["x.rs", "x.rs.bak"]
        );
        assert_eq!(targets("perl -lnie 'print' x"), ["x", "xe"]);
        assert_eq!(targets("perl -i -p fix.pl x"), ["x"]);
        assert_eq!(targets("perl -I lib -pi -e 1 -- x"), ["x"]);
        assert_eq!(targets("perl -pe 's/a/b/' x.rs"), none());
        assert_eq!(targets("perl -e 'print 1' -i"), none());
    }

    #[test]
    fn dd_writes_its_output_file() {
        assert_eq!(
            targets("dd if=/dev/zero of=disk.img bs=1M count=1"),
            ["disk.img"]
        );
        assert_eq!(targets("dd if=x of=/dev/null"), none());
    }

    #[test]
    fn git_commands_that_rewrite_work_tree_files() {
        assert_eq!(
            targets("git checkout HEAD~1 -- a.rs b.rs"),
            ["a.rs", "b.rs"]
        );
        assert_eq!(targets("git checkout -- a.rs"), ["a.rs"]);
        assert_eq!(targets("git checkout main a.rs"), ["a.rs"]);
        assert_eq!(targets("git checkout ."), ["./"]);
        assert_eq!(targets("git checkout main"), none());
        assert_eq!(targets("git checkout -b topic main"), none());
        assert_eq!(targets("git restore --staged a.rs"), ["a.rs"]);
        assert_eq!(targets("git restore -s HEAD~2 a.rs"), ["a.rs"]);
        assert_eq!(targets("git restore --source=HEAD -- -x"), ["-x"]);
        assert_eq!(targets("git rm -r --cached dir"), ["dir"]);
        assert_eq!(targets("git mv a.rs b.rs"), ["b.rs", "a.rs"]);
        assert_eq!(targets("git -C sub rm -f x"), ["sub/x"]);
        assert_eq!(targets("git -c user.name=x checkout -- a"), ["a"]);
        assert_eq!(targets("git status"), none());
    }

    #[test]
    fn wrappers_do_not_hide_writes() {
        assert_eq!(targets("sudo cp a /etc/x"), ["/etc/x"]);
        assert_eq!(targets("sudo -u root -- rm f"), ["f"]);
        assert_eq!(targets("sudo -e f"), ["f"]);
        assert_eq!(targets("env -u BAR FOO=1 sed -i s/a/b/ f"), ["f"]);
        assert_eq!(targets("env -C sub rm f"), ["sub/f"]);
        assert_eq!(targets("env -S 'cp a' b"), ["b"]);
        assert_eq!(targets("FOO=1 BAR=2 mv a b"), ["b", "a"]);
        assert_eq!(targets("command rm f"), ["f"]);
        assert_eq!(targets("command -v rm"), none());
        assert_eq!(targets("nice -n 5 rm f"), ["f"]);
        assert_eq!(targets("nice -5 rm f"), ["f"]);
        assert_eq!(targets("timeout 10 cp a b"), ["b"]);
        assert_eq!(targets("timeout -k 5 -s KILL 10s touch f"), ["f"]);
        assert_eq!(targets("nohup nice timeout 1m sudo rm f"), ["f"]);
        assert_eq!(targets("sudo tee /etc/hosts < x"), ["/etc/hosts"]);
        assert_eq!(targets("bash -c 'sed -i s/a/b/ f'"), ["f"]);
        assert_eq!(targets("cd x && rm -f a; echo $(mv b c)"), ["c", "b", "a"]);
    }

    #[test]
    fn xargs_is_not_guessed() {
        assert_eq!(targets("find . -name '*.rs' | xargs rm -f"), none());
        assert_eq!(targets("xargs -I{} cp {} dest/"), none());
        assert_eq!(targets("xargs"), none());
        assert_eq!(targets("sudo xargs -0"), none());
        assert_eq!(targets("git ls-files | xargs sed -i s/a/b/ > out"), ["out"]);
    }

    #[test]
    fn readers_and_bare_programs_write_nothing() {
        for cmd in [
            "cat a.rs",
            "ls -la",
            "sudo",
            "env",
            "timeout 10",
            "nice",
            "cp",
            "mv -f",
            "rm",
            "sed -i",
            "perl -i",
            "git",
            "git -C",
            "chmod 644",
            "install -t",
            "cp --target-directory",
        ] {
            assert!(
                targets(cmd).iter().all(|t| !t.starts_with('-')),
                "{cmd}: {:?}",
                targets(cmd)
            );
        }
        assert_eq!(targets("cp a.rs /dev/null"), none());
        assert_eq!(targets("rm /dev/shm/x"), none());
    }

    #[test]
    fn here_documents_are_data_unless_a_shell_runs_them() {
        let claude_style = "git commit -m \"$(cat <<'EOF'\nDon't use --no-verify (ever)\ngit commit -n is refused\n\nCo-Authored-By: x\nEOF\n)\"";
        assert!(
            !refused(claude_style),
            "a commit message in a here-document is data"
        );
        assert!(refused(
            "git commit --no-verify -m \"$(cat <<'EOF'\nmsg\nEOF\n)\""
        ));
        assert!(refused("bash <<EOF\ngit commit -n -m x\nEOF\n"));
        assert!(!refused("cat <<< 'git commit -n'"));
    }

    #[test]
    fn unbalanced_quotes_fail_closed_only_near_git() {
        assert!(refused("git commit -m 'oops"));
        assert!(!refused("echo 'oops"));
    }
}
