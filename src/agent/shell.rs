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
    let mut cwd: Option<String> = None;
    for simple in &parsed.commands {
        let mut written = simple.redirects.clone();
        written.extend(command_writes(&simple.words, is_dir, depth));
        out.extend(written.into_iter().map(|t| in_dir(cwd.as_deref(), &t)));
        cwd = next_cwd(simple, cwd);
    }
    out
}

/// `path` as seen from the directory a `cd` earlier on the line moved to.
fn in_dir(cwd: Option<&str>, path: &str) -> String {
    match cwd {
        Some(dir) if !path.starts_with('/') && !path.starts_with('~') && !path.is_empty() => {
            join(dir, path)
        }
        _ => path.to_owned(),
    }
}

/// The directory after `simple` when it is `cd DIR` / `pushd DIR` (a bare `cd` goes home).
/// Subshells are not told apart: a `cd` inside one is taken to last (the cautious reading).
fn next_cwd(simple: &Simple, cwd: Option<String>) -> Option<String> {
    let Some(first) = simple.words.first() else {
        return cwd;
    };
    if !matches!(first.as_str(), "cd" | "pushd") {
        return cwd;
    }
    match simple.words[1..].iter().rfind(|w| !w.starts_with('-')) {
        Some(dir) => Some(in_dir(cwd.as_deref(), dir)),
        None => Some("~".to_owned()),
    }
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
    let defs = definitions(command, &parsed);
    let mut cwd: Option<String> = None;
    let mut prev: Option<&Simple> = None;
    for simple in &parsed.commands {
        let at = Place {
            cwd: cwd.as_deref(),
            prev,
            defs: &defs,
        };
        if let Some(b) = check_simple(simple, &at, hooks_dirs, depth) {
            return Some(b);
        }
        cwd = next_cwd(simple, cwd);
        prev = Some(simple);
    }
    None
}

/// What a command line defines that its later commands may call.
#[derive(Debug, Default)]
struct Defs {
    /// Shell functions (`NAME() { …; }`, `function NAME { …; }`).
    functions: Vec<String>,
    /// `alias NAME=VALUE`.
    aliases: Vec<(String, String)>,
    /// git commands that take positional parameters (`git "$@"`): a function's body.
    git_with_params: Vec<Vec<String>>,
}

/// Where a simple command stands on its line.
struct Place<'a> {
    /// The directory a `cd` earlier on the line moved to.
    cwd: Option<&'a str>,
    /// The command before it (the producer, when it reads from a pipe).
    prev: Option<&'a Simple>,
    defs: &'a Defs,
}

fn is_positional(word: &str) -> bool {
    matches!(word, "$@" | "$*" | "${@}" | "${*}")
        || word
            .strip_prefix('$')
            .is_some_and(|n| n.len() == 1 && n.chars().all(|c| c.is_ascii_digit() && c != '0'))
}

fn definitions(src: &str, parsed: &Parsed) -> Defs {
    let mut defs = Defs::default();
    let chars: Vec<char> = src.chars().collect();
    let name_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':');
    let mut i = 0;
    while i + 1 < chars.len() {
        if chars[i] == '(' {
            let mut j = i + 1;
            while matches!(chars.get(j), Some(' ' | '\t')) {
                j += 1;
            }
            if chars.get(j) == Some(&')') {
                let mut k = i;
                while k > 0 && matches!(chars[k - 1], ' ' | '\t') {
                    k -= 1;
                }
                let end = k;
                while k > 0 && name_char(chars[k - 1]) {
                    k -= 1;
                }
                if k < end {
                    defs.functions.push(chars[k..end].iter().collect());
                }
            }
        }
        i += 1;
    }
    for simple in &parsed.commands {
        let words = &simple.words;
        match words.first().map(String::as_str) {
            Some("function") => {
                if let Some(name) = words.get(1) {
                    defs.functions.push(name.trim_end_matches("()").to_owned());
                }
            }
            Some("alias") => {
                for w in &words[1..] {
                    if let Some((name, value)) = w.split_once('=') {
                        defs.aliases.push((name.to_owned(), value.to_owned()));
                    }
                }
            }
            _ => {}
        }
        let u = unwrap_command(words);
        if u.words.first().is_some_and(|w| basename(w) == "git")
            && u.words.iter().any(|w| is_positional(w))
        {
            defs.git_with_params.push(u.words);
        }
    }
    defs
}

/// A function body's words with the call's arguments put in for `"$@"`, `$1`….
fn substitute(body: &[String], call_args: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for w in body {
        match w.as_str() {
            "$@" | "$*" | "${@}" | "${*}" => out.extend(call_args.iter().cloned()),
            _ if is_positional(w) => {
                let n: usize = w[1..].parse().unwrap_or(1);
                out.extend(call_args.get(n - 1).cloned());
            }
            _ => out.push(w.clone()),
        }
    }
    out
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
    /// Its standard input is the previous command's output (`a | b`).
    piped: bool,
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
                            word.push_str(&format!("$({inner})"));
                            out.substitutions.push(inner);
                            i = next;
                        }
                        '`' => {
                            let (inner, next) = take_backquote(&chars, i + 1)?;
                            word.push_str(&format!("$({inner})"));
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
                word.push_str(&format!("$({inner})"));
                out.substitutions.push(inner);
                in_word = true;
                i = next;
                continue;
            }
            '`' => {
                let (inner, next) = take_backquote(&chars, i + 1)?;
                word.push_str(&format!("$({inner})"));
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
                cur.piped =
                    c == '|' && chars.get(i + 1) != Some(&'|') && (i == 0 || chars[i - 1] != '|');
            }
            '>' | '<' => {
                // A file-descriptor number just before belongs to the redirection.
                if in_word && word.chars().all(|d| d.is_ascii_digit()) {
                    word.clear();
                    in_word = false;
                } else {
                    push_word(&mut cur, &mut word, &mut in_word, &mut redirect_next);
                }
                // `<>` opens the file for reading and writing.
                let is_output = c == '>' || chars.get(i + 1) == Some(&'>');
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

/// Whether a word is a path computed from git's own directory (`$(git rev-parse
/// --git-path hooks)`, `$GIT_DIR/…`): gatekeeper cannot tell what it names.
fn git_dir_substitution(word: &str) -> bool {
    let lower = word.to_lowercase();
    (lower.contains("$(") && lower.contains("rev-parse") && {
        [
            "--git-path",
            "--git-dir",
            "--git-common-dir",
            "--absolute-git-dir",
        ]
        .iter()
        .any(|o| lower.contains(o))
    }) || word.contains("$GIT_DIR")
        || word.contains("${GIT_DIR")
        || word.contains("$GIT_COMMON_DIR")
}

/// `a/./b//c/../d` read lexically: `a/b/d`.
fn lexical(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            _ => parts.push(c),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

/// Whether writing `word` could change which hooks git runs: git's hooks directory, a git
/// configuration file (`.git/config`, `~/.gitconfig`, `~/.config/git/config`), or a path
/// computed from git's directory.
fn git_control(word: &str, hooks_dirs: &[String]) -> bool {
    let n = lexical(word);
    let components: Vec<&str> = n.split('/').collect();
    mentions_hooks_dir(&n, hooks_dirs)
        || components.windows(2).any(|w| w == [".git", "config"])
        || components.last() == Some(&".gitconfig")
        || n.ends_with("git/config")
        || git_dir_substitution(word)
}

const SHELLS: [&str; 5] = ["sh", "bash", "zsh", "dash", "ksh"];

/// git subcommands that run hooks, and `config`: an argument added by `xargs` can make them
/// skip or redirect the hooks.
const HOOKED: [&str; 9] = [
    "commit",
    "push",
    "merge",
    "rebase",
    "am",
    "cherry-pick",
    "revert",
    "pull",
    "config",
];

/// The script a literal producer (`echo …`, `printf …`) pipes into a shell.
fn piped_script(prev: Option<&Simple>) -> Option<String> {
    let prev = prev?;
    let u = unwrap_command(&prev.words);
    let (first, args) = u.words.split_first()?;
    match basename(first) {
        "echo" => Some(
            args.iter()
                .filter(|a| !matches!(a.as_str(), "-n" | "-e" | "-E"))
                .cloned()
                .collect::<Vec<_>>()
                .join(" ")
                .replace("\\n", "\n"),
        ),
        "printf" => Some(args.join(" ").replace("\\n", "\n")),
        _ => None,
    }
}

fn check_simple(
    cmd: &Simple,
    at: &Place<'_>,
    hooks_dirs: &[String],
    depth: usize,
) -> Option<Bypass> {
    if depth > 8 {
        return bypass("the command nests aliases or shells too deeply to be checked");
    }
    for target in &cmd.redirects {
        if git_control(&in_dir(at.cwd, target), hooks_dirs) {
            return bypass(format!(
                "writing `{target}` would change git's hooks or configuration, and so disable gatekeeper's hooks"
            ));
        }
    }
    let u = unwrap_command(&cmd.words);
    for a in &u.assignments {
        if let Some(b) = check_assignment(a) {
            return Some(b);
        }
    }
    for w in &u.writes {
        if git_control(&in_dir(at.cwd, w), hooks_dirs) {
            return bypass(format!(
                "writing `{w}` would change git's hooks or configuration, and so disable gatekeeper's hooks"
            ));
        }
    }
    let (first, args) = u.words.split_first()?;
    let prog = basename(first);
    if matches!(
        prog,
        "export" | "declare" | "typeset" | "set" | "readonly" | "local"
    ) {
        return args.iter().find_map(|w| check_assignment(w));
    }
    if prog == "alias" {
        return args
            .iter()
            .filter_map(|w| w.split_once('='))
            .find_map(|(_, value)| find_in(value, hooks_dirs, depth + 1));
    }
    if let Some((_, value)) = at.defs.aliases.iter().find(|(n, _)| n == prog) {
        let mut words = shlex::split(value).unwrap_or_else(|| vec![value.clone()]);
        words.extend(args.iter().cloned());
        let expanded = Simple {
            words,
            ..cmd.clone()
        };
        return check_simple(&expanded, at, hooks_dirs, depth + 1);
    }
    if at.defs.functions.iter().any(|f| f == prog) {
        for body in &at.defs.git_with_params {
            let words = substitute(body, args);
            if let Some(b) = check_git(&words[1..], hooks_dirs, depth) {
                return Some(b);
            }
        }
    }
    if SHELLS.contains(&prog) {
        if let Some(pos) = args.iter().position(|a| {
            a == "-c" || (a.starts_with('-') && !a.starts_with("--") && a.contains('c'))
        }) && let Some(script) = args.get(pos + 1)
        {
            return find_in(script, hooks_dirs, depth + 1);
        }
        let reads_stdin = args.iter().all(|a| a.starts_with('-'));
        if cmd.piped && reads_stdin {
            return match piped_script(at.prev) {
                Some(script) => find_in(&script, hooks_dirs, depth + 1),
                None => bypass(format!(
                    "`{prog}` reading its commands from a pipe cannot be checked; run the commands directly"
                )),
            };
        }
        return None;
    }
    if prog == "eval" {
        return find_in(&args.join(" "), hooks_dirs, depth + 1);
    }
    if prog == "git" {
        if u.xargs {
            let sub = git_subcommand(args);
            if sub.is_none_or(|s| HOOKED.contains(&s)) {
                return bypass(
                    "`xargs git …` adds arguments from its input, which gatekeeper cannot check for hook-skipping options; run git directly",
                );
            }
        }
        return check_git(args, hooks_dirs, depth);
    }
    if !READERS.contains(&prog) {
        for w in args {
            if git_control(&in_dir(at.cwd, w), hooks_dirs) {
                return bypass(format!(
                    "`{prog}` on `{w}` would change git's hooks or configuration, and so disable gatekeeper's hooks"
                ));
            }
        }
    }
    None
}

/// The subcommand of `git [global options] SUB …`.
fn git_subcommand(args: &[String]) -> Option<&str> {
    let mut i = 0;
    while let Some(a) = args.get(i) {
        if !a.starts_with('-') {
            return Some(a.as_str());
        }
        i += if matches!(
            a.as_str(),
            "-C" | "--git-dir"
                | "--work-tree"
                | "--namespace"
                | "--super-prefix"
                | "--exec-path"
                | "--config-env"
                | "-c"
        ) {
            2
        } else {
            1
        };
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
    if name.starts_with("GIT_CONFIG_KEY_") && redirects_config(value) {
        return bypass(format!(
            "`{name}={value}` makes git read other configuration, which can point core.hooksPath away from gatekeeper's hooks"
        ));
    }
    if matches!(
        name,
        "GIT_CONFIG_GLOBAL" | "GIT_CONFIG_SYSTEM" | "GIT_CONFIG" | "GIT_CONFIG_PARAMETERS"
    ) && value != "/dev/null"
    {
        return bypass(format!(
            "`{name}=` points git at other configuration, which can set core.hooksPath and skip gatekeeper's hooks"
        ));
    }
    None
}

/// A configuration key that makes git read another file (`include.path`, `includeIf.*`).
fn redirects_config(key: &str) -> bool {
    let k = key.to_lowercase();
    k.starts_with("include.path") || k.starts_with("includeif.")
}

/// A `git -c KEY=VALUE` pair or a key `git config` sets: hooks moved, other configuration
/// included, or an alias that skips the hooks.
fn check_config_pair(
    key: &str,
    value: Option<&str>,
    hooks_dirs: &[String],
    depth: usize,
) -> Option<Bypass> {
    let lower = key.to_lowercase();
    if lower.starts_with("core.hookspath") {
        return bypass("overriding core.hooksPath would point git away from gatekeeper's hooks");
    }
    if redirects_config(key) {
        return bypass(format!(
            "`{key}` makes git read other configuration, which can set core.hooksPath and skip gatekeeper's hooks"
        ));
    }
    if lower.starts_with("alias.") {
        let value = value?;
        let found = if let Some(script) = value.strip_prefix('!') {
            find_in(script, hooks_dirs, depth + 1)
        } else {
            let words = shlex::split(value).unwrap_or_else(|| vec![value.to_owned()]);
            check_git(&words, hooks_dirs, depth + 1)
        };
        return found.map(|b| Bypass {
            reason: format!("the git alias `{key}` would run: {}", b.reason),
        });
    }
    None
}

/// Whether `arg` is an unambiguous abbreviation of `--no-verify` (git accepts prefixes).
fn is_no_verify(arg: &str) -> bool {
    let a = arg.split('=').next().unwrap_or(arg);
    a.len() >= "--no-ve".len() && "--no-verify".starts_with(a)
}

fn check_git(args: &[String], hooks_dirs: &[String], depth: usize) -> Option<Bypass> {
    if depth > 8 {
        return bypass("the command nests git aliases too deeply to be checked");
    }
    // Global options before the subcommand.
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if !a.starts_with('-') {
            break;
        }
        let pair = match a {
            "-c" | "--config-env" => {
                i += 2;
                args.get(i - 1).map(String::as_str)
            }
            "-C" | "--git-dir" | "--work-tree" | "--namespace" | "--super-prefix"
            | "--exec-path" => {
                i += 2;
                continue;
            }
            _ => {
                i += 1;
                a.strip_prefix("--config-env=")
                    .or_else(|| a.strip_prefix("-c").filter(|v| !v.is_empty()))
            }
        };
        if let Some(pair) = pair {
            let (key, value) = match pair.split_once('=') {
                Some((k, v)) => (k, Some(v)),
                None => (pair, None),
            };
            if let Some(b) = check_config_pair(key, value, hooks_dirs, depth) {
                return Some(Bypass {
                    reason: format!("`git -c {pair}`: {}", b.reason),
                });
            }
        }
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
            if !read_only {
                for (k, key) in options.iter().enumerate() {
                    if key.starts_with('-') {
                        continue;
                    }
                    let (key, value) = match key.split_once('=') {
                        Some((k, v)) if !k.contains(' ') => (k, Some(v)),
                        _ => (*key, options.get(k + 1).copied()),
                    };
                    if let Some(b) = check_config_pair(key, value, hooks_dirs, depth) {
                        return Some(b);
                    }
                }
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

/// A command with its leading assignments and its wrappers (`sudo`, `env`, `nice`,
/// `timeout`, `stdbuf`, `xargs`…) taken off.
#[derive(Debug, Default)]
struct Unwrapped {
    /// The command that finally runs, with its arguments.
    words: Vec<String>,
    /// `NAME=VALUE` words, on the command or given to `env`.
    assignments: Vec<String>,
    /// The directory it runs in (`env -C DIR`, `sudo -D DIR`).
    chdir: Option<String>,
    /// It runs under `xargs`: more arguments come from standard input.
    xargs: bool,
    /// Files the wrappers themselves write (`time -o FILE`, `sudo -e FILE…`).
    writes: Vec<String>,
}

const XARGS: Spec = Spec {
    short_value: "adEILnPs",
    short_rest: "eil",
    long: &[
        ("arg-file", Arg::Required),
        ("delimiter", Arg::Required),
        ("eof", Arg::Optional),
        ("exit", Arg::No),
        ("interactive", Arg::No),
        ("max-args", Arg::Required),
        ("max-chars", Arg::Required),
        ("max-lines", Arg::Optional),
        ("max-procs", Arg::Required),
        ("no-run-if-empty", Arg::No),
        ("null", Arg::No),
        ("open-tty", Arg::No),
        ("process-slot-var", Arg::Required),
        ("replace", Arg::Optional),
        ("show-limits", Arg::No),
        ("verbose", Arg::No),
    ],
    stop_at_operand: true,
};

fn unwrap_command(words: &[String]) -> Unwrapped {
    let mut u = Unwrapped::default();
    let mut words: Vec<String> = words.to_vec();
    loop {
        let start = words.iter().take_while(|w| is_assignment(w)).count();
        u.assignments.extend(words.drain(..start));
        let Some(first) = words.first() else {
            break;
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
            "xargs" => &XARGS,
            "command" | "nohup" | "builtin" => &PLAIN_WRAPPER,
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
            words.clear();
            break;
        }
        if prog == "sudo" && args.has('e', "edit") {
            // sudoedit: every operand is a file edited.
            u.writes.extend(args.operands);
            words.clear();
            break;
        }
        if prog == "time" {
            u.writes
                .extend(args.value('o', "output").map(str::to_owned));
        }
        let dir = match prog.as_str() {
            "env" => args.value('C', "chdir"),
            "sudo" => args.value('D', "chdir"),
            _ => None,
        };
        if let Some(dir) = dir {
            u.chdir = Some(in_dir(u.chdir.as_deref(), dir));
        }
        if prog == "xargs" {
            u.xargs = true;
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
    u.words = words;
    u
}

/// The files one simple command writes through its arguments (not its redirections).
fn command_writes(words: &[String], is_dir: &dyn Fn(&str) -> bool, depth: usize) -> Vec<String> {
    let u = unwrap_command(words);
    let chdir = u.chdir;
    let mut out = u.writes;
    // What xargs runs gets its arguments from standard input: no guess.
    if u.xargs {
        return out;
    }
    let words = u.words;
    if words.is_empty() {
        return out;
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
        assert_eq!(
            targets("cd x && rm -f a; echo $(mv b c)"),
            ["c", "b", "x/a"]
        );
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
    fn forms_that_used_to_pass_are_refused() {
        for cmd in [
            "git config alias.c 'commit -n' && git c",
            "git config --global alias.c '!git commit --no-verify'",
            "git -c alias.c='commit -n' c -m x",
            "git -c 'alias.c=!git commit -n' c",
            "env -C sub git commit -n -m x",
            "echo commit -n -m x | xargs git",
            "git ls-files | xargs -0 git commit -m x",
            "env -S 'git commit -n -m x'",
            "env --split-string='git commit -n'",
            "sudo -u root git commit -n -m x",
            "timeout -s KILL 10 git commit -n -m x",
            "stdbuf -o0 git commit -n -m x",
            "nice -n 5 git commit -n -m x",
            "g() { git \"$@\"; }; g commit -n -m x",
            "function g { git commit \"$@\"; }; g -n -m x",
            "alias g='git commit -n'",
            "alias g=git; g commit -n -m x",
            "git config include.path /tmp/evil",
            "git config --global includeIf.gitdir:/.path /tmp/evil",
            "git -c include.path=/tmp/evil commit -m x",
            "GIT_CONFIG_GLOBAL=/tmp/evil git commit -m x",
            "export GIT_CONFIG_GLOBAL=/tmp/evil",
            "GIT_CONFIG_SYSTEM=/tmp/evil git commit -m x",
            "GIT_CONFIG_KEY_0=include.path GIT_CONFIG_VALUE_0=/tmp/e GIT_CONFIG_COUNT=1 git commit",
            "printf '[core]\\n\\thooksPath = /x\\n' >> .git/config",
            "echo x >> ~/.gitconfig",
            "cd .git && rm hooks/pre-commit",
            "cd .git/hooks; chmod -x pre-commit",
            "rm .git/./hooks/pre-commit",
            "rm .git/hooks/../hooks/pre-commit",
            "rm \"$(git rev-parse --git-path hooks)/pre-commit\"",
            "rm `git rev-parse --git-dir`/hooks/pre-commit",
            "echo 'git commit -n -m x' | sh",
            "printf 'git commit --no-verify\\n' | bash -s",
            "cat script.sh | bash",
            "echo exit 0 1<> .git/hooks/pre-commit",
            "exec 3<> .git/hooks/pre-commit",
        ] {
            assert!(refused(cmd), "{cmd}");
        }
    }

    #[test]
    fn near_misses_still_pass() {
        for cmd in [
            "git config alias.st status",
            "git -c alias.l='log --oneline' l",
            "env -C sub git status",
            "git ls-files | xargs git add",
            "sudo -u root git status",
            "g() { git \"$@\"; }; g status",
            "alias ll='ls -la'",
            "git config --get include.path",
            "cd src && rm old.rs",
            "echo hi | grep h",
            "git diff | cat",
            "rm \"$(git rev-parse --show-toplevel)/target/x\"",
        ] {
            assert!(!refused(cmd), "{cmd}: {:?}", find_bypass(cmd, &[]));
        }
    }

    #[test]
    fn writes_after_cd_are_relative_to_the_new_directory() {
        assert_eq!(
            targets("cd .git && rm hooks/pre-commit"),
            [".git/hooks/pre-commit"]
        );
        assert_eq!(targets("cd a; cd b && touch x"), ["a/b/x"]);
        assert_eq!(targets("cd /abs && touch x"), ["/abs/x"]);
        assert_eq!(targets("echo x 1<> f"), ["f"]);
    }

    #[test]
    fn unbalanced_quotes_fail_closed_only_near_git() {
        assert!(refused("git commit -m 'oops"));
        assert!(!refused("echo 'oops"));
    }
}
