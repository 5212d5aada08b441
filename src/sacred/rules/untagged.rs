//! `untagged`: the locked test is still there but no longer sacred.
//!
//! Why: dropping the tag (the `gatekeeper:sacred` comment, `@pytest.mark.sacred`, a
//! `[sacred]` title, a `sacred.paths` entry) takes the test out of the next lock, after which
//! it could be weakened freely. Untagging is a re-lock and needs its signature.
//!
//! Example: `# gatekeeper:sacred` deleted above `def test_refund():`.

use super::{Finding, Rule, Subject};

pub(super) fn check(s: &Subject<'_>) -> Option<Finding> {
    (!s.test.sacred).then(|| {
        s.finding(
            Rule::Untagged,
            "the test lost its sacred tag (comment, marker or `sacred.paths` entry)",
            s.old_header.clone(),
            s.new_header(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::super::Rule;
    use super::super::testing::{GO, JS, PY, RS, TS, accepted, refused};

    #[test]
    fn a_test_that_lost_its_tag_is_refused() {
        refused(&PY, &[("# gatekeeper:sacred\n", "")], Rule::Untagged);
        for f in [&RS, &GO, &JS, &TS] {
            refused(f, &[("// gatekeeper:sacred\n", "")], Rule::Untagged);
        }
    }

    #[test]
    fn a_tag_comment_that_says_more_is_accepted() {
        accepted(
            &PY,
            &[("# gatekeeper:sacred\n", "# gatekeeper:sacred (billing)\n")],
        );
        for f in [&RS, &GO, &JS, &TS] {
            accepted(
                f,
                &[("// gatekeeper:sacred\n", "// gatekeeper:sacred (billing)\n")],
            );
        }
    }
}
