//! A small lexer over normalised assertion text, good enough to tell literals, names and
//! operators apart: what the assertion rules compare.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TokenClass {
    Literal,
    Word,
    Op,
}

pub(super) type Token = (TokenClass, String);

/// The tokens of an assertion's normalised text.
pub(super) fn lex(s: &str) -> Vec<Token> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '"' || c == '\'' || c == '`' {
            let start = i;
            i += 1;
            while i < chars.len() && chars[i] != c {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i = (i + 1).min(chars.len());
            out.push((TokenClass::Literal, chars[start..i].iter().collect()));
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric()
                    || chars[i] == '_'
                    || chars[i] == '.'
                    || ((chars[i] == '-' || chars[i] == '+') && matches!(chars[i - 1], 'e' | 'E')))
            {
                i += 1;
            }
            out.push((TokenClass::Literal, chars[start..i].iter().collect()));
        } else if c.is_alphanumeric() || c == '_' || c == '$' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
            {
                i += 1;
            }
            let w: String = chars[start..i].iter().collect();
            let class = if matches!(
                w.as_str(),
                "true" | "false" | "True" | "False" | "None" | "nil" | "null" | "undefined"
            ) {
                TokenClass::Literal
            } else {
                TokenClass::Word
            };
            out.push((class, w));
        } else {
            let rest: String = chars[i..chars.len().min(i + 3)].iter().collect();
            let op = [
                "===", "!==", "==", "!=", ">=", "<=", "=>", "->", "::", "&&", "||",
            ]
            .iter()
            .find(|o| rest.starts_with(*o))
            .map_or_else(|| c.to_string(), |o| (*o).to_owned());
            i += op.chars().count();
            out.push((TokenClass::Op, op));
        }
    }
    out
}

/// The names (words) among the tokens.
pub(super) fn words(tokens: &[Token]) -> Vec<String> {
    tokens
        .iter()
        .filter(|(c, _)| *c == TokenClass::Word)
        .map(|(_, w)| w.clone())
        .collect()
}

/// Whether the two token lists differ only in literals (and do differ): the differing pairs.
pub(super) fn literal_diffs<'t>(a: &'t [Token], b: &'t [Token]) -> Option<Vec<(&'t str, &'t str)>> {
    if a.len() != b.len() {
        return None;
    }
    let literal_only = a
        .iter()
        .zip(b)
        .all(|(x, y)| x == y || (x.0 == TokenClass::Literal && y.0 == TokenClass::Literal));
    let diffs: Vec<(&str, &str)> = a
        .iter()
        .zip(b)
        .filter(|(x, y)| x != y)
        .map(|(x, y)| (x.1.as_str(), y.1.as_str()))
        .collect();
    (literal_only && !diffs.is_empty()).then_some(diffs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_names_and_operators_are_told_apart() {
        let t = lex("assert_eq!(total(\"a b\"),1e-3)==None");
        let classes: Vec<TokenClass> = t.iter().map(|(c, _)| *c).collect();
        assert_eq!(
            t.iter().map(|(_, s)| s.as_str()).collect::<Vec<_>>(),
            [
                "assert_eq",
                "!",
                "(",
                "total",
                "(",
                "\"a b\"",
                ")",
                ",",
                "1e-3",
                ")",
                "==",
                "None"
            ]
        );
        assert_eq!(classes[5], TokenClass::Literal);
        assert_eq!(classes[8], TokenClass::Literal);
        assert_eq!(classes[10], TokenClass::Op);
        assert_eq!(classes[11], TokenClass::Literal);
    }

    #[test]
    fn literal_diffs_need_the_same_shape() {
        let (a, b) = (lex("f(1)==2"), lex("f(1)==3"));
        assert_eq!(literal_diffs(&a, &b), Some(vec![("2", "3")]));
        assert_eq!(literal_diffs(&a, &lex("g(1)==3")), None);
        assert_eq!(literal_diffs(&a, &a), None);
    }
}
