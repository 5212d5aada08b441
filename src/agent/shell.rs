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

/// The files a command line visibly writes: output redirection targets and `tee`'s file
/// arguments, in the command and its substitutions. (What other programs write cannot be
/// read off the command line.) Empty when the command cannot be parsed.
pub fn write_targets(command: &str) -> Vec<String> {
    let (command, bodies) = strip_heredocs(command);
    let mut out = Vec::new();
    for body in &bodies {
        out.extend(write_targets(body));
    }
    let Some(parsed) = split_commands(&command) else {
        return out;
    };
    for inner in &parsed.substitutions {
        out.extend(write_targets(inner));
    }
    for simple in &parsed.commands {
        out.extend(simple.redirects.iter().cloned());
        if simple.words.first().map(|w| basename(w)) == Some("tee") {
            out.extend(
                simple.words[1..]
                    .iter()
                    .filter(|w| !w.starts_with('-'))
                    .cloned(),
            );
        }
    }
    out.retain(|t| !t.is_empty() && !t.starts_with("/dev/"));
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
