//! Helpers respelled as linters and upgrade tools rewrite them (pyupgrade's annotations,
//! clippy's `uninlined_format_args`, Go's `strings.ReplaceAll`): the same program, so the
//! locked tests that reach them stay intact; a respelling that changes what runs is refused.

const PY_FILE: &str = "tests/billing/test_forms.py";
const PY_ID: &str = "python:tests/billing/test_forms.py::FormTest::test_parse";

const PY_BASE: &str = r#"import unittest
from typing import Dict, List, Optional, Tuple

from billing import HTTPFile, parse


def form_args(limit: Optional[int] = None) -> Tuple[Dict[str, List[bytes]], Dict[str, List[HTTPFile]]]:
    return {}, {}


class FormTest(unittest.TestCase):
    def test_parse(self):
        args, files = form_args()
        parse(b"a=1", args, files)
        self.assertEqual(args, {"a": [b"1"]})
"#;

harmless!(
    a_python_helpers_annotations_respelled_in_the_builtin_generics_are_the_same_helper,
    PY_FILE,
    PY_BASE,
    PY_ID,
    [
        (
            "from typing import Dict, List, Optional, Tuple\n",
            "from typing import Optional\n"
        ),
        (
            "-> Tuple[Dict[str, List[bytes]], Dict[str, List[HTTPFile]]]",
            "-> tuple[dict[str, list[bytes]], dict[str, list[HTTPFile]]]"
        ),
        ("limit: Optional[int] = None", "limit: int | None = None"),
    ]
);

// An annotation that calls something runs when the `def` runs: it is code.
refuses!(
    a_python_helpers_annotation_that_calls_is_still_compared,
    PY_FILE,
    PY_BASE,
    [(
        "-> Tuple[Dict[str, List[bytes]], Dict[str, List[HTTPFile]]]",
        "-> Tuple[Dict[str, List[bytes]], Dict[str, List[HTTPFile.patch()]]]"
    )],
    "rebound",
    PY_ID
);

// What the helper returns is still compared, annotations aside.
refuses!(
    a_python_helper_returning_other_values_under_new_annotations_is_refused,
    PY_FILE,
    PY_BASE,
    [(
        "-> Tuple[Dict[str, List[bytes]], Dict[str, List[HTTPFile]]]:\n    return {}, {}",
        "-> tuple[dict[str, list[bytes]], dict[str, list[HTTPFile]]]:\n    return {\"a\": [b\"1\"]}, {}"
    ),],
    "rebound",
    PY_ID
);

/// A file whose code calls `inspect.signature` may read a helper's annotations: they stay
/// part of it there; a name that only holds the word (`_create_signature_v1`, a comment on a
/// cookie's signature) reads none.
#[test]
fn a_python_helpers_annotations_are_compared_where_the_file_reads_signatures() {
    let reader = PY_BASE.replace(
        "import unittest\n",
        "import inspect\nimport unittest\n\nHINTS = inspect.signature\n",
    );
    let l = super::locked(&[(PY_FILE, &reader)]);
    l.edit(
        PY_FILE,
        &reader,
        &[("limit: Optional[int] = None", "limit: int | None = None")],
    );
    l.assert_refused("rebound", PY_ID);

    let words = PY_BASE.replace(
        "from billing import HTTPFile, parse\n",
        "from billing import HTTPFile, parse, _create_signature_v1  # the signature of a cookie\n",
    );
    let l = super::locked(&[(PY_FILE, &words)]);
    l.edit(
        PY_FILE,
        &words,
        &[("limit: Optional[int] = None", "limit: int | None = None")],
    );
    l.assert_passes();
}

const PY_MIXIN: &str = r#"from typing import Optional

from billing import AsyncTestCase, Future, Stream, gen_test, pair


class ReadMixin(AsyncTestCase):
    def make_pair(self):
        raise NotImplementedError()

    @gen_test
    def test_read(self):
        a, b = yield self.make_pair()
        a.write(b"x")
        self.assertEqual((yield b.read()), b"x")


class StreamMixin(ReadMixin):
    def make_pair(self):
        fut = Future()  # type: Future[Stream]
        pair(fut)
        return fut
"#;

// The helper a test reaches through the subclass it runs under reads as the test's own
// helpers do: a type comment turned into a local annotation is the same helper.
harmless!(
    a_subclass_helpers_type_comment_turned_into_an_annotation_is_the_same_helper,
    "tests/billing/test_stream.py",
    PY_MIXIN,
    "python:tests/billing/test_stream.py::ReadMixin::test_read",
    [(
        "fut = Future()  # type: Future[Stream]",
        "fut: Future[Stream] = Future()"
    )]
);

const RS_FILE: &str = "tests/billing/receipts.rs";
const RS_ID: &str = "rust:tests/billing/receipts.rs::receipt_names_the_total";

const RS_BASE: &str = r#"use shop::total;

fn receipt(n: i64, who: &str) -> String {
    let line = format!("{} pays {:>4}", who, n);
    format!("receipt: {}", line)
}

#[test]
fn receipt_names_the_total() {
    assert_eq!(receipt(total(&[2, 4]), "ann"), "receipt: ann pays    6");
}
"#;

harmless!(
    a_rust_helpers_format_arguments_inlined_are_the_same_helper,
    RS_FILE,
    RS_BASE,
    RS_ID,
    [
        (
            r#"format!("{} pays {:>4}", who, n)"#,
            r#"format!("{who} pays {n:>4}")"#
        ),
        (
            r#"format!("receipt: {}", line)"#,
            r#"format!("receipt: {line}")"#
        ),
    ]
);

refuses!(
    a_rust_helpers_format_arguments_inlined_in_another_order_are_refused,
    RS_FILE,
    RS_BASE,
    [(
        r#"format!("{} pays {:>4}", who, n)"#,
        r#"format!("{n} pays {who:>4}")"#
    )],
    "rebound",
    RS_ID
);

// A macro the file defines itself under the standard name is not the standard one.
#[test]
fn a_rust_format_macro_the_file_defines_is_compared_as_written() {
    let own = RS_BASE.replace(
        "use shop::total;\n",
        "use shop::total;\n\nmacro_rules! format {\n    ($($t:tt)*) => { String::new() };\n}\n",
    );
    let l = super::locked(&[(RS_FILE, &own)]);
    l.edit(
        RS_FILE,
        &own,
        &[(
            r#"format!("receipt: {}", line)"#,
            r#"format!("receipt: {line}")"#,
        )],
    );
    l.assert_refused("rebound", RS_ID);
}

const GO_FILE: &str = "tests/billing/man_test.go";
const GO_ID: &str = "go:tests/billing/man_test.go::TestManPage";

const GO_BASE: &str = r#"package billing

import (
	"strings"
	"testing"

	"example.com/shop/doc"
)

func translate(in string) string {
	return strings.Replace(in, "-", "\\-", -1)
}

func TestManPage(t *testing.T) {
	got := doc.Man("pay-now")
	if got != translate("pay-now") {
		t.Errorf("got %q", got)
	}
}
"#;

harmless!(
    a_go_helpers_replace_of_every_match_written_as_replace_all_is_the_same_helper,
    GO_FILE,
    GO_BASE,
    GO_ID,
    [(
        r#"strings.Replace(in, "-", "\\-", -1)"#,
        r#"strings.ReplaceAll(in, "-", "\\-")"#
    )]
);

// `strings.Replace(…, 1)` replaces the first match only: not `ReplaceAll`.
refuses!(
    a_go_helpers_replace_of_one_match_written_as_replace_all_is_refused,
    GO_FILE,
    GO_BASE.replace("-1)", "1)").as_str(),
    [(
        r#"strings.Replace(in, "-", "\\-", 1)"#,
        r#"strings.ReplaceAll(in, "-", "\\-")"#
    )],
    "rebound",
    GO_ID
);
