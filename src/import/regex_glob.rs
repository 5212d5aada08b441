//! The file patterns pre-commit (Python regular expressions) and older lefthook (`exclude:`
//! as a regex) use, turned into gatekeeper globs when a faithful equivalent exists: literal
//! paths, `.*`, `^`/`$` anchors and `(a|b)` alternatives. Anything else (`[…]`, `+`, `?`,
//! `\d`, a lone `.`) returns `None`, and the caller leaves the hook out rather than guess.

/// One piece of a regex this module understands.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    Lit(char),
    AnyRun,
    Start,
    End,
}

/// The globs matching the same paths as `regex` does with Python's `re.search`.
pub fn to_globs(regex: &str) -> Option<Vec<String>> {
    // pre-commit's verbose form `(?x)^(\n a|\n b\n)$` is common: drop the flag and whitespace.
    let regex = match regex.strip_prefix("(?x)") {
        Some(rest) => rest.chars().filter(|c| !c.is_whitespace()).collect(),
        None => regex.to_owned(),
    };
    let chars: Vec<char> = regex.chars().collect();
    let mut pos = 0;
    let alternatives = parse_alternatives(&chars, &mut pos)?;
    if pos != chars.len() {
        return None;
    }
    let mut globs = Vec::new();
    for seq in alternatives {
        for g in sequence_to_globs(&seq)? {
            if !globs.contains(&g) {
                globs.push(g);
            }
        }
    }
    Some(globs)
}

/// `a|b|c` up to a closing `)` or the end: every alternative expanded into plain sequences.
fn parse_alternatives(chars: &[char], pos: &mut usize) -> Option<Vec<Vec<Token>>> {
    let mut out = Vec::new();
    loop {
        out.extend(parse_sequence(chars, pos)?);
        if *pos < chars.len() && chars[*pos] == '|' {
            *pos += 1;
            continue;
        }
        return Some(out);
    }
}

/// One alternative: a product of literals and groups, expanded.
fn parse_sequence(chars: &[char], pos: &mut usize) -> Option<Vec<Vec<Token>>> {
    let mut seqs: Vec<Vec<Token>> = vec![Vec::new()];
    let push =
        |seqs: &mut Vec<Vec<Token>>, t: Token| seqs.iter_mut().for_each(|s| s.push(t.clone()));
    while *pos < chars.len() {
        let c = chars[*pos];
        match c {
            '|' | ')' => break,
            '(' => {
                *pos += 1;
                if chars.get(*pos..*pos + 2) == Some(&['?', ':']) {
                    *pos += 2;
                }
                let inner = parse_alternatives(chars, pos)?;
                if chars.get(*pos) != Some(&')') {
                    return None;
                }
                *pos += 1;
                if seqs.len() * inner.len() > 64 {
                    return None;
                }
                seqs = seqs
                    .iter()
                    .flat_map(|s| {
                        inner.iter().map(move |i| {
                            let mut n = s.clone();
                            n.extend(i.iter().cloned());
                            n
                        })
                    })
                    .collect();
                continue;
            }
            '^' => push(&mut seqs, Token::Start),
            '$' => push(&mut seqs, Token::End),
            '\\' => {
                let next = *chars.get(*pos + 1)?;
                if next.is_ascii_alphanumeric() {
                    return None; // \d, \w, \b, \A…
                }
                push(&mut seqs, Token::Lit(next));
                *pos += 1;
            }
            '.' => {
                if chars.get(*pos + 1) == Some(&'*') {
                    push(&mut seqs, Token::AnyRun);
                    *pos += 1;
                } else {
                    return None;
                }
            }
            '[' | ']' | '{' | '}' | '*' | '+' | '?' => return None,
            _ => push(&mut seqs, Token::Lit(c)),
        }
        *pos += 1;
    }
    Some(seqs)
}

fn sequence_to_globs(seq: &[Token]) -> Option<Vec<String>> {
    let mut seq = seq.to_vec();
    let anchored_start = seq.first() == Some(&Token::Start);
    if anchored_start {
        seq.remove(0);
    }
    let anchored_end = seq.last() == Some(&Token::End);
    if anchored_end {
        seq.pop();
    }
    if seq.iter().any(|t| matches!(t, Token::Start | Token::End)) {
        return None;
    }
    // A leading `.*` is what an unanchored search does anyway; a trailing one, what an
    // unanchored end does.
    let mut anchored_start = anchored_start;
    while seq.first() == Some(&Token::AnyRun) {
        seq.remove(0);
        anchored_start = false;
    }
    let mut anchored_end = anchored_end;
    while seq.last() == Some(&Token::AnyRun) {
        seq.pop();
        anchored_end = false;
    }
    let mut body = String::new();
    for (i, t) in seq.iter().enumerate() {
        match t {
            Token::Lit(c) => {
                if matches!(c, '*' | '?' | '[' | ']' | '{' | '}' | '!') {
                    return None;
                }
                body.push(*c);
            }
            // `dir/.*\.py`: any depth below dir, then a name ending in .py.
            Token::AnyRun => {
                let after_slash = body.ends_with('/');
                let before_slash = matches!(seq.get(i + 1), Some(Token::Lit('/')));
                match (after_slash, before_slash) {
                    (true, _) => body.push_str("**/*"),
                    (false, true) => body.push_str("*/**"),
                    (false, false) => return None,
                }
            }
            Token::Start | Token::End => return None,
        }
    }
    if body.is_empty() {
        return None;
    }
    let has_slash = body.trim_end_matches('/').contains('/') || body.ends_with('/');
    let mut head = if anchored_start {
        if has_slash {
            String::new()
        } else {
            "/".to_owned()
        }
    } else if has_slash {
        "**/".to_owned()
    } else {
        "*".to_owned()
    };
    if anchored_start && body.starts_with('/') {
        head.clear();
    }
    let stem = format!("{head}{body}");
    Some(if anchored_end {
        vec![stem]
    } else if stem.ends_with('/') {
        vec![format!("{stem}**")]
    } else {
        vec![format!("{stem}*"), format!("{stem}*/**")]
    })
}

#[cfg(test)]
mod tests {
    use super::to_globs;

    fn globs(re: &str) -> Option<Vec<String>> {
        to_globs(re)
    }

    #[test]
    fn extensions_match_at_any_depth() {
        assert_eq!(globs(r"\.py$").unwrap(), ["*.py"]);
        assert_eq!(globs(r"\.(js|ts)x?$"), None);
        assert_eq!(globs(r"\.(js|ts)$").unwrap(), ["*.js", "*.ts"]);
    }

    #[test]
    fn anchored_directories_and_files() {
        assert_eq!(globs(r"^docs/").unwrap(), ["docs/**"]);
        assert_eq!(
            globs(r"^(vendor|third_party)/").unwrap(),
            ["vendor/**", "third_party/**"]
        );
        assert_eq!(globs(r"^setup\.py$").unwrap(), ["/setup.py"]);
        assert_eq!(globs(r"^src/.*\.rs$").unwrap(), ["src/**/*.rs"]);
        assert_eq!(
            globs("(?x)^(\n    migrations/|\n    static/vendor/\n)").unwrap(),
            ["migrations/**", "static/vendor/**"]
        );
    }

    #[test]
    fn unanchored_paths_match_below_any_directory() {
        assert_eq!(globs(r"tests/fixtures/").unwrap(), ["**/tests/fixtures/**"]);
        assert_eq!(
            globs(r"^generated").unwrap(),
            ["/generated*", "/generated*/**"]
        );
    }

    #[test]
    fn what_has_no_glob_is_refused() {
        for re in [r"[ab]\.py$", r"\d+", r"a.b", r"^a+", r"foo.*bar", r"\bx"] {
            assert_eq!(globs(re), None, "{re}");
        }
    }
}
